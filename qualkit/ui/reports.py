"""The plain logic behind the agreement, reconcile and quotes pages (no Streamlit here).

Everything that turns library results into what those pages show lives here, so it can be
tested without a browser: agreement tables and flags, the wording of reconciliation
choices and progress, and quote-bank filters, counts and downloads.

Text from transcripts only ever reaches the pages through :func:`qualkit.ui.view.md_escape`
(or :func:`marked_passage`, which escapes every part it is given).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from qualkit.agreement import ALL, AgreementReport, AgreementRow
from qualkit.export import WRITERS, QuoteBank, QuoteFilters, write_quotes
from qualkit.model import Codebook, Coding, Span, Transcript, Turn
from qualkit.reconcile import Cluster, Decision, decide
from qualkit.storage import CONSENSUS_CODER, Store
from qualkit.text import split_sentences
from qualkit.ui.spans import excerpt
from qualkit.ui.view import display_turns, md_escape

# -- agreement ---------------------------------------------------------------------------

#: Units of agreement, as the agreement page names them.
UNIT_WORDS: dict[str, str] = {
    "character": "Characters (as NVivo counts them)",
    "sentence": "Sentences",
    "turn": "Speaker turns",
}
#: Bootstrap resamples for confidence intervals in the app (the CLI defaults to 1000).
APP_BOOTSTRAP = 200
DEFAULT_THRESHOLD = 0.6
NOT_DEFINED = "n/a"


def project_fingerprint(
    url: str, codings: Iterable[Coding], transcripts: Iterable[Transcript]
) -> str:
    """A short hash that changes whenever a coding or a transcript's text changes.

    Used as the cache key for agreement reports, so a report is worked out once per state
    of the project and again as soon as anyone codes.
    """
    h = hashlib.sha256(url.encode("utf-8"))
    for t in sorted(transcripts, key=lambda t: t.tid):
        h.update(f"t|{t.tid}|{t.text_hash}|{len(t.turns)}\n".encode())
    for c in sorted(codings, key=lambda c: (c.id or 0, c.transcript, c.start, c.end)):
        h.update(f"c|{c.id}|{c.coder}|{c.transcript}|{c.start}|{c.end}|{c.code}\n".encode())
    return h.hexdigest()[:24]


def fmt_value(value: float | None, digits: int = 2) -> str:
    """A statistic for a table: fixed digits, or "n/a" when it is undefined."""
    if value is None or math.isnan(value):
        return NOT_DEFINED
    return f"{value:.{digits}f}"


def fmt_ci(ci: tuple[float, float] | None, digits: int = 2) -> str:
    """A confidence interval as "0.41 to 0.77" (empty when intervals are off)."""
    if ci is None:
        return ""
    lo, hi = ci
    if math.isnan(lo) or math.isnan(hi):
        return NOT_DEFINED
    return f"{lo:.{digits}f} to {hi:.{digits}f}"


def verdict(kappa: float, threshold: float) -> str:
    """What a kappa means against the threshold, in words (never colour alone)."""
    if math.isnan(kappa):
        return "Not enough coding to tell"
    if kappa < threshold:
        return f"Below {threshold:.2f} — worth discussing"
    return f"{threshold:.2f} or above"


def is_flagged(kappa: float, threshold: float) -> bool:
    return not math.isnan(kappa) and kappa < threshold


def _coders_text(coders: Sequence[str], names: Mapping[str, str]) -> str:
    return " and ".join(names.get(c, c) for c in coders) if coders else "-"


def agreement_table(
    report: AgreementReport,
    scope: str,
    threshold: float,
    *,
    code_names: Mapping[str, str],
    titles: Mapping[str, str],
    names: Mapping[str, str],
) -> list[dict[str, str | int]]:
    """Rows of one part of the summary table, ready for ``st.table`` (text is escaped).

    ``scope`` is ``"code"`` (each code over all transcripts), ``"transcript"`` (each
    transcript over all codes) or ``"overall"``. Columns follow ``qualkit agreement``;
    a "Coders" column appears when more than two coders are compared.
    """
    if scope not in ("code", "transcript", "overall"):
        raise ValueError(f"unknown scope {scope!r}")
    pct = f"{round(report.confidence * 100)}%"
    out: list[dict[str, str | int]] = []
    for row in report.rows:
        if scope == "code" and not (row.code != ALL and row.transcript == ALL):
            continue
        if scope == "transcript" and not (row.code == ALL and row.transcript != ALL):
            continue
        if scope == "overall" and not (row.code == ALL and row.transcript == ALL):
            continue
        line: dict[str, str | int] = {}
        if scope == "code":
            line["Code"] = md_escape(code_names.get(row.code, row.code))
        elif scope == "transcript":
            title = titles.get(row.transcript, "")
            line["Transcript"] = md_escape(
                f"{title} ({row.transcript})" if title else row.transcript
            )
        if len(report.coders) > 2:
            line["Coders"] = md_escape(_coders_text(row.coders, names))
        line["Units"] = row.n_units
        line["Agreement %"] = fmt_value(row.percent_agreement, 1)
        line["Kappa"] = fmt_value(row.kappa)
        line[f"Kappa {pct} interval"] = fmt_ci(row.kappa_ci)
        line["Alpha"] = fmt_value(row.alpha)
        line[f"Alpha {pct} interval"] = fmt_ci(row.alpha_ci)
        line["Segments matching %"] = fmt_value(row.segment_agreement, 1)
        line["Reading"] = verdict(row.kappa, threshold)
        out.append(line)
    return out


@dataclass(frozen=True)
class CodeFlag:
    """A code whose agreement is below the threshold, with where the coders differ."""

    code: str
    kappa: float
    alpha: float
    transcripts: tuple[str, ...]
    """Transcripts where the coders did not code this code identically, worst first."""

    @property
    def first_transcript(self) -> str | None:
        return self.transcripts[0] if self.transcripts else None


def _all_coders_row(report: AgreementReport, code: str, transcript: str) -> AgreementRow | None:
    try:
        return report.row(code, transcript)
    except KeyError:
        return None


def flagged_codes(report: AgreementReport, threshold: float) -> list[CodeFlag]:
    """Codes whose kappa over all transcripts (all coders compared) is below ``threshold``.

    Worst first. Each flag lists the transcripts where the coders' use of the code differs
    (agreement below 100 %), lowest kappa first.
    """
    flags: list[CodeFlag] = []
    for code in report.codes:
        row = _all_coders_row(report, code, ALL)
        if row is None or not is_flagged(row.kappa, threshold):
            continue
        where: list[tuple[float, str]] = []
        for tid in report.transcripts:
            r = _all_coders_row(report, code, tid)
            if r is None or r.n_units == 0 or math.isnan(r.percent_agreement):
                continue
            if r.percent_agreement < 100.0 - 1e-9:
                where.append((-1.0 if math.isnan(r.kappa) else r.kappa, tid))
        where.sort()
        flags.append(CodeFlag(code, row.kappa, row.alpha, tuple(t for _k, t in where)))
    flags.sort(key=lambda f: (f.kappa, f.code))
    return flags


# -- reconciling -------------------------------------------------------------------------

DECISION_WORDS = {
    "accept": "Accept one coder's version",
    "merge": "Merge the versions (all the words any coder chose)",
    "new": "Write a new version",
    "reject": "Reject: the code does not apply here",
}


@dataclass(frozen=True)
class ReconcileProgress:
    """How far reconciling one transcript has got."""

    disputed: int
    settled: int
    agreed_waiting: int
    agreed_done: int

    @property
    def open(self) -> int:
        return self.disputed - self.settled

    @property
    def share(self) -> float:
        """Share of disagreements settled (1.0 when there are none)."""
        return 1.0 if self.disputed == 0 else self.settled / self.disputed

    def words(self) -> str:
        if self.disputed == 0:
            head = "The coders do not disagree anywhere here."
        else:
            head = (
                f"{self.settled} of {self.disputed} disagreement"
                f"{'s' if self.disputed != 1 else ''} settled, {self.open} still open."
            )
        if self.agreed_waiting:
            head += (
                f" {self.agreed_waiting} passage{'s' if self.agreed_waiting != 1 else ''} "
                "the coders agree on "
                f"{'are' if self.agreed_waiting != 1 else 'is'} not yet in the consensus layer."
            )
        return head


def reconcile_progress(found: Sequence[Cluster], coders: Sequence[str]) -> ReconcileProgress:
    """Count disputed and agreed clusters, and how many the consensus layer settled."""
    disputed = [c for c in found if not c.agreed(coders)]
    agreed = [c for c in found if c.agreed(coders)]
    return ReconcileProgress(
        disputed=len(disputed),
        settled=sum(1 for c in disputed if c.settled),
        agreed_waiting=sum(1 for c in agreed if not c.settled),
        agreed_done=sum(1 for c in agreed if c.settled),
    )


def describe_cluster(cluster: Cluster, coders: Sequence[str], names: Mapping[str, str]) -> str:
    """What the coders disagree about, in words."""
    used = [c for c in coders if cluster.versions.get(c)]
    missing = cluster.missing(coders)
    if missing and used:
        who = _coders_text(used, names)
        verb = "used" if len(used) == 1 else "all used"
        return f"Only {who} {verb} this code here; {_coders_text(missing, names)} did not."
    if not used:
        return "No coder used this code here."
    return "All the coders used this code here, but on different words."


def version_text(cluster: Cluster, coder: str, text: str, limit: int = 400) -> str | None:
    """One coder's version of a cluster as plain text (parts joined by " … ")."""
    items = cluster.versions.get(coder) or []
    if not items:
        return None
    return " … ".join(excerpt(text, c.start, c.end, limit) for c in items)


