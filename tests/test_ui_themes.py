"""The logic behind the suggested-themes page and the code hints in the coding view
(qualkit.ui.suggestions).

Pure helpers are tested on hand-made themes and codes. Hints, acceptance and theme
decisions are tested on a small synthetic project (SQLite, or PostgreSQL when
QUALKIT_TEST_DB is set) with the real bundled model; those tests are marked slow.
The project builder is shared with tests/test_browser_themes.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from qualkit.model import Code, Codebook, Coding, Provenance, Role
from qualkit.storage import Store
from qualkit.storage.store import ThemeRecord
from qualkit.ui import suggestions as S
from qualkit.ui.undo import UndoStack
from tests.builders import gated_project

# -- a small synthetic project, also used by tests/test_browser_themes.py -------------------
# Twelve invented, de-identified telephone interviews about three clearly different
# topics: waiting lists and key workers (people accessing support, s01–s08) and funding
# (people working in the system, s09–s12). Each participant turn is three sentences on one
# topic, so each turn is one passage.

WAITING = [
    "I was on the waiting list for counselling for eleven months and nobody rang me.",
    "Every time I phoned they said I was still on the list and to keep waiting.",
    "The wait for a detox bed was so long that I nearly gave up on the whole idea.",
    "They told me the waiting list for the mental health assessment was over a year.",
    "By the time my first appointment came round I had already ended up in crisis.",
    "Nobody called back, so I sat there for weeks wondering if they had lost my name.",
    "The housing waiting list never seemed to move, I was stuck at the same number.",
    "Waiting that long with nothing happening made my drinking much worse than before.",
    "I kept asking how long the wait would be and nobody could give me an answer.",
    "They said come back next month and check whether a place on the list had opened.",
    "Months went by on that list and my letters just said my case was still pending.",
    "It took half a year to get the rehab assessment, and then another wait for a bed.",
    "Sitting on a waiting list when you are desperate feels like being forgotten.",
    "The only way I got seen quicker was by going to casualty in a real state.",
    "I waited so long for therapy that I stopped believing it would ever start.",
    "When you are on a list for months you lose the motivation you had at the start.",
    "The delay between the referral and the first appointment was nearly nine months.",
    "I rang every Monday to ask where I was on the list and the answer never changed.",
    "Long waiting times meant people around me relapsed before they got any help.",
    "They put me on a list for a flat and I am still waiting to hear about it.",
    "Waiting for the appointment letter was the hardest part of the whole thing.",
    "The wait was so long that by the time they called I had moved somewhere else.",
    "I was told there was a twelve week wait, which turned into more than six months.",
    "Nothing happens while you wait, no contact, no update, just silence for months.",
]
KEYWORKER = [
    "My key worker was the first person who actually listened to what I needed.",
    "She treated me like a person and not a case number, which meant everything.",
    "Having the same worker every week meant I did not have to repeat my story.",
    "He believed in me when I did not believe in myself, and he kept turning up.",
    "The key worker rang me back when she said she would, and that built trust.",
    "I could be honest with my worker about using because she never judged me.",
    "When my worker left, I had to start again with someone new and I shut down.",
    "A good support worker sits with you and goes at your pace, not theirs.",
    "My worker came with me to appointments so I was not facing them on my own.",
    "It took months to trust my key worker, but once I did things began to change.",
    "She remembered the little things I told her, like my dog and my court date.",
    "The relationship with my worker is the reason I stayed with the service at all.",
    "Having one person who knew my whole situation made the support feel human.",
    "My key worker explained things in plain words and never rushed me out the door.",
    "When I relapsed my worker did not give up on me, she just picked up the phone.",
    "I trusted him because he was straight with me and kept every promise he made.",
    "The best worker I had treated me with respect and asked what I wanted to do.",
    "Changing key workers three times in a year made it hard to open up to anyone.",
    "My support worker helped me feel safe enough to talk about what had happened.",
    "A worker who listens without judging you is worth more than any leaflet.",
    "She always made time for a cup of tea and a proper chat before the paperwork.",
    "Knowing my worker would be there on Thursday gave my week some shape.",
    "My worker stood up for me in meetings when nobody else would take my side.",
    "The trust I built with my key worker is what got me through the worst months.",
]
FUNDING = [
    "Our contract is only funded for twelve months, so we never know what comes next.",
    "Every year we wait to hear whether the money will continue or the service closes.",
    "Short term funding means good staff leave because they cannot plan their lives.",
    "The commissioners keep changing the budget, and we have to tender all over again.",
    "We spend weeks writing funding bids instead of supporting the people in front of us.",
    "When the grant ended the project just stopped and people lost their support.",
    "The council cut the budget by a third and we had to drop the evening sessions.",
    "Funding is tied to targets, so we chase numbers rather than what people need.",
    "Nobody invests in long term work because the money only ever lasts a year or two.",
    "We were told the contract would be renewed, then the funding was pulled at the last minute.",
    "Competitive tendering means services undercut each other and quality suffers.",
    "The money comes in separate pots for housing and drugs and mental health.",
    "Payment by results pushes us to pick the people who are easiest to help.",
    "Every funding cycle we lose experienced staff who cannot wait for a new contract.",
    "The budget pays for a pilot, and when the pilot ends so does the service.",
    "Commissioning in silos means one service cannot pay for help another service gives.",
    "We had to make redundancies because the grant was not renewed in time.",
    "Small charities cannot compete for big contracts, so local knowledge is lost.",
    "Half my time goes on monitoring reports for funders instead of the actual work.",
    "The funding rules say we can only work with someone for twelve weeks.",
    "Three year funding would let us plan properly and keep the team together.",
    "Every cut in the budget lands on the people who already have the least.",
    "Our service was funded as a one year project and it has been rolled over four times.",
    "The commissioners want quick outcomes for their money, but recovery takes years.",
]
POOLS = {"waiting": WAITING, "keyworker": KEYWORKER, "funding": FUNDING}
QUESTIONS = {
    "waiting": [
        "How long did you have to wait for help?",
        "What was it like waiting for a service to start?",
        "What happened while you were waiting?",
        "Did anyone keep in touch while you waited?",
    ],
    "keyworker": [
        "Tell me about the workers who supported you.",
        "What made a worker easy or hard to talk to?",
        "How did you get on with your key worker?",
        "What difference did the people supporting you make?",
    ],
    "funding": [
        "How is your service paid for?",
        "What does the funding mean for your work?",
        "How do contracts and budgets affect the people you support?",
        "What would you change about how services are funded?",
    ],
}
SUPPORT = "Person accessing support"
WORKER = "Person working in the system"
USERS = {
    "admin": (Role.ADMIN, "Admin"),
    "rita": (Role.RESEARCHER, "Rita"),
    "casey": (Role.CODER, "Casey"),
    "dev": (Role.CODER, "Dev"),
    "robin": (Role.READER, "Robin"),
}


def _turn(topic: str, k: int) -> str:
    """The k-th participant turn on ``topic``: three sentences, a different set each time."""
    pool = POOLS[topic]
    picks = [3 * k, 3 * k + 1, 3 * k + 2] if k < 8 else [k - 8, k, k + 8]
    return " ".join(pool[i] for i in picks)


def themes_corpus() -> dict[str, str]:
    """Transcript id → text of the twelve synthetic interviews (8 turns each)."""
    used = dict.fromkeys(POOLS, 0)
    out: dict[str, str] = {}
    for n in range(1, 13):
        if n <= 8:
            pair = ["waiting", "keyworker"] if n % 2 else ["keyworker", "waiting"]
            topics = pair * 2
        else:
            topics = ["funding"] * 4
        lines = [f"Title: Synthetic interview {n:02d}", "Mode: Telephone", ""]
        for q, topic in enumerate(topics):
            lines.append("Interviewer: " + QUESTIONS[topic][(n + q) % 4])
            lines.append("Participant: " + _turn(topic, used[topic]))
            used[topic] += 1
        out[f"s{n:02d}"] = "\n".join(lines) + "\n"
    return out


def build_themes_project(target: str, workdir: Path, password: str) -> None:
    """The synthetic project: accounts, the bundled codebook, twelve interviews imported
    through the normal gated import with participants' roles, all given to two coders."""
    rows = [f"s{n:02d},P{n + 20:02d},{SUPPORT if n <= 8 else WORKER},Lambeth" for n in range(1, 13)]
    participants = "transcript,participant,role,borough\n" + "\n".join(rows) + "\n"
    with gated_project(
        target, workdir, "Themes test", password, USERS, themes_corpus(), participants
    ) as (store, done):
        for tid in done:
            store.assign(tid, "casey", "rita")
            store.assign(tid, "dev", "rita")


