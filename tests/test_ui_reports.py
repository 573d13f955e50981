"""The logic behind the agreement, reconcile and quotes pages (qualkit.ui.reports).

Pure helpers are tested on hand-made inputs; the ones that read or write a project are
tested on a small synthetic project (SQLite, or PostgreSQL when QUALKIT_TEST_DB is set).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from qualkit.agreement import AgreementReport, agreement_report
from qualkit.export import QuoteFilters, build_quote_bank
from qualkit.model import Code, Codebook, Coding, Role, SpeakerKind, Transcript, Turn
from qualkit.reconcile import Cluster, clusters, disagreements
from qualkit.storage import CONSENSUS_CODER, Store
from qualkit.ui import reports as R
from qualkit.ui.server import serving
from tests.builders import gated_project

# -- a small synthetic project, also used by tests/test_browser_reports.py -----------------

TRANSCRIPTS = {
    "r01": (
        "Title: Finding somewhere to live\n"
        "Mode: Telephone\n"
        "\n"
        "Interviewer: How long did you wait for help with housing?\n"
        "Participant: I was on the waiting list for months. Nobody called me back for ages.\n"
        "Interviewer: What changed things for you?\n"
        "Participant: Having a room of my own made everything else possible. After that I "
        "could think about my health.\n"
        "Interviewer: How were you treated when you asked for help?\n"
        "Participant: People looked at me like I was nothing. You feel judged before you "
        "open your mouth.\n"
    ),
    "r02": (
        "Title: Working in outreach\n"
        "Mode: Video call\n"
        "\n"
        "Interviewer: What is the hardest part of the job?\n"
        "Participant: My caseload is far too big. I have no time to sit with anyone "
        "properly.\n"
        "Interviewer: How is the service paid for?\n"
        "Participant: The contract runs for one year at a time. Nobody knows if the money "
        "will carry on.\n"
        "Interviewer: What would help?\n"
        "Participant: Workers who have been through it themselves make a real difference.\n"
    ),
}
PARTICIPANTS = (
    "transcript,participant,role,borough\n"
    "r01,P11,Person accessing support,Lambeth\n"
    "r02,P12,Person working in the system,Southwark\n"
)
USERS = {
    "admin": (Role.ADMIN, "Admin"),
    "rita": (Role.RESEARCHER, "Rita"),
    "coder_a": (Role.CODER, "Coder A"),
    "coder_b": (Role.CODER, "Coder B"),
    "robin": (Role.READER, "Robin"),
}
WAITING = "I was on the waiting list for months."
HOUSING_A = "a room of my own"
HOUSING_B = "Having a room of my own made everything else possible."
STIGMA = "You feel judged before you open your mouth."
CASELOAD = "My caseload is far too big."
CONTRACT = "The contract runs for one year at a time."
LIVED = "Workers who have been through it themselves make a real difference."

#: (transcript, coder, code, words): coder_a and coder_b agree on three passages, differ on
#: the boundary of one, and each has one passage the other did not code.
CODINGS = [
    ("r01", "coder_a", "access.waiting", WAITING),
    ("r01", "coder_b", "access.waiting", WAITING),
    ("r01", "coder_a", "needs.housing", HOUSING_A),
    ("r01", "coder_b", "needs.housing", HOUSING_B),
    ("r01", "coder_a", "personled.stigma", STIGMA),
    ("r02", "coder_a", "practitioners.caseloads", CASELOAD),
    ("r02", "coder_b", "practitioners.caseloads", CASELOAD),
    ("r02", "coder_a", "funding.shortterm", CONTRACT),
    ("r02", "coder_b", "funding.shortterm", CONTRACT),
    ("r02", "coder_b", "practitioners.lived", LIVED),
]


def build_reports_project(target: str, workdir: Path, password: str) -> None:
    """A project with two coders' codings (with disagreements) on two synthetic,
    de-identified transcripts, imported through the normal gated import."""
    with gated_project(
        target, workdir, "Reports test", password, USERS, TRANSCRIPTS, PARTICIPANTS
    ) as (store, _):
        texts = {t.tid: t.text for t in store.transcripts(with_text=True)}
        store.add_codings(
            [
                Coding(coder, tid, texts[tid].index(w), texts[tid].index(w) + len(w), code)
                for tid, coder, code, w in CODINGS
            ],
            "setup",
        )
        for tid in texts:
            store.assign(tid, "coder_a", "rita")
            store.assign(tid, "coder_b", "rita")


@contextmanager
def serving_reports_project(work: Path, password: str) -> Iterator[tuple[str, str]]:
    """The reports project built in ``work`` and served by the app with sessions that do
    not time out; yields the app's URL and the project."""
    project = str(work / "project.db")
    build_reports_project(project, work / "src", password)
    with serving(project, work / "streamlit.log", drop_env=("QUALKIT_SESSION_TIMEOUT",)) as url:
        yield url, project


