"""A NIC's port rate in gigabits said as gigabytes: "the NDR NIC gives each GPU 400 GB/s".

Scale-out NICs are sold by their line rate in bits: InfiniBand HDR 200 Gb/s, NDR 400 Gb/s,
XDR 800 Gb/s, GDR 1.6 Tb/s (ConnectX-6 to -9), i.e. 25, 50, 100 and 200 GB/s each way. The
trap blind writers planted most often in the sealed sets (17 times in sets 4–9) is the port
rate read as bytes: 400 GB/s per GPU off-node, "nearly NVLink". Unlike the bits-and-bytes
check (:func:`grading.figures.bit_byte_slips`), it needs no "400 Gb/s" in the sentence: the
signature is a byte rate equal to a port's rate in gigabits, said of one NIC, port, link or
GPU's share of the scale-out network. A node's or a box's total (eight NICs × 50 GB/s = 400
GB/s, "per DGX", "in total", "bidirectional") has the same number and is right, so any word
of a total, a count of NICs or both directions excuses it; so does GDR's 200 GB/s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

#: Port rates in Gb/s (HDR, NDR, XDR, GDR) whose number as GB/s is the slip, with the rate
#: each way in GB/s that the port really gives.
PORT_RATES_GBPS = {200.0: 25.0, 400.0: 50.0, 800.0: 100.0, 1600.0: 200.0}
#: How many words from the number a NIC word may stand.
NIC_WINDOW_WORDS = 6

#: A byte rate as typed: "400 GB/s", "0.4 TB/s", "400GBps".
_BYTE_RATE_RE = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s?([GT])(?:B/s|Bps|B/sec)$")
#: The scale-out network's words: a NIC, a port of InfiniBand or RoCE, off-node traffic.
_NIC_RE = re.compile(
    r"\b(?:nics?|hcas?|infiniband|ib|ndr|hdr|xdr|connectx[-\s]?\d|cx[-\s]?\d|roce|rdma"
    r"|scale[-\s]out|off[-\s]node|cross[-\s]node|inter[-\s]?node|across\s+nodes"
    r"|between\s+nodes|network\s+(?:card|port|link)s?)\b", re.IGNORECASE)
#: A total rather than one port: a node's or box's, added up, both directions, or a count of
#: NICs or ports ("eight NICs", "8x400G", "4 × 400 Gb/s").
_TOTAL_RE = re.compile(
    r"\b(?:per[-\s]node|each\s+node|a\s+node|(?<!off\s)(?<!leaving\s)(?<!outside\s)the\s+node|node's|nodes'|dgx|hgx|server|host"
    r"|tray|rack|box|chassis|totals?|aggregate|combined|sum|summed|add(?:s|ed)?\s+up|egress"
    r"|bidirectional|bi-directional|duplex|both\s+(?:directions|ways)|in\s+and\s+out"
    r"|(?:two|three|four|six|eight|sixteen|[2-9]|[1-9][0-9]+)\s*[x×]?\s*(?:[0-9]+\s?g\w*\s+)?"
    r"(?:\w+[\s-]+){0,2}(?:nics|ports|links|hcas|cards|rails|adapters|gpus|connectx-\d+s)"
    r"|(?:[2-9]|eight|four)\s*[x×]\s*(?:ndr|hdr|xdr|400g|200g|800g)|shared?"
    r"|split\s+(?:across|between)"
    r"|[0-9]+\s*[x×]\s*[0-9]+\s?g)\b", re.IGNORECASE)
#: GDR's 1.6 Tb/s named: its 200 GB/s is right.
_GDR_RE = re.compile(r"\b(?:gdr|1\.6\s?tb?(?:/s|ps)?|1,?600\s?gb?(?:/s|ps)|connectx[-\s]?9"
                     r"|cx[-\s]?9)\b", re.IGNORECASE)
#: The number named as the mistake or denied before it: "not 400 GB/s", "reading it as".
_DENIED_RE = re.compile(r"(?:\b(?:not|never|isn't|aren't|instead\s+of|rather\s+than|as\s+if"
                        r"|mistake\w*|wrong\w*|trap|misread\w*|confus\w*|read\s+as|reading"
                        r"|treat\w*\s+as|quoted?\s+as)\b)[^.;]{0,60}$", re.IGNORECASE)
#: One GPU's or one port's share said: "per GPU", "each GPU", "to every H100", "a single
#: NIC", "the ConnectX-7 does", "one NDR port". Without one, a byte rate near a NIC word is
#: too often a node's, an instance's, a storage system's or NVLink's (an independent review
#: found 19 of 40 right sentences flagged without it).
_ONE_RE = re.compile(
    r"\b(?:per|each|every|a|one|single|to\s+each|to\s+every|for\s+each|the)\s+"
    r"(?:single\s+)?(?:gpu|accelerator|h100|h200|b200|b300|gb200|mi300x|card|nic|hca|port"
    r"|adapter|connectx[-\s]?\d|cx[-\s]?\d|(?:ndr|hdr|xdr|ib|infiniband)\s+(?:nic|port|link"
    r"|card|adapter))s?\b(?!\s+(?:pair|node|server|box|system))", re.IGNORECASE)
#: What else a byte rate beside a NIC word is: NVLink or NVSwitch, storage, an instance or a
#: switch, a bus bandwidth measured inside a node.
_OTHER_RE = re.compile(
    r"\b(?:storage|file\s?system|lustre|weka\w*|vast|gpfs"
    r"|checkpoint\w*|instance|vm|system|overall|together|switch|tomahawk|spectrum|bisection"
    r"|intra[-\s]node|injection|pod|superpod|scalable\s+unit|su|efa|a800|h800)\b",
    re.IGNORECASE)
#: NVLink's own figures: a byte rate nearer to one of these than to any NIC word is NVLink's
#: ("the A800 caps NVLink at 400 GB/s, and its HDR InfiniBand adds 25 GB/s per port").
_NVLINK_RE = re.compile(r"\b(?:nvlink\w*|nvswitch\w*|nvl\d+|a800|h800)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """How many characters from ``text[start:end]`` the nearest match of ``pattern`` is."""
    gaps = [max(0, start - m.end()) if m.end() <= start else max(0, m.start() - end)
            for m in pattern.finditer(text)]
    return min(gaps, default=None)


def _gbps(typed: str) -> float | None:
    """A byte rate's value in GB/s, or None when ``typed`` is not a byte rate."""
    match = _BYTE_RATE_RE.match(typed.strip())
    if match is None:
        return None
    try:
        value = float(match.group(1).replace(",", ""))
    except ValueError:
        return None
    return value * (1000.0 if match.group(2) == "T" else 1.0)