# -- hand-made inputs ----------------------------------------------------------------------

CODEBOOK = Codebook(
    "Test",
    [
        Code("access", "Access", "Getting into services.", codable=False),
        Code("access.waiting", "Waiting times", "Waiting lists.", "access"),
        Code("access.paperwork", "Paperwork", "Forms.", "access"),
        Code("funding", "Funding", "Money.", codable=False),
        Code("funding.shortterm", "Short-term contracts", "Money that stops.", "funding"),
        Code("misc", "Other things", "Anything else."),
    ],
)
NAMES = {"rita": "Rita", "casey": "Casey"}
CODE_NAMES = {c.cid: c.name for c in CODEBOOK.codes}


def theme(**kw: object) -> ThemeRecord:
    base: dict[str, object] = {
        "label": "Waiting, list, months",
        "keywords": ["waiting", "list", "months"],
        "quotes": [{"transcript": "s01", "start": 0, "end": 10, "text": "I waited."}],
        "size": 6,
        "transcripts": {"s01": 2, "s02": 4},
        "roles": {SUPPORT: 5, "unknown": 1},
        "id": 7,
    }
    base.update(kw)
    return ThemeRecord(**base)  # type: ignore[arg-type]


def test_actions_depend_on_the_status() -> None:
    assert S.theme_actions(theme()) == ["accept", "merge_code", "merge_theme", "rename", "reject"]
    assert "reject" not in S.theme_actions(theme(status="rejected"))
    assert "accept" in S.theme_actions(theme(status="rejected"))
    assert S.theme_actions(theme(status="accepted", code="x")) == ["rename"]
    assert S.theme_actions(theme(status="merged", code="x")) == []
    assert S.theme_actions(theme(current=False)) == []
    assert set(S.ACTION_WORDS) >= set(S.theme_actions(theme()))