@pytest.fixture
def project(db_url: str, tmp_path: Path) -> Iterator[Store]:
    build_reports_project(db_url, tmp_path / "src", "correct horse battery")
    s = Store.open(db_url, create=False)
    yield s
    s.close()


# -- agreement ---------------------------------------------------------------------------

TEXT = "One two three. Four five six. Seven eight nine. Ten eleven twelve."


def _report(codings: list[Coding], texts: dict[str, str] | None = None) -> AgreementReport:
    return agreement_report(codings, texts or {"x": TEXT, "y": TEXT}, bootstrap=0)


def _span(text: str, words: str) -> tuple[int, int]:
    i = text.index(words)
    return i, i + len(words)


def test_fingerprint_changes_with_any_coding_and_ignores_order() -> None:
    t = Transcript("x", "X", TEXT, "x.txt", "h1")
    a = Coding("a", "x", 0, 5, "c1", id=1)
    b = Coding("b", "x", 0, 5, "c1", id=2)
    base = R.project_fingerprint("db", [a, b], [t])
    assert base == R.project_fingerprint("db", [b, a], [t])
    assert base != R.project_fingerprint("db", [a, replace(b, end=6)], [t])
    assert base != R.project_fingerprint("db", [a, replace(b, code="c2")], [t])
    assert base != R.project_fingerprint("db", [a], [t])
    assert base != R.project_fingerprint("db", [a, b], [replace(t, text_hash="h2")])
    assert base != R.project_fingerprint("other-db", [a, b], [t])


def test_numbers_and_verdicts_in_words() -> None:
    assert R.fmt_value(0.6123) == "0.61"
    assert R.fmt_value(float("nan")) == R.NOT_DEFINED
    assert R.fmt_value(None) == R.NOT_DEFINED
    assert R.fmt_ci((0.1, 0.45678)) == "0.10 to 0.46"
    assert R.fmt_ci(None) == ""
    assert R.fmt_ci((float("nan"), 0.3)) == R.NOT_DEFINED
    assert R.verdict(0.59, 0.6) == "Below 0.60 — worth discussing"
    assert R.verdict(0.6, 0.6) == "0.60 or above"
    assert R.verdict(float("nan"), 0.6) == "Not enough coding to tell"
    assert R.is_flagged(0.2, 0.6) and not R.is_flagged(0.6, 0.6)
    assert not R.is_flagged(float("nan"), 0.6)


def test_agreement_table_parts_match_the_report_rows() -> None:
    s1, s2 = _span(TEXT, "Four five six."), _span(TEXT, "Seven eight nine.")
    codings = [
        Coding("a", "x", *s1, "c1"),
        Coding("b", "x", *s1, "c1"),
        Coding("a", "y", *s2, "c1"),
        Coding("b", "y", *s2, "c1"),
        Coding("a", "x", *s2, "c2"),  # only coder a
    ]
    report = _report(codings)
    names = {"c1": "Agreed *code*", "c2": "Disputed <b>code</b>"}

    def table(scope: str) -> list[dict[str, str | int]]:
        return R.agreement_table(
            report, scope, 0.6, code_names=names, titles={"x": "First"}, names={}
        )

    by_code = table("code")
    assert [r["Code"] for r in by_code] == [
        "Agreed \\*code\\*",
        "Disputed \\<b\\>code\\</b\\>",
    ]
    assert "Coders" not in by_code[0]  # only two coders
    assert by_code[0]["Kappa"] == "1.00"
    assert by_code[0]["Reading"] == "0.60 or above"
    assert by_code[1]["Reading"] == "Below 0.60 — worth discussing"
    assert by_code[1]["Kappa"] == R.fmt_value(report.row("c2").kappa)
    per_t = table("transcript")
    assert [r["Transcript"] for r in per_t] == ["First \\(x\\)", "y"]
    overall = table("overall")
    assert len(overall) == 1
    assert overall[0]["Units"] == report.row().n_units
    assert overall[0]["Agreement %"] == R.fmt_value(report.row().percent_agreement, 1)
    with pytest.raises(ValueError):
        table("pair")