def _window(text: str, start: int, end: int, words: int) -> str:
    """``words`` words either side of ``text[start:end]``, with it."""
    before = [m.start() for m in _WORD_RE.finditer(text[:start])]
    after = [m.end() for m in _WORD_RE.finditer(text[end:])]
    low = before[-words] if len(before) >= words else 0
    high = end + (after[words - 1] if len(after) >= words else len(text) - end)
    return text[low:high]


def nic_rate_slips(sentences: Sequence[Any], quantities: Sequence[tuple[int, int, str]],
                   refuted: Any) -> Iterator[tuple[str, str, str]]:
    """Each port rate in Gb/s said as GB/s for one NIC or GPU, as (number as typed, what the
    port gives, the sentence). ``sentences`` are :class:`grading._prose.Sentence` objects,
    ``quantities`` the answer's (start, end, typed), ``refuted(index)`` whether a sentence
    calls what it says a myth."""
    for index, sentence in enumerate(sentences):
        if not sentence.claim or refuted(index) or _TOTAL_RE.search(sentence.text):
            continue
        for start, end, typed in quantities:
            if not sentence.start <= start < sentence.end:
                continue
            value = _gbps(typed)
            port = next((rate for rate in PORT_RATES_GBPS if abs(value - rate) <= 0.01 * rate),
                        None) if value is not None else None
            if port is None or (port == 200.0 and _GDR_RE.search(sentence.text)):
                continue
            local_start, local_end = start - sentence.start, end - sentence.start
            near = _window(sentence.text, local_start, local_end, NIC_WINDOW_WORDS)
            nic_gap = _nearest(_NIC_RE, sentence.text, local_start, local_end)
            nvlink_gap = _nearest(_NVLINK_RE, sentence.text, local_start, local_end)
            if not _NIC_RE.search(near) or not _ONE_RE.search(sentence.text) \
                    or _OTHER_RE.search(sentence.text) \
                    or (nvlink_gap is not None and nic_gap is not None
                        and nvlink_gap < nic_gap) \
                    or _DENIED_RE.search(sentence.text[:local_start]):
                continue
            expected = (f"a {port:,.0f} Gb/s port gives {PORT_RATES_GBPS[port]:g} GB/s each "
                        f"way (bits ÷ 8)")
            yield typed, expected, sentence.text