def test_decisions_in_words() -> None:
    def words(t: ThemeRecord) -> str:
        return S.decision_text(t, code_names=CODE_NAMES, theme_labels={3: "Funding"}, names=NAMES)

    assert words(theme()) == "Not decided yet."
    assert words(theme(decided_by="rita")) == "Not decided yet (last changed by Rita)."
    accepted = theme(status="accepted", code="access.waiting", decided_by="rita")
    assert words(accepted) == "Accepted as the new code “Waiting times” by Rita."
    assert words(theme(status="rejected", decided_by="rita", note="too  broad")) == (
        "Rejected by Rita: too broad."
    )
    assert words(theme(status="rejected", decided_by="rita")) == "Rejected by Rita."
    assert words(theme(status="merged", code="misc", decided_by="casey")) == (
        "Merged into the code “Other things” by Casey."
    )
    assert words(theme(status="merged", merged_into=3, decided_by="rita")) == (
        "Merged into the theme “Funding” by Rita."
    )
    kept = theme(status="rejected", decided_by="rita", inherited_from=2)
    assert words(kept).endswith("Kept from an earlier run.")
    # An undecided theme of a new run says nothing about earlier runs.
    assert "earlier" not in words(theme(inherited_from=2))


def test_sources_roles_and_quotes() -> None:
    t = theme()
    titles = {"s01": "First", "s02": "Second"}
    assert (
        S.sources_text(t, titles) == "6 passages from 2 transcripts: Second (s02) 4, First (s01) 2"
    )
    assert S.sources_text(theme(size=1, transcripts={"s01": 1}), {}) == (
        "1 passage from 1 transcript: s01 (s01) 1"
    )
    assert S.roles_text(t) == f"{SUPPORT} 5, role not recorded 1"
    assert S.roles_text(theme(roles={})) == "role not recorded"
    q = t.quotes[0]
    assert S.quote_source(q, titles, {"s01": SUPPORT}) == f"{SUPPORT}, First (s01)"
    assert S.quote_source(q, titles, {}) == "First (s01)"