def cluster_turns(transcript: Transcript, start: int, end: int) -> list[Turn]:
    """The turns a span touches (the whole text as one block when there are no turns)."""
    turns = display_turns(transcript)
    hit = [t for t in turns if t.start < end and start < t.end]
    if hit:
        return hit
    before = [t for t in turns if t.start <= start]
    return before[-1:] if before else turns[:1]


def cluster_label(
    cluster: Cluster,
    number: int,
    transcript: Transcript,
    code_names: Mapping[str, str],
) -> str:
    """A one-line label for a disagreement in a drop-down (plain text, not Markdown)."""
    turns = cluster_turns(transcript, cluster.start, cluster.end)
    where = (
        f"turn {turns[0].index + 1}"
        if len(turns) == 1
        else f"turns {turns[0].index + 1}-{turns[-1].index + 1}"
    )
    words = excerpt(transcript.text, cluster.start, cluster.end, 50)
    return f"{number}. {code_names.get(cluster.code, cluster.code)} · {where} · “{words}”"


def marked_passage(text: str, lo: int, hi: int, start: int, end: int) -> str:
    """``text[lo:hi]`` as escaped Markdown with ``text[start:end]`` in bold.

    Every part is escaped with :func:`md_escape`; the only Markdown added is the ``**``
    around the passage, so the passage stands out in bold type (not by colour). A space is
    added next to the ``**`` only where Markdown would otherwise not read it as bold.
    """
    start, end = max(lo, start), min(hi, end)
    middle = md_escape(text[start:end]) if start < end else ""
    if not middle:
        return md_escape(text[lo:hi])
    before = md_escape(text[lo:start])
    after = md_escape(text[end:hi])
    out = before
    if before and (text[start - 1].isspace() or text[start].isspace() or not middle[0].isalnum()):
        out += " "
    out += f"**{middle}**"
    if after:
        if text[end - 1].isspace() or text[end].isspace() or not middle[-1].isalnum():
            out += " "
        out += after
    return out