def test_agreement_table_names_coders_when_more_than_two() -> None:
    s1 = _span(TEXT, "Four five six.")
    codings = [Coding(c, "x", *s1, "c1") for c in ("a", "b", "c")]
    report = _report(codings, {"x": TEXT})
    rows = R.agreement_table(
        report, "overall", 0.6, code_names={}, titles={}, names={"a": "Ann", "b": "Bo"}
    )
    coders = {r["Coders"] for r in rows}
    assert "Ann and Bo and c" in coders  # the group row
    assert "Ann and Bo" in coders  # a pair row


def test_flagged_codes_worst_first_with_transcripts_where_coders_differ() -> None:
    s1, s2, s3 = (
        _span(TEXT, "Four five six."),
        _span(TEXT, "Seven eight nine."),
        _span(TEXT, "One two three."),
    )
    codings = [
        Coding("a", "x", *s1, "agreed"),
        Coding("b", "x", *s1, "agreed"),
        # "boundary": same passage in x, one word shorter for b; identical in y
        Coding("a", "x", *s2, "boundary"),
        Coding("b", "x", s2[0], s2[1] - 6, "boundary"),
        Coding("a", "y", *s3, "boundary"),
        Coding("b", "y", *s3, "boundary"),
        # "alone": only a, in y
        Coding("a", "y", *s2, "alone"),
    ]
    report = _report(codings)
    flags = R.flagged_codes(report, 0.99)
    assert [f.code for f in flags] == ["alone", "boundary"]
    assert flags[0].kappa < flags[1].kappa
    assert flags[0].transcripts == ("y",)
    assert flags[1].transcripts == ("x",)  # y is identical, so only x is offered
    assert flags[1].first_transcript == "x"
    k = report.row("alone").kappa
    assert "alone" not in [f.code for f in R.flagged_codes(report, k)]  # "below", not "at"
    assert "alone" in [f.code for f in R.flagged_codes(report, k + 0.01)]
    assert all(math.isfinite(f.kappa) for f in flags)


# -- reconciling (pure) --------------------------------------------------------------------


def _cluster(**versions: list[tuple[int, int]]) -> Cluster:
    cl = Cluster("t", "c1", 0, 0)
    for coder, spans in versions.items():
        cl.versions[coder] = [Coding(coder, "t", s, e, "c1") for s, e in spans]
    cl.start = min(s for v in versions.values() for s, _ in v)
    cl.end = max(e for v in versions.values() for _, e in v)
    return cl


def test_describe_cluster_and_versions_in_words() -> None:
    text = "Alpha beta gamma delta."
    only_a = _cluster(a=[(0, 10)])
    names = {"a": "Ann", "b": "Bo"}
    assert R.describe_cluster(only_a, ["a", "b"], names) == (
        "Only Ann used this code here; Bo did not."
    )
    both = _cluster(a=[(0, 10)], b=[(0, 16)])
    assert "different words" in R.describe_cluster(both, ["a", "b"], names)
    assert R.version_text(both, "b", text) == "Alpha beta gamma"
    assert R.version_text(only_a, "b", text) is None
    two_parts = _cluster(a=[(0, 5), (11, 16)])
    assert R.version_text(two_parts, "a", text) == "Alpha … gamma"


def test_decision_options_and_words() -> None:
    names = {"a": "Ann"}
    assert R.decision_options(_cluster(a=[(0, 5)]), ["a", "b"]) == ["accept:a", "new", "reject"]
    both = _cluster(a=[(0, 5)], b=[(0, 9)])
    assert R.decision_options(both, ["a", "b"]) == [
        "accept:a",
        "accept:b",
        "merge",
        "new",
        "reject",
    ]
    assert R.decision_words("accept:a", names) == "Accept Ann's version"
    assert (
        R.decision_words(f"accept:{CONSENSUS_CODER}", names) == "Accept Consensus layer's version"
    )
    assert R.decision_words("reject", names).startswith("Reject")