def test_defaults_for_accepting_and_merging() -> None:
    t = theme(label="waiting,  list", seed="access")
    assert S.default_code_name(t) == "Waiting, list"
    assert len(S.default_code_name(theme(label="x" * 300))) == 80
    seeded = theme(label="Access and transitions: waiting list, months", seed="access")
    assert S.default_code_name(seeded) == "Waiting list, months"
    assert S.default_code_name(theme(label="Why: because", seed=None)) == "Why: because"
    assert S.default_definition(t) == "Suggested theme. Keywords: waiting, list, months."
    assert S.default_definition(theme(keywords=[])) == "Suggested theme."
    assert S.parent_choices(CODEBOOK) == ["access", "funding", "misc"]
    assert S.default_parent(t, CODEBOOK) == "access"
    # Seeded by a code: its top-level theme is the parent, the code the merge target.
    by_code = theme(seed="funding.shortterm")
    assert S.default_parent(by_code, CODEBOOK) == "funding"
    assert S.default_merge_code(by_code, CODEBOOK) == "funding.shortterm"
    assert S.default_parent(theme(seed=None), CODEBOOK) is None
    assert S.default_parent(theme(seed="gone"), CODEBOOK) is None
    assert S.merge_code_choices(CODEBOOK) == [c.cid for c in CODEBOOK.codes]
    assert S.code_label(CODEBOOK, "access.waiting") == "Waiting times (Access)"
    assert S.code_label(CODEBOOK, "misc") == "Other things"
    assert S.code_label(CODEBOOK, "nope") == "nope"


def test_merge_targets_filters_and_counts() -> None:
    a, b = theme(id=1), theme(id=2, status="rejected")
    c, d = theme(id=3, status="merged", merged_into=1), theme(id=4, status="accepted", code="x")
    themes = [a, b, c, d]
    assert [t.id for t in S.merge_theme_targets(a, themes)] == [2, 4]
    assert [t.id for t in S.filter_themes(themes, "open")] == [1]
    assert [t.id for t in S.filter_themes(themes, "decided")] == [2, 3, 4]
    assert S.filter_themes(themes, "all") == themes
    assert S.status_counts(themes) == (
        "4 themes: 1 not decided yet, 1 accepted, 1 rejected, 1 merged."
    )
    assert S.status_counts([]) == "No themes."
    assert (
        S.kept_decisions([theme(inherited_from=1), b, theme(inherited_from=2, status="merged")])
        == 1
    )


def test_run_messages() -> None:
    assert S.run_message([theme(), theme()], 12.4) == "Found 2 themes in 12 seconds."
    kept = [theme(inherited_from=1, status="rejected", decided_by="rita"), theme()]
    assert S.run_message(kept, 3) == (
        "Found 2 themes in 3 seconds. 1 theme kept its earlier decision."
    )
    at = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    text = S.run_info_text({"themes": 5, "passages": 45, "unassigned": 0.04}, at, "rita", NAMES)
    assert text.startswith("Themes last found on 01 Mar 2026")
    assert "by Rita: 5 themes in 45 passages" in text and "4% of passages fit no theme" in text
    assert "fit no theme" not in S.run_info_text({"themes": 1}, None, "x", {})