def sentence_spans(transcript: Transcript, turns: Sequence[Turn]) -> list[Span]:
    """The sentences of ``turns``, in order, to choose a new version's start and end from."""
    out: list[Span] = []
    for turn in turns:
        out.extend(split_sentences(transcript.text, turn.start, turn.end))
    return out


def parse_span(start: int | None, end: int | None, length: int) -> tuple[int, int]:
    """Typed offsets as a span; ValueError with a plain message when they do not make one."""
    if start is None or end is None:
        raise ValueError("Give both a start and an end.")
    if not 0 <= start < end <= length:
        raise ValueError(
            f"The start must be smaller than the end, and both between 0 and {length}."
        )
    return int(start), int(end)


def decision_options(cluster: Cluster, coders: Sequence[str]) -> list[str]:
    """The decisions offered for a cluster: ``accept:<coder>`` for each coder with a
    version, ``merge`` when there is more than one coding, then ``new`` and ``reject``."""
    options = [f"accept:{who}" for who in coders if cluster.versions.get(who)]
    if sum(len(v) for v in cluster.versions.values()) > 1:
        options.append("merge")
    return [*options, "new", "reject"]


def decision_words(option: str, names: Mapping[str, str]) -> str:
    if option.startswith("accept:"):
        return f"Accept {layer_name(option.split(':', 1)[1], names)}'s version"
    return DECISION_WORDS[option]


