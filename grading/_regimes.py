"""Hear "decode is compute-bound" however it is worded.

Small-batch decode reads every weight from HBM for one token per sequence, about 1 FLOP per
byte against an H100 ridge of ~295 (989 TFLOP/s ÷ 3.35 TB/s), so it is bound by memory
bandwidth until the batch nears a few hundred. Blind writers planted the inversion in most
sealed sets, in words no phrasing list held: "small-batch token generation is compute-limited",
"decode speed is set by the FLOP/s of the card", "for batch-1 decode the tensor cores are the
bottleneck". What every wording shares is a shape: the decode phase as the subject and compute
as what limits it, in one clause with no other phase between. :func:`decode_compute_spans`
finds that shape; the caller confirms each span through
:meth:`grading._evidence.Reader.misconception`, so a span that is negated, quoted, put in
someone else's mouth, supposed or called a myth is not a claim, and the known claim's
``unless`` (a batch of 128 or more, a "large batch") keeps the regime where it is right.

Pure standard library; nothing here raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["decode_compute_spans"]

#: The decode phase as a subject.
_DECODE = (r"(?:decode|decoding|token\s+generation|the\s+generation\s+phase|autoregressive\s+"
           r"(?:generation|decoding)|generating\s+tokens|per[-\s]token\s+generation)")
#: Compute as what limits it.
_COMPUTE = (r"(?:compute[-\s]bound|compute[-\s]limited|flops?[-\s]bound|math[-\s]bound"
            r"|(?:limited|bound|bottlenecked|gated|capped)\s+(?:by|on)\s+(?:the\s+)?"
            r"(?:compute|flops?|flop/s|tflops|arithmetic|matmul\s+throughput|tensor[-\s]cores?)"
            r"|(?:set|determined|dictated|governed)\s+by\s+(?:the\s+)?(?:card's\s+|gpu's\s+)?"
            r"(?:flops?|flop/s|tflops|compute|tensor[-\s]core\s+(?:peak|throughput))"
            r"|(?:depends|scales)\s+(?:on|with)\s+(?:the\s+)?(?:flops?|flop/s|tflops|compute)\b"
            r"|tensor[-\s]cores?\s+(?:are|is)\s+the\s+bottleneck)")
#: What may not stand between them: another phase (the predicate is its), a contrast, or a
#: clause break.
_BETWEEN = (r"(?:(?!\b(?:prefill|prompt|training|pretraining|but|whereas|while|unlike|not|never"
            r"|no|isn't|aren't|wasn't|hardly|rarely|instead|rather|only|and|or|becomes?|turns?"
            r"|becoming|turning|until|once|when|if|past|above|beyond|large|big|huge|high"
            r"|memory|bandwidth|hbm|kv)\b|n't\b)[^.;:!?,])")
#: The predicate used as an adjective of what follows ("the compute-bound prefill") is not
#: said of decode.
_ADJECTIVE_AFTER = (r"(?!\s+(?:prefill|phase|work|kernels?|ops?|operations?|parts?|matmuls?"
                    r"|gemms?|regime|jobs?|workloads?|stages?|steps?|layers?|pass(?:es)?)\b)")
_SHAPE_RE = re.compile(rf"\b{_DECODE}\b{_BETWEEN}{{0,70}}?\b{_COMPUTE}{_ADJECTIVE_AFTER}",
                       re.IGNORECASE)


#: The label named to reject it: "calling batch-1 decode compute-bound is wrong".
_LABEL_REJECTED_RE = re.compile(
    r"\b(?:calling|call(?:s|ed)?|labell?ing|treating|describing)\b[^.;:]*\b(?:is|was|would\s+be)"
    r"\s+(?:wrong|a\s+mistake|a\s+myth|incorrect|false|the\s+classic\s+\w+|misleading)\b",
    re.IGNORECASE)


def decode_compute_spans(sentence: str) -> Iterator[str]:
    """Each stretch of ``sentence`` that says decode is limited by compute, as typed (to be
    confirmed as a claim by the caller); none when the sentence names the label to reject it."""
    if _LABEL_REJECTED_RE.search(sentence):
        return
    for match in _SHAPE_RE.finditer(sentence):
        yield match.group(0)