def test_hints_are_worded_filtered_and_capped() -> None:
    by_id = CODEBOOK.by_id()
    ranked = [
        ("access", 0.5),  # a theme, not codable
        ("access.waiting", 0.823),
        ("gone", 0.2),  # no longer in the codebook
        ("misc", 0.1),
        ("access.paperwork", 0.05),
        ("funding.shortterm", 0.01),
    ]
    hints = S.make_hints(ranked, by_id)
    assert [h.code for h in hints] == ["access.waiting", "misc", "access.paperwork"]
    assert hints[0].label == "Suggested: Waiting times (likely)"
    assert hints[1].label == "Suggested: Other things (unlikely)"
    assert "0.82 out of 1" in hints[0].help and "undo" in hints[0].help
    skipped = S.make_hints(ranked, by_id, exclude=frozenset({"misc"}), top=2)
    assert [h.code for h in skipped] == ["access.waiting", "access.paperwork"]
    from qualkit.topics.suggest import LIKELY, POSSIBLE

    assert [S.score_words(x) for x in (0.95, LIKELY, 0.5, POSSIBLE, POSSIBLE - 0.01, 0.0)] == [
        "likely",
        "likely",
        "possible",
        "possible",
        "unlikely",
        "unlikely",
    ]
    mine = [
        Coding("casey", "s01", 5, 20, "misc"),
        Coding("casey", "s01", 5, 21, "access.waiting"),
    ]
    assert S.already_coded(mine, 5, 20) == {"misc"}


def test_codebook_key_follows_what_the_suggester_reads() -> None:
    base = S.codebook_key(CODEBOOK)
    assert base == S.codebook_key(Codebook("Renamed book", list(CODEBOOK.codes)))
    changed = [*CODEBOOK.codes[:-1], Code("misc", "Other things", "Anything at all.")]
    assert S.codebook_key(Codebook("Test", changed)) != base
    added = [*CODEBOOK.codes, Code("new", "New", "A new code.")]
    assert S.codebook_key(Codebook("Test", added)) != base


# -- with a project and the real model ------------------------------------------------------


@pytest.fixture
def project(db_url: str, tmp_path: Path) -> Iterator[Store]:
    build_themes_project(db_url, tmp_path / "src", "correct horse battery")
    s = Store.open(db_url, create=False)
    yield s
    s.close()


def _turn_span(store: Store, tid: str, words: str) -> tuple[int, int]:
    t = store.transcript(tid)
    for u in t.turns:
        if words in t.text[u.start : u.end]:
            return u.start, u.end
    raise AssertionError("turn not found")


def test_accepted_hint_is_the_coders_own_suggested_coding_and_undoes(project: Store) -> None:
    start, end = _turn_span(project, "s01", WAITING[0])
    stack = UndoStack()
    cid = S.accept_hint(
        project, stack, "casey", "s01", start, end, "access.waiting", label="suggested code"
    )
    (c,) = project.codings(transcript="s01")
    assert (c.id, c.coder, c.code, c.provenance) == (
        cid,
        "casey",
        "access.waiting",
        Provenance.SUGGESTED,
    )
    (added,) = [e for e in project.events("coding.add") if e.payload.get("id") == cid]
    assert added.actor == "casey" and added.payload["provenance"] == "suggested"
    assert WAITING[0][:20] not in repr(added.payload)  # the log holds offsets, not words
    assert stack.undo(project, "casey") == "Undone: suggested code."
    assert project.codings(transcript="s01") == []
    assert project.events("coding.delete")[-1].actor == "casey"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.slow