def apply_decision(
    store: Store,
    cluster: Cluster,
    option: str,
    actor: str,
    *,
    span: tuple[int, int] | None = None,
    code: str | None = None,
    note: str = "",
    names: Mapping[str, str] | None = None,
) -> str:
    """Settle ``cluster`` with one of :func:`decision_options`; returns what was done.

    Raises ValueError for an incomplete choice and :class:`~qualkit.errors.QualkitError`
    when the store refuses it.
    """
    names = names or {}
    if option.startswith("accept:"):
        who = option.split(":", 1)[1]
        decide(store, cluster, Decision.ACCEPT, actor, coder=who, note=note)
        return f"accepted {layer_name(who, names)}'s version"
    if option == "merge":
        decide(store, cluster, Decision.MERGE, actor, note=note)
        return "merged the versions"
    if option == "new":
        if span is None:
            raise ValueError("Choose the words for the new version first.")
        decide(store, cluster, Decision.NEW, actor, span=span, code=code or cluster.code, note=note)
        return "saved a new version"
    if option == "reject":
        decide(store, cluster, Decision.REJECT, actor, note=note)
        return "recorded that the code does not apply here"
    raise ValueError(f"unknown decision {option!r}")


def layer_rows(
    codings: Sequence[Coding],
    transcript: Transcript,
    code_names: Mapping[str, str],
    limit: int = 160,
) -> list[dict[str, str]]:
    """One coder's codings in a transcript, for a table: turn, code name, words (escaped)."""
    rows: list[dict[str, str]] = []
    for c in sorted(codings, key=lambda c: (c.start, c.end, c.code)):
        turns = cluster_turns(transcript, c.start, c.end)
        rows.append(
            {
                "Turn": ", ".join(str(t.index + 1) for t in turns),
                "Code": md_escape(code_names.get(c.code, c.code)),
                "Words": md_escape(excerpt(transcript.text, c.start, c.end, limit)),
            }
        )
    return rows


def layer_name(coder: str, names: Mapping[str, str]) -> str:
    """How a coder (or the consensus layer) is named on the pages."""
    if coder == CONSENSUS_CODER:
        return "Consensus layer"
    return names.get(coder, coder)


# -- quotes ------------------------------------------------------------------------------

DOWNLOAD_FORMATS = ("docx", "xlsx", "csv", "md")


def code_choice_label(codebook: Codebook, cid: str) -> str:
    """A drop-down label: themes say how many codes they include, codes name their theme."""
    by_id = codebook.by_id()
    code = by_id.get(cid)
    if code is None:
        return cid
    below = codebook.descendants(cid)
    if below:
        n = len(below)
        return f"{code.name} (theme: includes its {n} code{'s' if n != 1 else ''})"
    theme = codebook.theme_of(cid)
    if theme != cid and theme in by_id:
        return f"{code.name} (in {by_id[theme].name})"
    return code.name


def make_filters(
    *,
    codes: Sequence[str] = (),
    coders: Sequence[str] = (),
    roles: Sequence[str] = (),
    transcripts: Sequence[str] = (),
    min_agreement_percent: int | float = 0,
    participant_turns_only: bool = False,
) -> QuoteFilters:
    """The quote-bank filters the page's controls describe (0 % means no minimum)."""
    share = float(min_agreement_percent) / 100.0
    return QuoteFilters(
        codes=tuple(codes),
        coders=tuple(coders),
        roles=tuple(roles),
        transcripts=tuple(transcripts),
        min_agreement=share if share > 0 else None,
        participant_turns_only=participant_turns_only,
    )


def count_rows(bank: QuoteBank) -> list[dict[str, str | int]]:
    """Quotes, participants and transcripts per code that has quotes (text is escaped)."""
    return [
        {
            "Theme": md_escape(c.theme_name),
            "Code": md_escape(c.code_name),
            "Quotes": c.quotes,
            "Participants": c.participants,
            "Transcripts": c.transcripts,
        }
        for c in bank.counts()
        if c.quotes
    ]


def export_bytes(bank: QuoteBank, fmt: str) -> bytes:
    """The quote bank as a file in ``fmt``, written by the same writer the CLI uses."""
    buffer = io.BytesIO()
    write_quotes(bank, fmt, buffer)
    return buffer.getvalue()


def download_name(fmt: str, day: date) -> str:
    return f"quote-bank-{day.isoformat()}{WRITERS[fmt].suffix}"


def download_label(fmt: str) -> str:
    return f"Download: {WRITERS[fmt].label}"
