"""Scoring detections against gold spans.

A gold span counts as caught only when every letter and digit in it is covered by the
union of detections (of any type), leaving aside a leading article ("the 2nd of June",
"the Rowan"), which identifies nobody. Tokens are runs of letters and digits, with inner
apostrophes and hyphens ("Ray's", "Bo-Bo").

Gold comes as JSON files (``load_gold_dir``) or as text marked up in-line as
``{{TYPE|surface}}`` (``load_markup_dir``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualkit.deid.spans import AGE, Detection, any_masked, coverage_mask, fully_masked
from qualkit.errors import InputError

_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
# An article or a title before a gold span may stay: the annotation guide marks only the
# name ("Dr {{PERSON|Okafor}}"), and "Mr [PERSON 3]" identifies no one.
_LEADING_ARTICLE = re.compile(r"(?i)(?:the|a|an|mr|mrs|ms|mx|miss|dr)\.?\s+(?=\S)")
# Likewise the words after an age: "[AGE 2]-year-old" identifies no one, whether the guide's
# writer marked "five" or "five-year-old".
_TRAILING_AGE_WORDS = re.compile(r"(?i)(?<=\w)[ \-]+(?:years?|yrs?)[ \-]+(?:old|auld)$")

TARGETS: dict[str, float] = {
    "direct_recall": 0.98,
    "quasi_recall": 0.95,
    "keep_masked_share": 0.05,
    "token_precision": 0.80,
}
# At most one distinct direct identifier in a hundred left with an unmasked mention.
MAX_DIRECT_LEAKED_SHARE = 0.01
# The possible-miss list: at most this many entries per 1,000 words, holding every missed
# direct identifier.
MAX_POSSIBLE_PER_1000_WORDS = 5.0
POSSIBLE_COVERAGE = 1.0


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    text: str
    type: str
    identifier: str


@dataclass(frozen=True)
class KeepSpan:
    start: int
    end: int
    text: str


@dataclass
class GoldDoc:
    """Gold annotation of one transcript (``text`` is the file's text as read)."""

    key: str
    file: str
    text: str
    spans: list[GoldSpan]
    keep: list[KeepSpan]


@dataclass
class Miss:
    """A gold span not fully masked (kept for the researcher's eyes only)."""

    doc: str
    start: int
    end: int
    type: str
    identifier: str
    #: Whether the possible-miss list would mask it ("mask everywhere" on every entry).
    listed: bool = False


@dataclass
class EvaluationResult:
    """Scores over a set of gold documents."""

    documents: int = 0
    per_type: dict[str, tuple[int, int]] = field(default_factory=dict)
    direct_recall: float = 1.0
    quasi_recall: float = 1.0
    direct_total: int = 0
    quasi_total: int = 0
    distinct_direct: int = 0
    distinct_direct_leaked: int = 0
    keep_total: int = 0
    keep_masked: int = 0
    keep_masked_share: float = 0.0
    masked_tokens: int = 0
    masked_tokens_in_gold: int = 0
    token_precision: float = 1.0
    words: int = 0
    direct_missed: int = 0
    direct_missed_listed: int = 0
    possible_entries: int | None = None
    misses: list[Miss] = field(default_factory=list, repr=False)
    false_positive_tokens: list[tuple[str, int, int]] = field(default_factory=list, repr=False)

    @property
    def leaked_share(self) -> float:
        """Share of distinct direct identifiers left with at least one unmasked mention."""
        return self.distinct_direct_leaked / self.distinct_direct if self.distinct_direct else 0.0

    @property
    def possible_coverage(self) -> float | None:
        """Share of missed direct identifiers that the possible-miss list would mask."""
        if self.possible_entries is None:
            return None
        return self.direct_missed_listed / self.direct_missed if self.direct_missed else 1.0

    @property
    def possible_per_1000_words(self) -> float | None:
        if self.possible_entries is None:
            return None
        return 1000 * self.possible_entries / self.words if self.words else 0.0

    def recall_of(self, entity_type: str) -> float:
        caught, total = self.per_type.get(entity_type, (0, 0))
        return caught / total if total else 1.0

    def meets_targets(self) -> bool:
        """Every target, the possible-miss list's too when it was measured."""
        listed = self.possible_entries is None or (
            (self.possible_per_1000_words or 0) <= MAX_POSSIBLE_PER_1000_WORDS
            and (self.possible_coverage or 0) >= POSSIBLE_COVERAGE
        )
        return (
            self.direct_recall >= TARGETS["direct_recall"]
            and self.leaked_share <= MAX_DIRECT_LEAKED_SHARE
            and self.quasi_recall >= TARGETS["quasi_recall"]
            and self.keep_masked_share <= TARGETS["keep_masked_share"]
            and self.token_precision >= TARGETS["token_precision"]
            and listed
        )

    def summary(self) -> dict[str, Any]:
        """Figures only (no text), for JSON output."""
        return {
            "documents": self.documents,
            "per_type": {
                t: {"caught": c, "total": n, "recall": round(c / n, 4) if n else None}
                for t, (c, n) in sorted(self.per_type.items())
            },
            "direct_recall": round(self.direct_recall, 4),
            "quasi_recall": round(self.quasi_recall, 4),
            "distinct_direct": self.distinct_direct,
            "distinct_direct_leaked": self.distinct_direct_leaked,
            "distinct_direct_leaked_share": round(self.leaked_share, 4),
            "keep_masked_share": round(self.keep_masked_share, 4),
            "token_precision": round(self.token_precision, 4),
            "meets_targets": self.meets_targets(),
            **(
                {
                    "possible_misses_per_1000_words": round(self.possible_per_1000_words or 0, 3),
                    "direct_misses_in_possible_list": round(self.possible_coverage or 0, 4),
                }
                if self.possible_entries is not None
                else {}
            ),
        }


def normalise_surface(text: str) -> str:
    """Surface form used to tell distinct identifiers apart."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"['’]s$", "", text.strip())
    return " ".join(re.findall(r"[^\W_]+", text))


def load_gold(path: str | Path, root: str | Path | None = None) -> GoldDoc:
    """Read one gold file; its transcript is ``root/<file>`` (root defaults to the
    gold folder's parent)."""
    from qualkit.deid.io import read_source

    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(p, f"cannot read gold file ({exc.strerror or 'error'})") from None
    except json.JSONDecodeError as exc:
        raise InputError(p, "gold file is not valid JSON", line=exc.lineno) from None
    if not isinstance(data, dict) or "file" not in data:
        raise InputError(p, "gold file needs a 'file' entry")
    base = Path(root) if root is not None else p.parent.parent
    text = read_source(base / str(data["file"]))
    spans = []
    for i, s in enumerate(data.get("spans", [])):
        try:
            span = GoldSpan(
                int(s["start"]),
                int(s["end"]),
                str(s.get("text", "")),
                str(s["type"]),
                str(s.get("identifier", "direct")),
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(p, f"gold span {i + 1} is malformed") from None
        if not 0 <= span.start < span.end <= len(text):
            raise InputError(p, f"gold span {i + 1} lies outside the transcript")
        if span.text and text[span.start : span.end] != span.text:
            raise InputError(p, f"gold span {i + 1} does not match the transcript text")
        spans.append(span)
    keep = []
    for i, k in enumerate(data.get("keep", [])):
        try:
            ks = KeepSpan(int(k["start"]), int(k["end"]), str(k.get("text", "")))
        except (KeyError, TypeError, ValueError):
            raise InputError(p, f"keep span {i + 1} is malformed") from None
        if not 0 <= ks.start < ks.end <= len(text):
            raise InputError(p, f"keep span {i + 1} lies outside the transcript")
        keep.append(ks)
    key = Path(str(data["file"])).stem
    return GoldDoc(key=key, file=str(data["file"]), text=text, spans=spans, keep=keep)


def load_gold_dir(gold_dir: str | Path, root: str | Path | None = None) -> list[GoldDoc]:
    """Every ``*.json`` gold file in a folder, sorted by name."""
    d = Path(gold_dir)
    if not d.is_dir():
        raise InputError(d, "gold folder not found")
    docs = [load_gold(p, root) for p in sorted(d.glob("*.json"))]
    if not docs:
        raise InputError(d, "no gold files (*.json) in folder")
    return docs


def load_markup_dir(folder: str | Path) -> list[GoldDoc]:
    """Every ``*.txt`` file of in-line marked-up gold in a folder, sorted by name."""
    from qualkit.text import normalise

    d = Path(folder)
    if not d.is_dir():
        raise InputError(d, "gold folder not found")
    docs = []
    for p in sorted(d.glob("*.txt")):
        try:
            raw = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise InputError(p, "cannot read marked-up gold (UTF-8 text expected)") from None
        docs.append(parse_markup(normalise(raw), key=p.stem, file=p.name))
    if not docs:
        raise InputError(d, "no gold files (*.txt) in folder")
    return docs


def load_any_gold(folder: str | Path, root: str | Path | None = None) -> list[GoldDoc]:
    """JSON gold files if the folder has them, otherwise marked-up text files."""
    d = Path(folder)
    if d.is_dir() and any(d.glob("*.json")):
        return load_gold_dir(d, root)
    return load_markup_dir(d)


def study_of(key: str) -> str:
    """The study a gold document belongs to: its key up to the first hyphen
    (``b3-04`` -> ``b3``); documents without one form one study."""
    return key.split("-", 1)[0] if "-" in key else ""


def _core(text: str, span: GoldSpan) -> tuple[int, int]:
    """What of a gold span must be masked: without an article or title before it, or the
    "-year-old" after an age."""
    lead = _LEADING_ARTICLE.match(text, span.start, span.end)
    start = lead.end() if lead else span.start
    tail = _TRAILING_AGE_WORDS.search(text, start, span.end) if span.type == AGE else None
    return start, tail.start() if tail else span.end


def evaluate(
    gold: Sequence[GoldDoc],
    detections: Mapping[str, Sequence[Detection]],
    possible: Mapping[str, Sequence[Detection]] | None = None,
) -> EvaluationResult:
    """Score detections (keyed like the gold documents) against the gold spans.

    With ``possible`` (the possible misses per document), also measure the list a
    reviewer sees: its length (one entry per distinct word, as in the review file) per
    1,000 words, and the share of missed direct identifiers it covers, that is, that would
    be masked if the reviewer chose "mask everywhere" for every entry.
    """
    from qualkit.deid.review import possible_entries, whole_word_mentions

    res = EvaluationResult(documents=len(gold))
    if possible is not None:
        res.possible_entries = 0
    per_type: dict[str, list[int]] = {}
    caught_by_class = {"direct": [0, 0], "quasi": [0, 0]}
    distinct: dict[str, bool] = {}
    for doc in gold:
        dets = detections.get(doc.key, [])
        mask = coverage_mask(len(doc.text), ((d.start, d.end) for d in dets))
        res.words += len(_TOKEN.findall(doc.text))
        listed_mask = None
        if possible is not None:
            entries = possible_entries(doc.text, possible.get(doc.key, []))
            res.possible_entries = (res.possible_entries or 0) + len(entries)
            listed = [p for e in entries for p in whole_word_mentions(doc.text, e["text"])]
            listed_mask = coverage_mask(len(doc.text), listed)
            for i, v in enumerate(mask):
                if v:
                    listed_mask[i] = 1
        for span in doc.spans:
            core_start, core_end = _core(doc.text, span)
            ok = fully_masked(doc.text, mask, core_start, core_end)
            counts = per_type.setdefault(span.type, [0, 0])
            counts[1] += 1
            counts[0] += int(ok)
            cls = span.identifier if span.identifier in caught_by_class else "direct"
            caught_by_class[cls][1] += 1
            caught_by_class[cls][0] += int(ok)
            if cls == "direct":
                surface = normalise_surface(doc.text[span.start : span.end])
                distinct[surface] = distinct.get(surface, False) or not ok
            if not ok:
                in_list = listed_mask is not None and fully_masked(
                    doc.text, listed_mask, core_start, core_end
                )
                res.misses.append(Miss(doc.key, span.start, span.end, span.type, cls, in_list))
                if cls == "direct":
                    res.direct_missed += 1
                    res.direct_missed_listed += int(in_list)
        for keep in doc.keep:
            res.keep_total += 1
            res.keep_masked += int(any_masked(doc.text, mask, keep.start, keep.end))
        gold_mask = coverage_mask(len(doc.text), ((s.start, s.end) for s in doc.spans))
        for m in _TOKEN.finditer(doc.text):
            if not any(mask[m.start() : m.end()]):
                continue
            res.masked_tokens += 1
            if any(gold_mask[m.start() : m.end()]):
                res.masked_tokens_in_gold += 1
            else:
                res.false_positive_tokens.append((doc.key, m.start(), m.end()))
    res.per_type = {t: (c[0], c[1]) for t, c in per_type.items()}
    d_c, d_n = caught_by_class["direct"]
    q_c, q_n = caught_by_class["quasi"]
    res.direct_total, res.quasi_total = d_n, q_n
    res.direct_recall = d_c / d_n if d_n else 1.0
    res.quasi_recall = q_c / q_n if q_n else 1.0
    res.distinct_direct = len(distinct)
    res.distinct_direct_leaked = sum(distinct.values())
    res.keep_masked_share = res.keep_masked / res.keep_total if res.keep_total else 0.0
    res.token_precision = (
        res.masked_tokens_in_gold / res.masked_tokens if res.masked_tokens else 1.0
    )
    return res


def format_table(result: EvaluationResult) -> str:
    """A plain-text table of the scores (no transcript text)."""
    lines = [f"{'measure':<40} {'value':>10} {'target':>10}", "-" * 62]
    for etype, (caught, total) in sorted(result.per_type.items()):
        lines.append(
            f"{'recall ' + etype:<40} {caught / total if total else 1:>10.3f} "
            f"{'':>10}  ({caught}/{total})"
        )
    lines.append("-" * 62)

    def row(name: str, value: float, target: str) -> None:
        lines.append(f"{name:<40} {value:>10.3f} {target:>10}")

    t = TARGETS
    row("direct-identifier recall", result.direct_recall, f">= {t['direct_recall']:.2f}")
    row("quasi-identifier recall", result.quasi_recall, f">= {t['quasi_recall']:.2f}")
    lines.append(
        f"{'distinct direct identifiers leaked':<40} {result.leaked_share:>10.3f} "
        f"{'<= ' + format(MAX_DIRECT_LEAKED_SHARE, '.2f'):>10}  "
        f"({result.distinct_direct_leaked} of {result.distinct_direct})"
    )
    row("must-keep words masked", result.keep_masked_share, f"<= {t['keep_masked_share']:.2f}")
    row("token precision", result.token_precision, f">= {t['token_precision']:.2f}")
    if result.possible_entries is not None:
        most = f"<= {MAX_POSSIBLE_PER_1000_WORDS:g}"
        row("possible misses per 1,000 words", result.possible_per_1000_words or 0, most)
        lines.append(
            f"{'missed direct ids in the possible list':<40} {result.possible_coverage or 0:>10.3f}"
            f" {POSSIBLE_COVERAGE:>10.2f}  ({result.direct_missed_listed}/{result.direct_missed})"
        )
    lines.append("-" * 62)
    lines.append(f"{'meets all targets':<40} {result.meets_targets()!s:>10}")
    return "\n".join(lines)


_MARKUP = re.compile(r"\{\{([A-Z_]+)\|([^{}|]*)\}\}")


def parse_markup(marked: str, key: str = "doc", file: str = "") -> GoldDoc:
    """A gold document from text marked up as ``{{TYPE|surface}}`` (``KEEP`` for words
    that must stay). Offsets refer to the text with the markup removed."""
    from qualkit.deid.spans import identifier_class

    out: list[str] = []
    spans: list[GoldSpan] = []
    keep: list[KeepSpan] = []
    pos = 0
    length = 0
    for m in _MARKUP.finditer(marked):
        chunk = marked[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        etype, surface = m.group(1), m.group(2)
        start, end = length, length + len(surface)
        if etype == "KEEP":
            keep.append(KeepSpan(start, end, surface))
        else:
            cls = identifier_class(etype)
            spans.append(GoldSpan(start, end, surface, etype, cls if cls != "other" else "direct"))
        out.append(surface)
        length = end
        pos = m.end()
    out.append(marked[pos:])
    return GoldDoc(key=key, file=file, text="".join(out), spans=spans, keep=keep)