def test_hint_source_suggests_caches_and_rebuilds(project: Store) -> None:
    from qualkit.topics.project_suggest import project_suggester

    clock = Clock()
    source = S.HintSource(project_suggester, max_age=60, wait=120, clock=clock)
    codebook = project.codebook()
    t = project.transcript("s01")
    start, end = _turn_span(project, "s01", WAITING[0])
    hints = source.hints(project, codebook, t, start, end)
    assert len(hints) == S.HINTS and source.builds == 1
    assert "access.waiting" in [h.code for h in hints]
    assert all(0 < h.score <= 1 for h in hints)
    assert [h.score for h in hints] == sorted((h.score for h in hints), reverse=True)
    k0, k1 = _turn_span(project, "s01", KEYWORKER[0])
    keyworker = source.hints(project, codebook, t, k0, k1)
    assert "practitioners.relationship" in [h.code for h in keyworker]
    # A code the coder already put on this passage is not suggested again.
    again = source.hints(project, codebook, t, start, end, exclude=frozenset({"access.waiting"}))
    assert "access.waiting" not in [h.code for h in again] and len(again) == S.HINTS

    # New codings do not rebuild the suggester until it is older than max_age; then the
    # old one answers at once while a new one is built in the background ...
    project.add_coding(Coding("dev", "s03", 0, 10, "access.waiting"), "dev")
    source.hints(project, codebook, t, start, end)
    assert source.builds == 1
    clock.now += 61
    old = source.suggester(project, codebook)
    assert old is not None and source.idle(120) and source.builds == 2
    assert source.suggester(project, codebook) is not old
    # ... and when nothing changed it is simply kept.
    clock.now += 61
    source.hints(project, codebook, t, start, end)
    assert source.idle(120) and source.builds == 2
    # A change to the codebook rebuilds at once, and the new code can be suggested.
    new = Code(
        "access.queues",
        "Queues at the door",
        "Waiting lists, months on a list, nobody ringing back, waiting for a bed.",
        "access",
        provenance=Provenance.SUGGESTED,
    )
    project.add_code(new, "rita")
    codebook = project.codebook()
    ranked = source.ranked(project, codebook, t, start, end)
    assert source.builds == 3 and "access.queues" in [c for c, _ in ranked]
    # A span outside the transcript gives no hints rather than an error.
    assert source.hints(project, codebook, t, 0, len(t.text) + 5) == []


@pytest.mark.slow
def test_a_transcripts_turns_are_ranked_ahead_so_hints_need_no_wait(project: Store) -> None:
    from qualkit.topics.project_suggest import project_suggester
    from qualkit.topics.suggest import span_query

    source = S.HintSource(project_suggester, wait=120)
    codebook = project.codebook()
    t = project.transcript("s01")
    spans = [(u.start, u.end) for u in t.turns]
    thread = source.prepare(project, codebook, t, spans)
    assert thread is not None
    assert source.prepare(project, codebook, t, spans) is None  # once per transcript
    thread.join(300)
    sug = source.suggester(project, codebook)
    assert sug is not None
    asked: list[int] = []
    rank = sug.rank

    def counted(queries: Any, top: int = 3) -> Any:
        asked.append(len(queries))
        return rank(queries, top=top)

    sug.rank = counted  # type: ignore[method-assign]
    for a, b in spans:
        assert len(source.hints(project, codebook, t, a, b, wait=0)) == S.HINTS
    assert asked == []  # every turn was ready: the model was not asked again
    # Ranked together or one at a time, a turn gets the same codes.
    a, b = _turn_span(project, "s01", WAITING[0])
    alone = rank([span_query(t, a, b)], top=len(sug.cids))[0]
    ready = source.ranked(project, codebook, t, a, b)
    assert [c for c, _ in ready[:3]] == [c for c, _ in alone[:3]]
    assert all(abs(x - y) < 1e-6 for (_, x), (_, y) in zip(ready, alone, strict=True))
    # With the same suggester, opening the transcript again ranks nothing again.
    assert source.prepare(project, codebook, t, spans) is None


