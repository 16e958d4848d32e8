"""A NIC's port rate in gigabits said as gigabytes (grading._links). Sources: NVIDIA's
ConnectX-6/-7/-8 manuals give HDR 200 Gb/s, NDR 400 Gb/s, XDR 800 Gb/s per port (content/
hardware.toml's ib_hdr, ib_ndr, ib_xdr: 25, 50, 100 GB/s each way); a DGX H100 has eight
400 Gb/s ConnectX-7 NICs, one per GPU (jax-ml/scaling-book, gpus.md)."""

from __future__ import annotations

import pytest

from content.catalog import builtin_catalog
from grading._links import PORT_RATES_GBPS
from grading.rubric import score_open


def slips(answer: str) -> list[str]:
    return [w.typed for w in score_open(answer, (), process_flags=()).wrong_numbers
            if w.name == "a NIC's rate in bits said as bytes"]


@pytest.mark.parametrize(("reference", "gbps"), [("ib_hdr", 200.0), ("ib_ndr", 400.0),
                                                 ("ib_xdr", 800.0)])
def test_the_port_rates_are_the_catalogs(reference: str, gbps: float) -> None:
    found = builtin_catalog().lookup(f"{reference}.bandwidth_per_direction")
    assert found.value == pytest.approx(PORT_RATES_GBPS[gbps] * 1e9)
    assert PORT_RATES_GBPS[gbps] == gbps / 8


@pytest.mark.parametrize(("sentence", "typed"), [
    ("The NIC gives 400 GB/s per GPU.", ["400 GB/s"]),
    ("The scale-out fabric is 400 GB/s per GPU, so pipeline sends between nodes are free.",
     ["400 GB/s"]),
    ("I'd split TP across two nodes, because the InfiniBand NDR links give every GPU 400 GB/s "
     "of scale-out bandwidth.", ["400 GB/s"]),
    ("On B200s the XDR NICs give 800 GB/s per GPU off the node.", ["800 GB/s"]),
    ("Each GPU's InfiniBand link is 200 GB/s, so TP across nodes is fine.", ["200 GB/s"]),
    ("The ConnectX-7 moves 0.4 TB/s, close to NVLink.", ["0.4 TB/s"]),
    ("A GDR NIC would give each GPU 1.6 TB/s.", ["1.6 TB/s"]),
])
def test_a_port_rate_said_in_bytes_for_one_nic_or_gpu_is_named(sentence: str,
                                                               typed: list[str]) -> None:
    assert slips(sentence) == typed


@pytest.mark.parametrize("sentence", [
    "Off-node each GPU gets about 50 GB/s over its NDR NIC.",
    "A DGX H100 has eight NICs, so the node gets 400 GB/s of scale-out bandwidth.",
    "Per node that is 400 GB/s over InfiniBand.",
    "The NICs add up to 400 GB/s in total.",
    "A 400 Gb/s NIC is 50 GB/s per direction, 100 GB/s bidirectional.",
    "The NIC is 400 GB/s bidirectional across the eight ports of a DGX.",
    "Scale-out per DGX is 400 GB/s, against 3.6 TB/s of NVLink inside it.",
    "The 8 GPUs share 400 GB/s of NIC bandwidth.",
    "Four 400G NICs give 200 GB/s.",
    "A GDR ConnectX-9 NIC at 1.6 Tb/s is 200 GB/s each way.",
    "An XDR NIC is 100 GB/s per direction.",
    "Reading a 400 Gb/s NIC as 400 GB/s is the classic mistake; it is 50 GB/s.",
    "Cross-node it is 50 GB/s per GPU, not 400 GB/s.",
    "NVLink gives 450 GB/s each way and 900 GB/s both ways.",
    # a second independent review's right sentences, flagged by the rule as first written
    "The A800 caps NVLink at 400 GB/s, and its HDR InfiniBand adds only 25 GB/s per port.",
    "Each DGX H100 has eight ConnectX-7 NICs. Together they give 400 GB/s of InfiniBand "
    "bandwidth each way.",
    "Across eight NDR HCAs that is 400 GB/s of injection bandwidth, i.e. 50 GB/s per GPU.",
    "Our Lustre filesystem reads at 400 GB/s over RDMA, so a 2 TB checkpoint restores in "
    "about 5 s.",
    "A p5.48xlarge has 3,200 Gbps of EFA, which is 400 GB/s of scale-out bandwidth per "
    "instance.",
    "The eight NDR links offer 400 GB/s overall, so a cross-node all-reduce is NIC-bound.",
])
def test_a_total_a_right_rate_or_a_refuted_one_is_not(sentence: str) -> None:
    assert slips(sentence) == []


@pytest.mark.parametrize(("rate", "named"), [("396 GB/s", True), ("395 GB/s", False),
                                             ("404 GB/s", True), ("405 GB/s", False)])
def test_the_rate_must_be_the_port_number_within_one_percent(rate: str, named: bool) -> None:
    assert bool(slips(f"The NIC gives {rate} per GPU.")) is named


@pytest.mark.parametrize(("fillers", "named"), [(4, True), (5, False)])
def test_a_nic_word_binds_within_six_words(fillers: int, named: bool) -> None:
    """Six words back from the number: "NIC", four fillers and "moves" (named); a fifth
    filler puts "NIC" seventh."""
    filler = " ".join(["really"] * fillers)
    assert bool(slips(f"The NIC {filler} moves 400 GB/s per GPU.")) is named
