"""Cut an open answer into sentences and tell a claim from a list of terms.

An interviewer hears a point when the candidate *says something about it*: a clause with a
verb that makes a claim ("the score matrix is written to HBM and read back"), not a noun
dropped into a list ("score matrix, HBM traffic, tiling"). :func:`sentences` cuts the answer
into sentences (and bullet lines) and marks each one a **claim** when it

- has a verb: a finite form from a small lexicon of the verbs technical prose uses (with
  auxiliaries, modals and contractions), a word right after a subject pronoun ("it streams",
  "we measured"), or a relation written as a symbol (``=``, ``≈``, ``→``, ``<``);
- says something about its terms: a verb left once the **hollow frames** are taken out
  (:data:`HOLLOW_FRAME_PATTERN`) — "we would look at tiling, SRAM and recompute", "tiling is key",
  "NCCL is run", "stragglers matter" name topics without claiming anything of them, the way a
  term list disguised as sentences does;
- reads as prose, not a list: at least :data:`MIN_CLAIM_WORDS` words and at most
  :data:`MAX_CLAIM_WORDS` (and punctuated inside past :data:`RUN_ON_WORDS`), fewer than
  :data:`MAX_CLAIM_PIECES` comma pieces, at least
  :data:`MIN_FUNCTION_SHARE` of its words function words when it is long (articles,
  prepositions, pronouns, auxiliaries: a term list has almost none), and not mostly short
  verbless comma pieces.

Pure standard library; nothing here raises on any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = [
    "FUNCTION_WORDS",
    "HOLLOW_FRAME_PATTERN",
    "MIN_CLAIM_WORDS",
    "MIN_FUNCTION_SHARE",
    "Sentence",
    "has_verb",
    "sentences",
]

#: Fewest words and figures a claim has: "I assumed 95%" is three, "It is memory-bound" four.
MIN_CLAIM_WORDS = 3
#: Most words a claim has: a longer run without a full stop is a run-on list, not a sentence
#: (the longest claim in the labelled set's strong answers has 55).
MAX_CLAIM_WORDS = 80
#: A sentence this long with no comma, colon, semicolon, dash or bracket inside is a run-on
#: of pasted terms: no answer in the labelled set has a sentence past 30 words without one.
RUN_ON_WORDS = 35
#: A sentence of this many pieces (cut at commas, semicolons, colons, brackets, dashes and at
#: "and"/"or") is an enumeration whatever verbs it holds; strong answers' longest has 9.
MAX_CLAIM_PIECES = 12
#: Least share of a claim's words that are function words ("the", "of", "is", "it"…). Prose
#: runs at 0.3–0.5; a term list at 0–0.1 ("rule of three, probability of zero crashes").
MIN_FUNCTION_SHARE = 0.15
#: A comma piece this short and without a verb is a list item ("HBM traffic", "tiling").
_LIST_PIECE_WORDS = 3
#: A sentence whose comma pieces are at least this share list items (and at least
#: :data:`_LIST_MIN_PIECES` of them) is a list, whatever verbs it holds.
_LIST_PIECE_SHARE = 0.5
_LIST_MIN_PIECES = 3
#: A long list may hold one piece with a verb ("…, keep in BF16, …") and still be a list.
_LONG_LIST_PIECES = 5
_LONG_LIST_SHARE = 0.7

_FUNCTION_WORDS = frozenset("""
a an the this that these those there here it its they them their we our us i me my you your
he she his her who whom which what whose when where why how
of to in on at by for with from into onto over under than as about per via within without
between across through after before during against among above below up down out off
and or but nor so if then else because since while whereas although though unless until
is are was were be been being am do does did has have had can could will would shall should
may might must not no never only also just even still each every all any both either
neither some such more most less least much many few very too once again around like
roughly approximately nearly almost about same other another own anything everything
nothing something alongside back
""".split())
#: The function words, for other modules (articles, prepositions, pronouns, auxiliaries).
FUNCTION_WORDS = _FUNCTION_WORDS
#: Below this many words the function-word share is not asked: a short sentence with a verb
#: ("Good runs sit around 35–45%") is prose, and a run-on list is long.
_SHARE_MIN_WORDS = 10
#: Most words of an introduction before a colon and a list ("Numbers I'd bring to this:").
_INTRO_WORDS = 6

_AUXILIARIES = frozenset("""
is are was were be been being am do does did done has have had can could will would shall
should may might must need needs needed isnt arent wasnt werent dont doesnt didnt hasnt havent
hadnt cant cannot couldnt wont wouldnt shouldnt mustnt aint
its thats theres heres whats whos itll thatll theyll youll ive weve youve theyve
id wed youd theyd im youre theyre were lets
""".split())

_SUBJECTS = frozenset("i we you they he she it which that who this".split())
#: What may follow a verb as (the start of) its object: "writes the grid", "costs about",
#: "took 57 days". Prepositions are not enough ("cost of delay", "crashes per day" are nouns).
_OBJECT_WORDS = frozenset("""
the a an this that these those its their our my your his her it them us me all every each
some any no more less about up down out off into back only just roughly around nearly almost
over under half twice everything nothing anything something what how why where when whether
""".split())
#: After a plural noun these start its complement ("crashes per day", "hangs at scale", "costs
#: of delay", "gains for free"); other prepositions after an -s form mark a verb ("falls as").
_NOUN_PREPOSITIONS = frozenset("of per at for".split())
#: Before a noun that a verb follows: "the tree wins for", where "rare hangs at" is a list item.
_DETERMINERS = frozenset("the a an this that these those its their our my your each every".split())
_PREPOSITIONS = frozenset("""
of to in on at by for with from into onto over under per via within across through after
before during against between among above below than as
""".split())
#: Words ending in "-ed" that are no past tense ("speed of light", "a hundred of them").
_ED_NOUNS = frozenset("speed seed feed hundred shed infrared embed bed red".split())
#: After these, any word that is not a function word is a verb ("we got", "they wanted").
_PERSONAL = frozenset("i we you they he she".split())

#: Verbs technical answers use, in the base form; finite forms (-s, -ed) are derived.
_VERBS = """
accept account achieve add adjust affect allocate allow amortise amortize answer apply
approve argue arrive ask assign assume attach attain avoid back balance base batch become
begin believe benchmark block blow boost bound break bring buffer build burn buy calculate
call cap carry catch cause change charge check choose chunk claim climb collapse collect
combine come commit compare compensate complete compress compute conclude confirm connect
consume contain continue contribute control converge convert cost count cover crash create
cross cut decide decline decode define degrade delay deliver deny depend deploy derive
describe design detect determine diagnose die differ diverge divide do dominate double drain
draw drift drive drop earn eat eliminate enable end ensure equal escalate estimate evaluate
exceed exchange expand expect explain expose extend accelerate communicate download upload
shorten lengthen outperform underperform parallelise parallelize synchronise synchronize fail
fall fetch fill find finish fit fix
flag flip flow follow force forget form free fuse gain gate gather get give go grow
guarantee halve hand handle hang happen have help hide hit hold hurt identify ignore imply
improve include increase inflate insist interleave isolate keep kill know land last launch
lead learn leave let lift limit link live load locate lock look lose lower make manage map
mask match matter mean measure meet merge miss model move multiply need negotiate note offer
offload open operate outweigh overlap override overrule own pack page pass pause pay perform
pick pin place plan play point pool predict prefer prefetch prepare present prevent price
produce profile project promote prove provide pull push put quantify quantise quantize queue
raise reach read realise realize rebuild receive recommend recompute record recover reduce
refuse reject release rely remain remove rent repair replace replay report request require
rerun reserve reset resolve restart restore result retire return reuse rise roll round run
saturate save scale scatter schedule score see seem select sell send serve set settle shard
share shift ship show shrink shut sit size skip slip slow solve sort spend spike split
spread stage stall stand start starve state stay step stop store stream stretch succeed
suffer suggest sum supply support sustain swap switch take talk target tell tend test think
throttle tie tile time track trade train transfer treat trigger trim trust try tune turn
understand unlock update upgrade use validate vary verify wait want warm waste watch win
work worsen write yield
"""

_IRREGULAR = """
got gotten began begun bound bought brought built burnt came caught chose chosen cost cut did
done drew drawn drove driven fell felt fit found gave given went gone grew grown had held hit
hurt kept knew known laid led left lent let lost made meant met paid put quit ran read rose said sat
saw seen sent set shed shot showed shown shrank shrunk shut sold spent split spread stood
stuck struck swept taken took taught told thought threw thrown understood woke won wrote
written
"""


def _inflections(verb: str) -> set[str]:
    """The base, third-person and past forms of a regular verb ("stall", "stalls",
    "stalled"; "apply", "applies", "applied"; "stop", "stops", "stopped")."""
    forms = {verb}
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    elif verb.endswith(("s", "sh", "ch", "x", "z", "o")):  # "goes", "vetoes"
        forms |= {verb + "es", verb + "ed"}
    elif verb.endswith("e"):
        forms |= {verb + "s", verb + "d"}
    else:
        forms |= {verb + "s", verb + "ed"}
        if (len(verb) <= 4 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou"
                and verb[-3:-2] not in set("aeiou")):
            forms.add(verb + verb[-1] + "ed")  # stop -> stopped, drop -> dropped
    return forms


@cache
def _verb_forms() -> frozenset[str]:
    forms: set[str] = set(_AUXILIARIES) | set(_IRREGULAR.split())
    for verb in _VERBS.split():
        forms |= _inflections(verb)
    return frozenset(forms)


#: Irregular past forms that are not also common nouns or bases ("bound", "cost", "set" are).
_PAST = frozenset("""
got gotten began begun bought brought built came caught chose chosen did done drew drawn
drove driven fell felt found gave given went gone grew grown had held kept knew known laid
led left lent lost made meant met paid ran rose said sat saw seen sent shot showed shown
shrank shrunk sold spent stood stuck struck swept taken took taught told thought threw thrown
understood woke won wrote written
""".split())


_BASE_VERBS = frozenset(_VERBS.split())


@cache
def _inflected_forms() -> frozenset[str]:
    """The verb forms that are not a bare base form ("runs", "stalled", "took"): between two
    words they are verbs ("setup runs alongside"), where a base form may be a noun ("cost")."""
    return frozenset(form for form in _verb_forms() - set(_AUXILIARIES)
                     if form not in _BASE_VERBS)


#: A word: letters and digits, starting with a letter ("H100s" is one word; "6ND", "1.62e19"
#: and "70B" are figures, not words).
_WORD_RE = re.compile(r"(?<![^\W_])[^\W\d_][^\W_]*(?:['’ʼ][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’ʼ]")
_RELATION_RE = re.compile(r"(?<![<>=!~])(?:=|≈|≃|→|⇒|->|=>|<|>|≤|≥)(?![=])")
#: A sentence opening by presenting what follows ("It's …", "There was …"): when the rest is
#: a list of terms, the opening claims nothing.
#: A figure that counts or measures something ("8 GPUs", "2.5 ms", "40%"): a presentative
#: sentence with one states a fact ("There are 8 GPUs per node").
_COUNTED_FIGURE_RE = re.compile(
    r"(?<![\w.])(?:[0-9][0-9,.]*(?:\s*%|\s+[^\W\d_]{2,}\b|(?:[kKMBTG]|ms|us|µs|ns|[KMGTP]i?B|"
    r"[kMG]?W|h|s|x)\b)|[$€£]\s?[0-9]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|fifty|hundred|dozens?|hundreds|thousands?|millions?|billions?|"
    r"tens\s+of)\b)", re.IGNORECASE)
#: A presentative that only introduces ("There's …"), unlike "It is", whose rest is a predicate.
_THERE_IS_RE = re.compile(r"^(?:there\s+(?:is|are|was|were)|theres|there's|there’s)\s+",
                          re.IGNORECASE)
_IT_WAS_RE = re.compile(r"it\s+was\s", re.IGNORECASE)
_PRESENTATIVE_RE = re.compile(
    r"^(?:it\s+(?:is|was)|its|it's|it’s|there\s+(?:is|are|was|were)|theres|there's|there’s|"
    r"we\s+have|you\s+have|we've\s+got)\s+", re.IGNORECASE)
#: A worked step: a figure, a relation, a figure ("16 × 7e9 = 112 GB", "47 / 0.85 ≈ 55").
_WORKED_RE = re.compile(r"[0-9][^=≈≃]*(?:=|≈|≃)\s*[~$]?[0-9]")
_SENTENCE_SPLIT_RE = re.compile(
    r"(?<=[.!?;])(?<!\bet al\.)\s+(?=\S)|\s*\n+\s*|(?<=:)\s+(?=[-*•])")
#: A bracketed figure after a word, shorter than a clause and stating no relation ("density
#: (60 kW+)"; not "kernels (MFU < 30%)", a claim in brackets, nor "kernels (fused)", a list's
#: own item).
_ASIDE_RE = re.compile(r"(?<=\w)\s*\((?=[^()]*[0-9])[^()<>=≈≤≥]{1,30}\)")
_PIECE_SPLIT_RE = re.compile(r"[,;:](?=\s|$)|[()\[\]]|\s[-–—]\s|—")
_INNER_PUNCTUATION_RE = re.compile(r"[,;:()\[\]—–]|\s-\s")
_ENUMERATION_SPLIT_RE = re.compile(r"[,;:](?=\s|$)|[()\[\]]|\s[-–—]\s|—|\s(?:and|or)\s",
                                   re.IGNORECASE)


_CLAUSE_END = r"\s*(?=[,.;:!?)\]]|\s[-–—]\s|\s(?:and|or|but|because|since|so|given|when|if)\s|$)"
#: Verbs and predicates that name a topic without saying anything about it. Taken out of a
#: sentence before its verb is looked for, so "We would look at tiling, SRAM and recompute" and
#: "Tiling is key. SRAM matters. NCCL is run." (a term list dressed as sentences) hold no claim,
#: while "Tiling matters because the score matrix never leaves SRAM" keeps "leaves". Each frame
#: is a closed class of words that claim nothing on their own: talking about a topic ("look
#: at", "consider", "focus on"), rating its importance ("is key", "is a big factor", "plays a
#: role"), or a bare passive at the end of a clause ("is used", "are tracked").
#: Importance words of a hollow predicate ("key", "important", "a big part").
_IMPORTANCE = (r"(?:key|important|critical|crucial|essential|relevant|central|vital|fundamental|"
               r"significant|big|major|main|primary|huge|core|top|biggest|notable|useful|good|"
               r"interesting|necessary|valuable|helpful)")
#: Nouns that rate or file a topic without saying anything of it ("a key factor", "part of the
#: picture", "the lens to keep in mind").
_META_NOUNS = (r"(?:factors?|considerations?|things?|points?|parts?|levers?|drivers?|issues?|"
               r"concerns?|topics?|areas?|aspects?|pieces?|elements?|components?|ingredients?|"
               r"themes?|questions?|options?|concepts?|ideas?|techniques?|metrics?|numbers?|"
               r"decisions?|references?|reference\s+points?|principles?|lens(?:es)?|dimensions?|"
               r"angles?|signals?|inputs?|capabilit(?:y|ies)|risks?|tensions?|tools?|pillars?|"
               r"priorit(?:y|ies)|formulas?|interactions?|patterns?|frameworks?|collectives?|"
               r"methods?|approach(?:es)?|terms?|names?|acronyms?)")
#: An introduction that files what follows rather than saying it: "Numbers I'd bring to this",
#: "Key figures", "The concepts involved" (not "Targets", a spec, nor "So X was 30%
#: efficient", a claim with its figure).
_META_INTRO_RE = re.compile(rf"\b{_META_NOUNS}\b|\bfigures\b", re.IGNORECASE)
#: An introduction's only verb when it talks about what follows ("Numbers I'd bring to this"),
#: not when it claims ("The numbers come out as", "Things that typically cause it").
_INTRO_FRAME_RE = re.compile(r"\b(?:i|we|you)(?:'d|’d|\s+would|\s+will|'ll|’ll)?\s+"
                             r"(?:bring|look\s+at|consider|watch|track|check|mention|cover|use)\b",
                             re.IGNORECASE)
#: What may follow a hollow predicate before its clause ends: "here", "to keep in mind",
#: "of the picture", "we'd want to keep an eye on", "carefully".
_HOLLOW_TAIL = (
    r"(?:\s+(?:here|too|as\s+well|overall|again|in\s+practice|carefully|closely|a\s+lot|"
    r"in\s+the\s+end|for\s+(?:this|us|sure)|"
    r"to\s+(?:this|the|that)\s+(?:discussion|question|topic|conversation|problem|analysis)|"
    r"to\s+how\s+(?:i|we)\s+(?:framed|approached|thought\s+about)\s+(?:it|this|that)|"
    r"to\s+(?:consider|watch|mention|track|note|think\s+about|keep\s+in\s+mind|remember|"
    r"look\s+at|look\s+into|keep\s+an\s+eye\s+on|get\s+right|watch\s+out\s+for|be\s+aware\s+of)|"
    r"of\s+(?:the|any|a|an|every|our|this|that)\s+(?:(?:good|solid|overall|sizing|whole|"
    r"bigger|full)\s+)?(?:picture|story|puzzle|discussion|equation|conversation|approach|plan|"
    r"analysis|design|rollout|answer|problem|process|program|system|decision|framework|"
    r"strategy)|"
    # "… we'd consider", "… I care about a lot", "… we'd want to keep an eye on", "… we looked at"
    r"(?:i|we|you|they|id|wed|youd|ill|well|leadership|people|everyone)\s+(?:would\s+|should\s+|"
    r"d\s+|ll\s+)?(?:want\s+to\s+)?(?:think\s+about|thought\s+about|consider(?:ed)?|"
    r"care\s+about|keep\s+in\s+mind|keep\s+an\s+eye\s+on|watch(?:ed)?|track(?:ed)?|"
    r"look(?:ed)?\s+(?:at|into)|discussed|believe\s+in|relates?\s+to|"
    r"want\s+\w+\s+to\s+remember)))*")
#: A document a term is cited from: "the PaLM paper", "the NVIDIA Ampere and Hopper
#: whitepapers", "Korthikanti et al.", "that literature" — not "the NCCL work" or "the slides".
_DOCUMENT = (r"(?:(?:the|a|an|that|this|their|its|his|her|our)\s+)?(?:[\w.&:'-]+\s+){0,5}?"
             r"(?:papers?|whitepapers?|datasheets?|literature|technical\s+reports?|"
             r"blog\s+posts?|et\s+al\.?)")
#: A figure a sentence states: a number with a unit, a share or a factor ("50k hours", "38%",
#: "2x", "$3M"), not a formula's constant ("sbh(34 + 5as/h)", "6ND") nor a ratio's term ("2:4").
#: Narrower than :data:`_COUNTED_FIGURE_RE`, which also counts number words and "2:4 sparsity"
#: for the presentatives.
_STATED_FIGURE_RE = re.compile(
    r"(?<![\w.:/(-])[$€£]?[0-9][0-9,.]*[kKMBT]?(?:\s*(?:%|×)|x\b|\s+[A-Za-z]{2,}\b|"
    r"(?:[KMGTP]i?B|[kMG]?W|ms|s|h|min)\b)")
#: What before a number makes it part of a name, not a value: "Llama 3", "TPU v5", "Gen5",
#: "ZeRO-3", "step 2", "stage 3", "H100" (a letter right before it). Matched against the text
#: that ends where the number starts.
NAMED_NUMBER_RE = re.compile(
    r"(?:\b(?:llama|gpt|gen|hbm|nvlink|pcie|zero|stage|step|phase|tier|round|version|"
    r"part|option|level)[\s-]*|[A-Za-z]-?)$", re.IGNORECASE)
#: The words that string terms into a list ("X and Y and Z").
_JOINER_RE = re.compile(r"\s(?:and|or)\s")
HOLLOW_FRAME_PATTERN = (
    # A subject and (modal) verb of talking about a topic: "we would look at", "I'd consider".
    r"\b(?:i|we|you|they|one|ill|id|wed|well|youd)\s+(?:(?:would|will|should|could|can|might|"
    r"must|need\s+to|have\s+to|want\s+to|ll|d|also|then|first|next|always|probably)\s+)*"
    r"(?:look(?:s|ed|ing)?\s+(?:at|into)|consider(?:s|ed|ing)?|think(?:s|ing)?\s+about|"
    r"discuss(?:es|ed|ing)?|talk(?:s|ed|ing)?\s+about|cover(?:s|ed|ing)?|mention(?:s|ed|ing)?|"
    r"focus(?:es|ed|ing)?\s+on|touch(?:es|ed)?\s+on|bring\s+up|keep\s+in\s+mind|"
    r"keep\s+an\s+eye\s+on|care\s+about|list|go\s+through|work\s+through|work\s+out|"
    r"figure\s+out|bring\s+(?:all\s+)?(?:of\s+)?(?:that|this|these|those|them|it)\s+together|"
    r"combine\s+(?:them|these|those|it|all\s+of\s+(?:them|that)))\b"
    # The same verbs opening a sentence as an imperative, or a plan's step naming what it
    # would work out without working it out: "Consider tiling, SRAM, recompute.", "Step two:
    # get the number of interruptions over the 30 days." (a step with its result keeps it:
    # "First, compute the job MTBF: 50,000 / 2,048 ≈ 24 h").
    r"|^(?:(?:also|then|next|first|second|third|fourth|fifth|sixth|finally|after\s+that|"
    r"step\s+\w+)\s*[:,.)-]?\s+)?(?:look\s+at|consider|think\s+about|mention|"
    r"focus\s+on|remember|keep\s+in\s+mind|keep\s+an\s+eye\s+on|"
    r"(?:get|take|pick|convert|compare|total|check|work\s+out|figure\s+out|go\s+through|"
    r"work\s+through|estimate|calculate|compute|combine|bring\s+together|sum\s+up|turn)"
    r"(?![^.;]*[0-9]))\b"
    r"|\bto\s+answer\s+(?:it|this|that|the\s+question)(?:\s+(?:properly|well|fully|here))?\b"
    # Restating the question or presenting what it involves: "The question is how long …",
    # "The mechanism involves a draft model, …", "the areas involved are …", "That means X, Y".
    r"|\b(?:the|this|that)\s+question\s+is\s+(?:really\s+)?(?:about|how|what|whether|why|"
    r"which|asking)\b"
    r"|\b(?:involves?|involved|involving|encompass(?:es)?|comprises?|spans?|touches\s+on)\b"
    r"|\b(?:areas?|things?|concepts?|pieces?|parts?|factors?|topics?|inputs?|ingredients?|"
    r"considerations?)\s+(?:involved|at\s+play|in\s+play|that\s+matter|to\s+consider)"
    r"(?:\s+here)?\s+(?:are|is|include)\b"
    r"|\b(?:that|this|it)\s+means\b"
    # A copula and an importance word ending its clause: "is key", "are the main factors here",
    # "is a key risk area", "is an important part of the picture".
    r"|\b(?:is|are|was|were|be|remains?|becomes?|s)\s+(?:(?:really|also|very|especially|"
    r"particularly|super|quite|so|the|a|an|most|all|another|other|usual|standard|typical|"
    r"common|one|of|always|definitely|"
    r"clearly|obviously|absolutely|hugely|extremely|certainly|probably|likely)\s+)*"
    r"(?:(?:" + _IMPORTANCE + r"\s*)*(?:" + _META_NOUNS + r"|something|key|important|critical|"
    r"crucial|essential|relevant|central|vital|fundamental|significant|necessary|"
    r"ways?\s+to\s+(?:look\s+at|think\s+about|talk\s+about|frame|explain)\s+it|"
    r"worth\s+(?:mentioning|noting|"
    r"considering|watching|tracking|thinking\s+about|keeping\s+in\s+mind|looking\s+at)|"
    r"involved|in\s+play|at\s+play|on\s+the\s+(?:list|radar|table)|in\s+the\s+mix)"
    r"|(?:" + _IMPORTANCE + r"\s+)+[a-z][a-z-]*\s+" + _META_NOUNS + r")"
    + _HOLLOW_TAIL + _CLAUSE_END +
    # A bare passive ending its clause: "NCCL is run", "goodput is tracked", "X gets used",
    # "should all be looked at".
    r"|\b(?:(?:should|must|would|could|can|will|might|needs?\s+to|have\s+to)\s+)?"
    r"(?:(?:all|both|also|then|always)\s+)*(?:is|are|was|were|gets?|got|be|been|being)\s+"
    r"(?:(?:also|then|always|all|both|carefully)\s+)?"
    r"(?:run|used|tracked|monitored|measured|considered|done|applied|checked|reviewed|"
    r"handled|needed|required|involved|included|mentioned|noted|covered|discussed|watched|"
    r"looked\s+at|looked\s+into|taken\s+into\s+account|factored\s+in|accounted\s+for|weighed|"
    r"evaluated|assessed|explored|examined|addressed|prioriti[sz]ed|kept\s+in\s+mind)"
    r"(?:\s+(?:here|too|as\s+well|regularly|closely|carefully|thoroughly|everywhere|always))?"
    + _CLAUSE_END +
    # Mattering, counting, playing a role, ending the clause: "stragglers matter here",
    # "… all play a role", "statistics mattered", "deserve serious consideration".
    r"|\b(?:(?:all|both)\s+)?(?:matters?|mattered|counts?|counted|plays?\s+(?:a\s+)?"
    r"(?:big\s+|key\s+|major\s+|central\s+|huge\s+|important\s+|critical\s+)?(?:role|part)|"
    r"played\s+(?:a\s+)?(?:big\s+|key\s+|major\s+|central\s+|huge\s+|important\s+)?(?:role|part)|"
    r"comes?\s+into\s+(?:play|it)|came\s+into\s+it|factors?\s+in|(?:comes?|came)\s+up|"
    r"(?:is|are)\s+what\s+matters?|belongs?\s+in\s+the\s+(?:discussion|picture|conversation|"
    r"analysis|mix|model)|deserves?\s+(?:(?:serious|careful|real|close|some)\s+)?"
    r"(?:consideration|attention|thought|a\s+(?:careful\s+|close\s+|hard\s+)?look)|"
    r"(?:gets?|got)\s+(?:a\s+(?:careful\s+|close\s+)?look|(?:the\s+)?attention(?:\s+(?:they|it)\s+"
    r"deserves?)?))"
    r"(?:\s+(?:here|too|a\s+lot|a\s+great\s+deal|so\s+much|as\s+well|most|the\s+most|"
    r"hugely|enormously))*" + _CLAUSE_END +
    # Being there, with nothing said of it: "Chunked prefill exists.", "Prefix caching is a
    # thing.", "MFU is on it." (a dashboard), "Amdahl's law applies here.", "Loss curves are
    # how you detect it." ("The rule applies to every rank above 4k GPUs" says where: a claim).
    r"|\b(?:exists?|existed|(?:is|are|was|were)\s+(?:also\s+)?(?:a\s+thing|on\s+it|"
    r"how\s+(?:you|we|i|one)\s+(?:detect|measure|find|see|catch|spot|track)\s+"
    r"(?:it|them|this|that))|applies|apply|applied)" + _HOLLOW_TAIL + _CLAUSE_END +
    # A vague effect ending the clause: "it affects performance", "drives the outcome".
    r"|\b(?:affects?|impacts?|drives?|influences?|shapes?)\s+(?:the\s+|overall\s+)*"
    r"(?:result|results|outcome|outcomes|answer|performance|things|everything|picture)"
    + _CLAUSE_END +
    # A verdict with nothing in it: "these give a holistic view", "gives a solid number".
    r"|\b(?:gives?|yields?|provides?)\s+(?:us\s+)?(?:a|an|the)\s+(?:(?:holistic|full|complete|"
    r"clear|good|solid|better|right|overall|final|sound)\s+)*(?:capacity\s+)?(?:view|picture|"
    r"answer|decision|number|result|framework|understanding)\b"
    # The hollow predicate repeated for the next topic: "…, and so was the cost of delay",
    # "…, as are the interruption rate and its root-cause mix".
    r"|(?:,\s*|\band\s+)(?:so|as)\s+(?:is|are|was|were|does|do|did)\b"
    # "It's really about understanding the workload": what it is about, not what it is.
    r"|\b(?:its|it\s+is|it\s+was|this\s+is|that\s+is|thats)\s+(?:(?:really|all|mostly|"
    r"ultimately|just|simply)\s+)*about\s+(?=[a-z]+ing\b)"
)


#: Where a term is written down, not what it says: "MFU comes from the PaLM paper", "sparsity
#: is in the Hopper whitepaper", "which the PaLM paper defined", "is the one everyone cites",
#: "the Llama 3 paper reports MFU figures" (name-dropping: a source cited in place of a claim).
#: Taken out only from a sentence that states no figure of its own (:data:`_STATED_FIGURE_RE`):
#: "the MTBF came from the vendor's report, 50k hours per GPU" keeps its claim, and so does a
#: second clause ("…, and with m = 4p it is 25%"); "comes from fewer HBM bytes" names no
#: document and is a claim.
PROVENANCE_FRAME_PATTERN = (
    r"\b(?:comes?|came|is|are|was|were)\s+(?:originally\s+|again\s+|also\s+|first\s+)?"
    r"(?:from|in|on)\s+" + _DOCUMENT + _HOLLOW_TAIL + _CLAUSE_END +
    r"|\b(?:shows?|showed|turns?|turned)\s+up\s+(?:again\s+|also\s+|first\s+)?(?:in|on)\s+"
    + _DOCUMENT + r"(?:\s+and\s+" + _DOCUMENT + r")?" + _HOLLOW_TAIL + _CLAUSE_END +
    r"|\b(?:(?:is|are|was|were|been|be)\s+)?(?:first\s+|originally\s+)?"
    r"(?:introduced|defined|proposed|coined|popularised|popularized|described|documented|"
    r"published|cited|formalised|formalized)\s+(?:in|by)\s+" + _DOCUMENT + _HOLLOW_TAIL
    + _CLAUSE_END +
    r"|\b(?:which|that|as)\s+" + _DOCUMENT + r"\s+(?:first\s+)?(?:defined|introduced|coined|"
    r"proposed|describes|described|discusses|discussed|covers|covered|mentions|mentioned|"
    r"cites|cited|popularised|popularized|uses|used)" + _CLAUSE_END +
    r"|\b(?:is|are|was|were)\s+(?:also\s+)?(?:(?:the|a|an)\s+)?(?:(?:one|ones|thing|things|"
    r"formula|formulas|figure|figures|number|numbers|terms?|names?)\s+(?:that\s+)?|"
    r"something\s+(?:else\s+)?)(?:(?:everyone|everybody|people|folks|they|papers)\s+"
    r"(?:cites?|quotes?|brings?\s+up|mentions?|references?|points?\s+to|talks?\s+about)|"
    r"(?:comes?|came)\s+up|gets?\s+(?:cited|quoted|mentioned))" + _HOLLOW_TAIL + _CLAUSE_END +
    # A document said to report what it reports, with nothing of it given: "the Llama 3 paper
    # reports MFU figures for its 16k-GPU run".
    r"|\b" + _DOCUMENT + r"\s+(?:also\s+)?(?:reports?|reported|gives?|gave|lists?|listed|has|"
    r"had|includes?|included|publishes|published)\s+(?:(?:its|their|the|some|own)\s+)*"
    r"(?:[\w-]+\s+){0,2}?(?:figures?|numbers?|data|results?|measurements?|benchmarks?|"
    r"discussions?|sections?|tables?)(?:\s+(?:for|on|about|from|of)\s+[^,.;:!?0-9]{0,40}?)?"
    + _CLAUSE_END +
    r"|\b(?:is|are|was|were)\s+(?:also\s+)?(?:the|a|an)\s+(?:(?:usual|classic|standard|"
    r"canonical|original|main|key|go-to|best|first|primary)\s+)*(?:references?|"
    r"original|citations?|papers?)"
    r"(?:\s+(?:on|for|in|about|of|behind)\s+[^,.;:!?]{0,40}?)?" + _CLAUSE_END
)


_IT_IS_RE = re.compile(r"\bit['’ʼ]s\b", re.IGNORECASE)


@cache
def hollow_frame_re() -> re.Pattern[str]:
    """:data:`HOLLOW_FRAME_PATTERN` compiled on first use (it costs ~30 ms: not at import)."""
    return re.compile(HOLLOW_FRAME_PATTERN, re.IGNORECASE)


@cache
def provenance_frame_re() -> re.Pattern[str]:
    """:data:`PROVENANCE_FRAME_PATTERN` compiled on first use."""
    return re.compile(PROVENANCE_FRAME_PATTERN, re.IGNORECASE)


def _states_a_figure(text: str) -> bool:
    """Whether ``text`` states a figure of its own (:data:`_STATED_FIGURE_RE`), not a number
    that is part of a name (:data:`NAMED_NUMBER_RE`: "the Llama 3 paper")."""
    return any(not NAMED_NUMBER_RE.search(text[max(0, match.start() - 10):match.start()])
               for match in _STATED_FIGURE_RE.finditer(text))


def _without_hollow_frames(text: str) -> str | None:
    """``text`` with every hollow frame replaced by a comma (so what is left reads as the
    list it is): "Tiling is key" → "Tiling ,"; None when it holds no hollow frame. A source
    cited in place of a claim (:data:`PROVENANCE_FRAME_PATTERN`) is a frame only in a sentence
    that states no figure."""
    text = _IT_IS_RE.sub("it is", text)  # so the possessive "its" left is no verb
    bare, cited = _APOSTROPHES.sub("", text), 0
    if not _states_a_figure(text):
        bare, cited = provenance_frame_re().subn(" , ", bare)
    bare, frames = hollow_frame_re().subn(" , ", bare)
    return bare if frames or cited else None


def _words(text: str) -> list[str]:
    """The words of letters in ``text``, casefolded, apostrophes dropped ("isn't" → "isnt")."""
    return [_APOSTROPHES.sub("", word.casefold()) for word in _WORD_RE.findall(text)]


_TOKEN_RE = re.compile(r"[^\W\d_][^\W_]*(?:['’ʼ][^\W_]+)*|[0-9][0-9.,]*[^\W_]*|[^\w\s]")


#: A verb that states a premise before its figure ("assume 15T tokens", "Assume 2,048 GPUs at
#: 40% MFU"): no noun-and-figure pair ("batch 64"), so a claim of the answer's.
_ASSUMPTION_VERBS = frozenset({"assume"})


def has_verb(text: str, weak: bool = True, possessive_its: bool = False) -> bool:
    """Whether ``text`` holds a verb used as one.

    With ``possessive_its``, "its" typed without an apostrophe is a possessive, not "it's"
    (for what is left once hollow frames are out: "…, as are the rate and its mix").

    With ``weak`` False, a lexicon verb form that only stands between two words ("utility
    queues lead", "lead times in") is not enough: inside a comma list such a word is a plural
    noun far more often than a verb.

    An auxiliary, modal or contraction ("is", "can", "doesn't", "that's") always counts; a
    relation symbol too ("= 112 GB"). A lexicon verb form ("writes", "costs", "took") counts
    when a subject or an auxiliary comes right before it ("it streams", "we measured", "is
    written") or an object right after it: a function word, a pronoun or a number ("writes the
    grid", "costs about", "took 57 days"). So "KV cache reads, large-batch gains" and "half an
    interval lost" — nouns and adjectives in a list — hold no verb.
    """
    if _RELATION_RE.search(text):
        return True
    typed = _TOKEN_RE.findall(text)
    tokens = [_APOSTROPHES.sub("", token.casefold()) for token in typed]
    forms = _verb_forms()
    for index, token in enumerate(tokens):
        if token in _AUXILIARIES and (token != "its" or not possessive_its
                                      or _APOSTROPHES.search(typed[index])):
            return True
        previous = tokens[index - 1] if index else ""
        # "density effectively requires": the word before the adverb may be the subject.
        before_adverb = tokens[index - 2] if previous in _VERB_ADVERBS and index > 1 else ""
        if token in _BASE_VERBS and token not in _PAST_AS_BASE and index > 1 \
                and tokens[index - 2] in _SINGULAR_DETERMINERS \
                and previous.isalpha() and previous not in _FUNCTION_WORDS \
                and (index < 3 or (tokens[index - 3] not in _PREPOSITIONS
                                   and tokens[index - 3] not in _PLACE_WORDS)):
            continue  # "a ridge point around 295": a singular subject would say "points";
            # after "inside a node" the phrase is an object, and "expect" starts a clause
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        takes_object = bool(following) and (
            following[:1].isdigit() or following in _OBJECT_WORDS
            or following in ("$", "~", "≈"))
        if following[:1].isdigit() and token in _BASE_VERBS \
                and token not in _ASSUMPTION_VERBS and (
                not previous[:1].isalpha() or previous in _DETERMINERS
                or previous in _PREPOSITIONS or previous in ("and", "or")):
            takes_object = False  # "batch 64", "step 3", "stage 2": a noun and its figure
        past = (token.endswith("ed") and token not in _ED_NOUNS) or token in _PAST
        takes_preposition = past and following in _PREPOSITIONS
        if token in forms:
            subject = ((previous in _SUBJECTS and typed[index - 1] != "IT")  # "IT load"
                       or before_adverb in _SUBJECTS)
            if subject or previous in _AUXILIARIES or before_adverb in _AUXILIARIES \
                    or takes_object \
                    or takes_preposition:
                return True
            if weak and token in _inflected_forms() and previous[:1].isalpha() \
                    and following[:1].isalnum() and not {previous, following} & {"and", "or"} \
                    and (
                        following not in _NOUN_PREPOSITIONS
                        or (index > 1 and tokens[index - 2] in _DETERMINERS)):
                return True  # "setup runs alongside", "MTBF falls as", "the tree wins for"
        elif past and len(token) > 4 and (takes_object or takes_preposition):
            return True  # "averaged 6,000", "throttled by": a past tense not in the lexicon
        elif weak and token.endswith("s") and not token.endswith("ss") and len(token) > 4 \
                and previous[:1].isalpha() and previous not in _FUNCTION_WORDS \
                and following in _DETERMINERS:
            return True  # "softmax rescales the sum": a present tense not in the lexicon
        elif previous in _PERSONAL and token[:1].isalpha() and token not in _FUNCTION_WORDS:
            return True
        elif previous in _SUBJECTS and token.endswith(("s", "ed")) and len(token) > 3:
            return True
    return False


#: Prepositions of place and time that open a sentence ("Inside a node expect …").
_PLACE_WORDS = frozenset("inside outside across within between behind beyond among after before "
                         "during through throughout".split())
#: Determiners of one thing: after "a ridge", a base-form word ("point") is a noun, since a
#: verb would agree with its singular subject ("points").
_SINGULAR_DETERMINERS = frozenset("a an each every".split())
#: Past tenses spelled as their base form: "each flap hit 512 GPUs" is a verb.
_PAST_AS_BASE = frozenset("cost hit put fit set cut let read run shut spread split quit hurt "
                          "cast burst".split())
#: Adverbs that stand between a subject and its verb ("rack density effectively requires",
#: "the ring only pays"): the verb's subject is the word before them. Frequency adjectives
#: ("weekly", "hourly", "early") are not here: before a plural they are a noun phrase.
_VERB_ADVERBS = frozenset("""
effectively typically usually generally basically essentially actually simply directly
roughly nearly only still also often always never rarely quickly easily mostly largely
fully partly barely already just then now repeatedly consistently persistently occasionally
frequently sometimes silently slowly steadily gradually suddenly quietly""".split())


@dataclass(frozen=True)
class Sentence:
    """One sentence (or bullet line) of an answer: where it is, its text, whether it makes a
    claim (see the module docstring), and its count of words of letters."""

    start: int
    end: int
    text: str
    claim: bool
    words: int


def _is_list(text: str) -> bool:
    """A list of terms: at least three comma pieces, half of them short and verbless and none
    with a verb — or a long list (five pieces or more, 70 % short) with one verb slipped in."""
    # A bracketed figure glosses the word before it ("density (60 kW+)"); it is not an item.
    pieces = [piece for piece in _PIECE_SPLIT_RE.split(_ASIDE_RE.sub(" ", text))
              if _words(piece)]
    if len(pieces) < _LIST_MIN_PIECES:
        # "X and Y and Z": terms strung on "and" instead of commas, none with a verb.
        joined = [piece for piece in _ENUMERATION_SPLIT_RE.split(text) if _words(piece)]
        if len(_JOINER_RE.findall(text)) < _LIST_MIN_PIECES - 1:
            return False
        verbs = sum(has_verb(piece, weak=False) for piece in joined)
        short = sum(1 for piece in joined if len(_words(piece)) <= _LIST_PIECE_WORDS)
        return verbs == 0 and \
            short >= _LIST_PIECE_SHARE * len(joined)
    verbs = [has_verb(piece, weak=False) for piece in pieces]
    short = sum(1 for piece, verb in zip(pieces, verbs, strict=True)
                if len(_words(piece)) <= _LIST_PIECE_WORDS and not verb) / len(pieces)
    if not any(verbs):
        return short >= _LIST_PIECE_SHARE
    return sum(verbs) == 1 and len(pieces) >= _LONG_LIST_PIECES and short >= _LONG_LIST_SHARE


#: A figure in a formula's sentence: two digits or more, a decimal or a thousands group ("2"
#: in "√(2δM)" is a coefficient, not a figure plugged in).
_FIGURE_RE = re.compile(r"(?<![\w.])(?:[0-9]{2,}|[0-9]*\.[0-9]+|[0-9](?:,[0-9]{3})+)")
#: The relations a formula is written with (an arrow maps, a comparison compares: neither
#: defines).
_FORMULA_RELATION_RE = re.compile(r"(?<![<>=!~])(?:=|≈|≃)(?![=>])")
#: A word that reasons from the formula ("so intensity ≈ B"): the sentence says what it gives.
_REASONING_RE = re.compile(r"\b(?:so|because|since|therefore|thus|hence|which|means)\b",
                           re.IGNORECASE)


#: A formula's legend after it: ", where G is the GPU count", ", with R the restart time and
#: tau the interval", "(delta being the stall)" — it names symbols; its ``body``, what follows
#: the "is", "=", "being" or "the", must hold no verb ("… and more stages reduce the bubble" is
#: a claim, not a legend).
_SYMBOL_DEFINITIONS_RE = re.compile(
    r"(?:(?:,\s*|\s+\(|\s+)(?:where|with)\s+(?:[A-Za-zτδΨαβ]{1,5}|the\s+\w+)\s+"
    r"(?:is|are|=|being|the|as)|,\s*[A-Za-zτδΨαβ]{1,5}\s+being)\b"
    r"(?P<body>[^.;:0-9]*)[.;)]?\s*$", re.IGNORECASE)
#: A participle inside a quantity's name on a formula's left side: "Work lost per failure",
#: "Delivered compute", "Expected loss".
_NAME_PARTICIPLE_RE = re.compile(
    r"^\s*(?:(?:delivered|expected|required|achieved|sustained|realised|realized|wasted|"
    r"allocated|effective)\s+\w+|\w+\s+(?:lost|spent|wasted|redone)\s+per)\b",
    re.IGNORECASE)


def _is_bare_formula(text: str) -> bool:
    """A formula with nothing plugged in ("P(no failure) = exp(−N·T/MTBF)", "Cost per failure
    = R + τ/2"): its only verb is an equals sign, the sentence holds no figure and does not
    reason from it, so it names a model without saying what the model gives here."""
    legend = _SYMBOL_DEFINITIONS_RE.search(text)
    if legend is not None and not has_verb(legend.group("body")):
        text = text[:legend.start()]  # "…, where G is the GPU count": a legend, no claim
    relation = _FORMULA_RELATION_RE.search(text)
    if relation is None or _REASONING_RE.search(text):
        return False
    # The left side names the quantity ("Work lost per failure", "Delivered compute"): a
    # participle there is part of the name; the right side must hold no verb.
    if has_verb(_RELATION_RE.sub(" ", text[relation.end():])) or (
            has_verb(text[:relation.start()]) and not _NAME_PARTICIPLE_RE.search(
                text[:relation.start()])):
        return False
    return _FIGURE_RE.search(text) is None


def _is_claim(text: str) -> tuple[bool, int]:
    """A claim: prose with a verb that is not a list, or a worked step ("= 112 GB"). A
    question asks, it does not claim ("Is BF16 faster than FP16? No.")."""
    words = _words(text)
    if text.rstrip().endswith("?"):
        return False, len(words)
    if len(words) > MAX_CLAIM_WORDS or sum(
            1 for piece in _ENUMERATION_SPLIT_RE.split(text) if _words(piece)) >= MAX_CLAIM_PIECES:
        return False, len(words)
    if len(words) >= RUN_ON_WORDS and not _INNER_PUNCTUATION_RE.search(text.rstrip(".!?;")):
        return False, len(words)  # a long run without a comma is pasted terms, not a sentence
    if _WORKED_RE.search(text) and not _is_list(text) and len(words) < RUN_ON_WORDS:
        return True, len(words)  # a worked step is short; a long one must read as prose
    if sum(1 for token in _TOKEN_RE.findall(text) if token[:1].isalnum()) < MIN_CLAIM_WORDS:
        return False, len(words)
    if _is_bare_formula(text):
        return False, len(words)
    intro, colon, rest = text.partition(": ")
    if colon and len(_words(intro)) <= _INTRO_WORDS and _META_INTRO_RE.search(intro) \
            and not re.search(r"[0-9]", intro) \
            and (not has_verb(intro) or _INTRO_FRAME_RE.search(intro)) \
            and _is_list(rest) and not has_verb(rest):
        return False, len(words)  # "Numbers I'd bring to this: 8k, 134 MB per head, 64 heads"
    function_share = sum(1 for word in words if word in _FUNCTION_WORDS) / max(1, len(words))
    prose = len(words) < _SHARE_MIN_WORDS or function_share >= MIN_FUNCTION_SHARE
    if not (prose and has_verb(text) and not _is_list(text)):
        return False, len(words)
    opening = _PRESENTATIVE_RE.match(text)
    if opening is not None and not re.match(r"(?:not|no|never)\b", text[opening.end():],
                                            re.IGNORECASE):
        rest = text[opening.end():]
        if _is_list(rest) and (not _IT_WAS_RE.match(text)
                               or len(_JOINER_RE.findall(rest)) >= 3):
            # "It's 405B and 15.6T tokens and 6ND and MFU."; "It was" strings a cause on two
            # "and"s ("It was a flaky optic and a 30-minute watchdog and no counters") and a
            # list on more.
            return False, len(words)
        if _THERE_IS_RE.match(text) and not has_verb(rest) \
                and not _COUNTED_FIGURE_RE.search(rest):
            return False, len(words)  # "There's the compute formula, 6ND." names a topic
    bare = _without_hollow_frames(text)
    if bare is not None and (not has_verb(bare, possessive_its=True) or _is_list(bare)):
        return False, len(words)  # only hollow frames made it look like a claim
    return True, len(words)


def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text`` in order, each marked claim or not; a decimal point, an
    abbreviation's dot before a digit ("v3.2") and a colon before prose never end one."""
    found: list[Sentence] = []
    position = 0
    cuts = [(m.start(), m.end()) for m in _SENTENCE_SPLIT_RE.finditer(text)]
    cuts.append((len(text), len(text)))
    for cut_start, cut_end in cuts:
        piece = text[position:cut_start]
        if piece.strip():
            offset = position + (len(piece) - len(piece.lstrip()))
            stripped = piece.strip()
            claim, words = _is_claim(stripped)
            found.append(Sentence(offset, offset + len(stripped), stripped, claim, words))
        position = cut_end
    return tuple(found)