def test_progress_counts_and_words() -> None:
    agreed = _cluster(a=[(0, 5)], b=[(0, 5)])
    settled = _cluster(a=[(10, 15)], b=[(10, 18)])
    settled.settled = True
    open_ = _cluster(a=[(20, 25)])
    done = _cluster(a=[(30, 35)], b=[(30, 35)])
    done.settled = True
    prog = R.reconcile_progress([agreed, settled, open_, done], ["a", "b"])
    assert (prog.disputed, prog.settled, prog.open) == (2, 1, 1)
    assert (prog.agreed_waiting, prog.agreed_done) == (1, 1)
    assert prog.share == 0.5
    assert prog.words().startswith("1 of 2 disagreements settled, 1 still open.")
    assert "1 passage the coders agree on is not yet" in prog.words()
    none = R.reconcile_progress([], ["a", "b"])
    assert none.share == 1.0 and none.words() == "The coders do not disagree anywhere here."


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


@pytest.mark.parametrize(
    ("text", "passage"),
    [
        ("I waited. I was on the list for months. Then it ended.", "I was on the list for months."),
        ("Start “quoted words” end", "“quoted words”"),
        ("abc*def*ghi", "*def*"),
        ("The <script>alert(1)</script> part", "<script>alert(1)</script>"),
        ("Whole turn only.", "Whole turn only."),
        ("x [inaudible] y", "[inaudible]"),
        ("word_with_underscores and more", "word_with_underscores"),
    ],
)
def test_marked_passage_bolds_exactly_the_passage_and_escapes_everything(
    text: str, passage: str
) -> None:
    start = text.index(passage)
    html = _html(R.marked_passage(text, 0, len(text), start, start + len(passage)))
    strong = html.split("<strong>", 1)[1].split("</strong>", 1)[0]
    unescape = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&amp;": "&"}
    for k, v in unescape.items():
        strong = strong.replace(k, v)
    assert strong == passage
    assert html.count("<strong>") == 1
    assert "<script>" not in html and "<em>" not in html
    plain = html.replace("<strong>", "").replace("</strong>", "")
    for k, v in unescape.items():
        plain = plain.replace(k, v)
    # Only spaces may have been added around the bold part.
    assert plain.replace(" ", "").strip() == f"<p>{text}</p>".replace(" ", "")


def test_marked_passage_without_a_passage_is_just_escaped() -> None:
    assert R.marked_passage("a *b*", 0, 5, 3, 3) == "a \\*b\\*"


def test_parse_span_checks_offsets_in_words() -> None:
    assert R.parse_span(2, 5, 10) == (2, 5)
    for bad in ((5, 5), (6, 2), (-1, 3), (0, 11)):
        with pytest.raises(ValueError, match="between 0 and 10"):
            R.parse_span(*bad, 10)
    with pytest.raises(ValueError, match="both"):
        R.parse_span(None, 3, 10)


def test_cluster_turns_sentences_and_layer_rows() -> None:
    text = "Interviewer: Hello there.\nParticipant: One. Two *three*. Four.\n"
    t1 = Turn(0, "Interviewer", SpeakerKind.INTERVIEWER, 13, 25)
    t2 = Turn(1, "Participant", SpeakerKind.PARTICIPANT, 39, len(text) - 1)
    t = Transcript("t", "T", text, "t.txt", "h", turns=[t1, t2])
    two = text.index("Two")
    assert R.cluster_turns(t, two, two + 3) == [t2]
    assert R.cluster_turns(t, 20, two) == [t1, t2]
    sentences = R.sentence_spans(t, [t2])
    assert [text[s.start : s.end] for s in sentences] == ["One.", "Two *three*.", "Four."]
    rows = R.layer_rows(
        [Coding("a", "t", two, two + 12, "c1"), Coding("a", "t", 13, 25, "c2")],
        t,
        {"c1": "Code_one"},
    )
    assert rows == [
        {"Turn": "1", "Code": "c2", "Words": "Hello there\\."},
        {"Turn": "2", "Code": "Code\\_one", "Words": "Two \\*three\\*\\."},
    ]
    label = R.cluster_label(_cluster(a=[(two, two + 3)]), 3, t, {"c1": "First code"})
    assert label == "3. First code · turn 2 · “Two”"