@pytest.mark.slow
def test_a_slow_build_gives_no_hints_until_it_is_ready(project: Store) -> None:
    import threading

    from qualkit.topics.project_suggest import project_suggester

    gate = threading.Event()

    def slow(store: Store) -> object:
        gate.wait(60)
        return project_suggester(store)

    source = S.HintSource(slow, wait=0.2)  # type: ignore[arg-type]
    t = project.transcript("s01")
    start, end = _turn_span(project, "s01", WAITING[0])
    assert source.hints(project, project.codebook(), t, start, end) == []
    assert source.hints(project, project.codebook(), t, start, end) == []  # one build only
    assert source.preparing(project)
    gate.set()
    assert source.idle(120) and source.builds == 1 and not source.preparing(project)
    assert len(source.hints(project, project.codebook(), t, start, end)) == S.HINTS


@pytest.mark.slow
def test_hints_are_empty_when_the_model_cannot_be_used(project: Store) -> None:
    from qualkit.topics.embed import Embedder
    from qualkit.topics.project_suggest import project_suggester

    attempts: list[int] = []

    def broken(store: Store) -> object:
        attempts.append(1)
        return project_suggester(store, embedder=Embedder(backend="no-such-backend"))

    clock = Clock()
    source = S.HintSource(broken, retry_after=30, wait=60, clock=clock)  # type: ignore[arg-type]
    t = project.transcript("s01")
    start, end = _turn_span(project, "s01", WAITING[0])
    assert source.hints(project, project.codebook(), t, start, end) == []
    assert source.builds == 0 and attempts == [1]
    # The failure is remembered for a while rather than retried on every page run.
    assert source.suggester(project, project.codebook()) is None and attempts == [1]
    clock.now += 31
    assert source.suggester(project, project.codebook()) is None and attempts == [1, 1]


@pytest.mark.slow
def test_theme_decisions_are_logged_and_kept_across_runs(project: Store) -> None:
    from qualkit.topics import themes as th

    first = th.run_themes(project, "rita")
    assert len(first) >= 3
    titles = {t.tid for t in project.transcripts()}
    for t in first:
        assert t.keywords and 1 <= len(t.quotes) <= 5 and set(t.transcripts) <= titles
        assert set(t.roles) <= {SUPPORT, WORKER}
    a, b, c, d = first[0], first[1], first[2], first[3]
    assert a.id and b.id and c.id and d.id
    parent = S.default_parent(a, project.codebook()) or None
    code = th.accept_theme(project, a.id, "rita", name="Team's new code", parent=parent)
    th.reject_theme(project, b.id, "rita", "not a theme")
    th.merge_themes(project, d.id, c.id, "rita")
    th.rename_theme(project, c.id, "Key workers who listen", "rita")
    stored = project.codebook().by_id()[code.cid]
    assert stored.provenance == Provenance.SUGGESTED and stored.parent == parent

    actions = [e.action for e in project.events() if e.actor == "rita"]
    for action in (
        "themes.run",
        "code.add",
        "theme.accept",
        "theme.reject",
        "theme.merge",
        "theme.absorb",
        "theme.rename",
    ):
        assert action in actions, action
    (added,) = project.events("code.add")
    assert added.payload["provenance"] == "suggested"
    logged = repr([e.payload for e in project.events() if e.action.startswith("theme")])
    assert WAITING[0][:25] not in logged and KEYWORKER[0][:25] not in logged

    second = th.run_themes(project, "rita")
    by_origin = {t.inherited_from: t for t in second if t.inherited_from}
    assert by_origin[a.id].status == "accepted" and by_origin[a.id].code == code.cid
    assert by_origin[b.id].status == "rejected"
    labels = {t.id: t.label for t in project.themes(current=None) if t.id is not None}
    names = {"rita": "Rita"}
    code_names = {k.cid: k.name for k in project.codebook().codes}
    words = S.decision_text(
        by_origin[b.id], code_names=code_names, theme_labels=labels, names=names
    )
    assert words == "Rejected by Rita: not a theme. Kept from an earlier run."
    assert S.kept_decisions(second) >= 2
    assert [e.action for e in project.events()].count("themes.run") == 2