# -- quotes (pure) -------------------------------------------------------------------------


def test_code_choice_labels_and_filters() -> None:
    cb = Codebook(
        "cb",
        [
            Code("access", "Access", codable=False),
            Code("access.waiting", "Waiting", parent="access"),
            Code("access.forms", "Forms", parent="access"),
            Code("loose", "Loose code"),
        ],
    )
    assert R.code_choice_label(cb, "access") == "Access (theme: includes its 2 codes)"
    assert R.code_choice_label(cb, "access.waiting") == "Waiting (in Access)"
    assert R.code_choice_label(cb, "loose") == "Loose code"
    assert R.code_choice_label(cb, "gone") == "gone"
    f = R.make_filters(codes=["access"], coders=[CONSENSUS_CODER], min_agreement_percent=60)
    assert f == QuoteFilters(codes=("access",), coders=(CONSENSUS_CODER,), min_agreement=0.6)
    assert R.make_filters(min_agreement_percent=0).min_agreement is None
    assert R.download_name("docx", date(2025, 3, 1)) == "quote-bank-2025-03-01.docx"
    assert R.download_label("xlsx").startswith("Download: Excel")


# -- against a project ---------------------------------------------------------------------


def test_apply_decision_settles_and_builds_the_consensus_layer(project: Store) -> None:
    coders = ["coder_a", "coder_b"]
    open_ = disagreements(project, "r01", coders)
    assert [c.code for c in open_] == ["needs.housing", "personled.stigma"]
    housing, stigma = open_
    prog = R.reconcile_progress(clusters(project, "r01", coders), coders)
    assert (prog.disputed, prog.settled, prog.agreed_waiting) == (2, 0, 1)

    done = R.apply_decision(
        project, housing, "accept:coder_b", "rita", note="whole sentence", names={}
    )
    assert done == "accepted coder_b's version"
    text = project.transcript("r01").text
    [c] = project.codings(transcript="r01", coder=CONSENSUS_CODER)
    assert (text[c.start : c.end], c.code) == (HOUSING_B, "needs.housing")
    assert "whole sentence" in c.memo

    # A new version under another code also settles the original code's disagreement.
    s = text.index(STIGMA)
    with pytest.raises(ValueError):
        R.apply_decision(project, stigma, "new", "rita")
    R.apply_decision(project, stigma, "new", "rita", span=(s, s + 15), code="needs.trauma")
    assert disagreements(project, "r01", coders) == []
    layer = {(k.code, text[k.start : k.end]) for k in project.codings(coder=CONSENSUS_CODER)}
    assert ("needs.trauma", STIGMA[:15]) in layer
    assert not any(code == "personled.stigma" for code, _ in layer)
    prog = R.reconcile_progress(clusters(project, "r01", coders), coders)
    assert (prog.disputed, prog.settled, prog.open) == (2, 2, 0)
    decisions = [e.payload["decision"] for e in project.events("reconcile.decide")]
    assert decisions == ["accept", "new"]
    with pytest.raises(ValueError):
        R.apply_decision(project, housing, "shrug", "rita")


def test_quote_counts_and_downloads_use_the_exporters(project: Store) -> None:
    from docx import Document

    bank = build_quote_bank(project, R.make_filters(codes=["access", "needs"]))
    rows = R.count_rows(bank)
    assert [(r["Code"], r["Quotes"], r["Participants"]) for r in rows] == [
        ("Waiting times and waiting lists", 1, 1),
        ("Safe housing as a foundation", 1, 1),
    ]
    doc = Document(io.BytesIO(R.export_bytes(bank, "docx")))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == ["Access and transitions between services", "Meeting specific needs"]
    assert any(WAITING in p.text for p in doc.paragraphs)
    csv_text = R.export_bytes(bank, "csv").decode("utf-8-sig")
    assert WAITING in csv_text and "Person accessing support" in csv_text
    assert R.export_bytes(bank, "md").decode("utf-8").count("Person accessing support, P11") == 2
    assert R.export_bytes(bank, "xlsx")[:2] == b"PK"
