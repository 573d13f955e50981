"""Quote banks: selection, merging, agreement, attribution, trimming and tidying.

The small project built by :func:`make_project` is reused by the other export tests.
"""

from __future__ import annotations

import pytest

from qualkit.errors import NotFoundError, QualkitError
from qualkit.export import QuoteFilters, build_quote_bank, parse_agreement, parse_where
from qualkit.export.quotes import quote_text, tidy_marks
from qualkit.importers import parse_turns
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Participant,
    Provenance,
    Role,
    Transcript,
)
from qualkit.storage import Store
from qualkit.text import normalise, text_hash

TEXTS = {
    "t01": "\n".join(
        [
            "Interview ID: LB-01",
            "Mode: Telephone",
            "",
            "Interviewer: How long did you wait for a place?",
            "Participant: I was on that waiting list for months and nobody rang. "
            "[inaudible 00:12:01] Then [PERSON 1] from the hostel said try again. (laughs) "
            "It was a joke, honestly.",
            "Interviewer: What helped in the end?",
            "Participant: The drop-in worker sat with me. [crosstalk] She did the referral "
            "herself. No form first.",
            "",
        ]
    ),
    "t02": "\n".join(
        [
            "Interviewer: What is your caseload like?",
            "Participant: Sixty people on my list, sometimes more. You cannot build trust with "
            "sixty people.",
            "Interviewer: And the contracts?",
            "Participant: Every two years we bid again. The good staff leave before the end of "
            "it. [00:03:12] It wears you down.",
            "",
        ]
    ),
    "t03": "\n".join(
        [
            "Interviewer: Tell me about the hostel.",
            "Participant: They breathalysed me on the door and that was it, eviction. I had "
            "been off it four months.",
            "Interviewer: How did that feel?",
            "Participant: Like the relapse was a crime. Nobody asked why.",
            "",
        ]
    ),
}

PARTICIPANTS = {
    "t01": Participant("P01", "Person accessing support", {"borough": "Lambeth", "gender": "Man"}),
    "t02": Participant(
        "P02", "Person working in the system", {"borough": "Southwark", "gender": "Woman"}
    ),
    "t03": Participant("P03", "Person accessing support", {"borough": "Lewisham", "gender": "Man"}),
}

CODEBOOK = Codebook(
    "Test codebook",
    [
        Code("access", "Access and transitions", "Getting into services.", codable=False),
        Code("access.waiting", "Waiting times", "Waiting lists.", parent="access"),
        Code("access.referrals", "Referrals", "Referral routes.", parent="access"),
        Code("personled", "Person-led services", "Choice and control.", codable=False),
        Code("personled.relapse", "Relapse", "Relapse as part of recovery.", parent="personled"),
        Code(
            "personled.relapse.eviction",
            "Evicted for relapse",
            "Losing a bed for drinking.",
            parent="personled.relapse",
        ),
        Code("practitioners", "Practitioners", "The workforce.", codable=False),
        Code("practitioners.caseloads", "Caseloads", "Caseloads and time.", parent="practitioners"),
        Code("funding", "Funding and policy", "Money and contracts.", codable=False),
        Code("funding.shortterm", "Short-term contracts", "Short contracts.", parent="funding"),
    ],
)

CODERS = ("coder_a", "coder_b", "coder_c")

# (coder, transcript, quoted text, occurrence, code)
CODINGS: list[tuple[str, str, str, int, str]] = [
    (
        "coder_a",
        "t01",
        "I was on that waiting list for months and nobody rang.",
        1,
        "access.waiting",
    ),
    ("coder_b", "t01", "on that waiting list for months", 1, "access.waiting"),
    (
        "coder_c",
        "t01",
        "nobody rang. [inaudible 00:12:01] Then [PERSON 1] from the hostel said try again.",
        1,
        "access.waiting",
    ),
    (
        "coder_a",
        "t01",
        "sat with me. [crosstalk] She did the referral herself. No form",
        1,
        "access.referrals",
    ),
    ("coder_b", "t01", "She did the referral herself.", 1, "access.referrals"),
    ("coder_c", "t01", "How long did you wait for a place?", 1, "access.waiting"),
    (
        "coder_a",
        "t02",
        "Sixty people on my list, sometimes more. You cannot build trust with sixty people.",
        1,
        "practitioners.caseloads",
    ),
    (
        "coder_b",
        "t02",
        "Every two years we bid again. The good staff leave before the end of it. "
        "[00:03:12] It wears you down.",
        1,
        "funding.shortterm",
    ),
    (
        "coder_a",
        "t03",
        "They breathalysed me on the door and that was it, eviction.",
        1,
        "personled.relapse.eviction",
    ),
    ("coder_b", "t03", "Like the relapse was a crime.", 1, "personled.relapse"),
    ("coder_c", "t03", "Like the relapse was a crime. Nobody asked why.", 1, "personled.relapse"),
    ("consensus", "t03", "Like the relapse was a crime.", 1, "personled.relapse"),
]


def span_of(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    pos = -1
    for _ in range(occurrence):
        pos = text.index(quote, pos + 1)
    return pos, pos + len(quote)


def make_transcript(tid: str) -> Transcript:
    text = normalise(TEXTS[tid])
    parsed = parse_turns(text)
    return Transcript(
        tid=tid,
        title=f"Interview {tid}",
        text=text,
        source_name=f"{tid}.txt",
        text_hash=text_hash(text),
        turns=parsed.turns,
        metadata=dict(parsed.metadata),
        participant=PARTICIPANTS[tid].pid,
    )


def make_project(store: Store, *, memos: bool = True) -> list[int]:
    """Fill ``store`` with three transcripts, three coders plus consensus, and memos.

    Returns the coding id of each entry of CODINGS, in order.
    """
    store.set_codebook(CODEBOOK, "tester")
    for name in CODERS:
        store.add_user(name, Role.CODER, "tester")
    store.add_transcripts(
        [(make_transcript(tid), PARTICIPANTS[tid]) for tid in sorted(TEXTS)], "tester"
    )
    codings = []
    for coder, tid, quote, occ, code in CODINGS:
        start, end = span_of(normalise(TEXTS[tid]), quote, occ)
        prov = Provenance.CONSENSUS if coder == "consensus" else Provenance.MANUAL
        codings.append(Coding(coder, tid, start, end, code, provenance=prov))
    codings[1].memo = "Short phrase, same passage."
    ids = store.add_codings(codings, "tester")
    if memos:
        store.add_memo(Memo("coder_a", "Strong quote for the access chapter.", "t01", ids[0]))
        store.add_memo(Memo("coder_b", "Check the turn boundaries in t02.", "t02"))
        store.add_memo(Memo("coder_c", "Overall: eviction for relapse recurs."))
    return ids


# -- merging, agreement, attribution ------------------------------------------------------


def test_overlapping_codings_of_one_code_merge_into_one_quote(store: Store) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    text = store.transcript("t01").text
    waiting = [q for q in bank.quotes if q.code == "access.waiting" and q.transcript == "t01"]
    # coder_a's sentence, coder_b's phrase inside it and coder_c's overlapping span are one
    # quote; coder_c's coding of the interviewer's question is another.
    participant_quote = next(q for q in waiting if q.turn == 1)
    assert participant_quote.coders == ("coder_a", "coder_b", "coder_c")
    a = span_of(text, "I was on that waiting list for months and nobody rang.")
    c = span_of(
        text, "nobody rang. [inaudible 00:12:01] Then [PERSON 1] from the hostel said try again."
    )
    assert (participant_quote.start, participant_quote.end) == (a[0], c[1])
    assert len(waiting) == 2
    # Memos of every merged coding travel with the quote.
    assert "Strong quote for the access chapter." in participant_quote.memo
    assert "Short phrase, same passage." in participant_quote.memo


def test_agreement_counts_coders_of_the_transcript_and_ignores_consensus(store: Store) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    by = {(q.transcript, q.code, q.coders): q for q in bank.quotes}
    # t01 was coded by all three coders.
    assert by[("t01", "access.waiting", CODERS)].agreement == pytest.approx(1.0)
    assert by[("t01", "access.referrals", ("coder_a", "coder_b"))].agreement == pytest.approx(2 / 3)
    # t02 was coded by coder_a and coder_b only.
    assert by[("t02", "practitioners.caseloads", ("coder_a",))].agreement == pytest.approx(0.5)
    # t03: coder_b, coder_c and the consensus layer; consensus does not count.
    relapse = by[("t03", "personled.relapse", ("coder_b", "coder_c", "consensus"))]
    assert relapse.agreement == pytest.approx(2 / 3)


def test_attribution_uses_role_and_participant_and_labels_setting(store: Store) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    roles = {p.pid: p.role for p in store.participants()}
    for q in bank.quotes:
        if q.speaker == "Interviewer":
            assert q.citation == "Interviewer" and q.participant is None
        else:
            pid = store.transcript(q.transcript).participant
            assert pid is not None and q.participant == pid
            assert q.citation == f"{roles[pid]}, {pid}"
    store.update_settings(
        "tester",
        attribution_labels={
            "Person working in the system": "Frontline worker",
            "Interviewer": "Peer researcher",
        },
    )
    relabelled = build_quote_bank(store)
    t02 = [q for q in relabelled.quotes if q.transcript == "t02"]
    assert t02 and all(q.citation == "Frontline worker, P02" for q in t02)
    assert any(q.citation == "Peer researcher" for q in relabelled.quotes)
    t01 = [q for q in relabelled.quotes if q.transcript == "t01" and q.participant]
    assert all(q.attribution == "Person accessing support" for q in t01)


def test_bad_attribution_labels_setting_is_an_error(store: Store) -> None:
    make_project(store, memos=False)
    store.update_settings("tester", attribution_labels=["not", "a", "mapping"])
    with pytest.raises(QualkitError, match="attribution_labels"):
        build_quote_bank(store)


# -- filters ------------------------------------------------------------------------------


def test_theme_filter_includes_every_code_below_it(store: Store) -> None:
    make_project(store)
    bank = build_quote_bank(store, QuoteFilters(codes=("personled",)))
    assert {q.code for q in bank.quotes} == {"personled.relapse", "personled.relapse.eviction"}
    assert {q.theme for q in bank.quotes} == {"personled"}
    assert {c.cid for c in bank.codes} == {
        "personled",
        "personled.relapse",
        "personled.relapse.eviction",
    }
    only = build_quote_bank(store, QuoteFilters(codes=("personled.relapse.eviction",)))
    assert [q.code for q in only.quotes] == ["personled.relapse.eviction"]
    with pytest.raises(NotFoundError, match="nope"):
        build_quote_bank(store, QuoteFilters(codes=("nope",)))


def test_coder_and_consensus_filters(store: Store) -> None:
    make_project(store)
    cons = build_quote_bank(store, QuoteFilters(coders=("consensus",)))
    assert [q.coders for q in cons.quotes] == [("consensus",)]
    # The quote's agreement still reflects every human coder of the transcript.
    assert cons.quotes[0].agreement == pytest.approx(2 / 3)
    a_only = build_quote_bank(store, QuoteFilters(coders=("coder_a",)))
    assert a_only.quotes and all(q.coders == ("coder_a",) for q in a_only.quotes)
    expected = {(c[1], c[4]) for c in CODINGS if c[0] == "coder_a"}
    assert {(q.transcript, q.code) for q in a_only.quotes} == expected
    with pytest.raises(NotFoundError, match="ghost"):
        build_quote_bank(store, QuoteFilters(coders=("ghost",)))


def test_role_where_and_transcript_filters(store: Store) -> None:
    make_project(store)
    workers = build_quote_bank(store, QuoteFilters(roles=("person working in the system",)))
    assert {q.transcript for q in workers.quotes} == {"t02"}
    lambeth = build_quote_bank(store, QuoteFilters(where=(parse_where("borough=lambeth"),)))
    assert {q.transcript for q in lambeth.quotes} == {"t01"}
    either = build_quote_bank(
        store, QuoteFilters(where=(("borough", "Lambeth"), ("borough", "Lewisham")))
    )
    assert {q.transcript for q in either.quotes} == {"t01", "t03"}
    both = build_quote_bank(
        store, QuoteFilters(where=(("borough", "Lambeth"), ("gender", "Woman")))
    )
    assert both.quotes == []
    one = build_quote_bank(store, QuoteFilters(transcripts=("t03",)))
    assert {q.transcript for q in one.quotes} == {"t03"}
    with pytest.raises(NotFoundError):
        build_quote_bank(store, QuoteFilters(transcripts=("t99",)))


def test_min_agreement_and_participant_turns_only(store: Store) -> None:
    make_project(store)
    everything = build_quote_bank(store)
    strict = build_quote_bank(store, QuoteFilters(min_agreement=parse_agreement("100%")))
    assert strict.quotes and all(q.agreement == pytest.approx(1.0) for q in strict.quotes)
    assert len(strict.quotes) < len(everything.quotes)
    half = build_quote_bank(store, QuoteFilters(min_agreement=0.5))
    assert all(q.agreement is not None and q.agreement >= 0.5 for q in half.quotes)
    assert len(half.quotes) == sum(
        1 for q in everything.quotes if q.agreement is not None and q.agreement >= 0.5
    )
    spoken = build_quote_bank(store, QuoteFilters(participant_turns_only=True))
    assert all(q.speaker == "Participant" for q in spoken.quotes)
    assert len(spoken.quotes) == len(everything.quotes) - 1


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "150%", "lots"])
def test_bad_min_agreement_is_refused(bad: str) -> None:
    with pytest.raises(QualkitError):
        parse_agreement(bad)


@pytest.mark.parametrize("bad", ["borough", "=Lambeth", "borough="])
def test_bad_where_is_refused(bad: str) -> None:
    with pytest.raises(QualkitError, match="ATTRIBUTE=VALUE"):
        parse_where(bad)


# -- trimming and tidying -----------------------------------------------------------------


def test_quotes_are_trimmed_to_sentences_and_tidied(store: Store) -> None:
    make_project(store)
    bank = build_quote_bank(store)
    texts = {(q.transcript, q.code, q.coders): q.text for q in bank.quotes}
    # Whole sentences; the partial sentences at each end are dropped, [crosstalk] removed.
    assert texts[("t01", "access.referrals", ("coder_a", "coder_b"))] == (
        "She did the referral herself."
    )
    # A timestamp on its own disappears.
    assert texts[("t02", "funding.shortterm", ("coder_b",))] == (
        "Every two years we bid again. The good staff leave before the end of it. "
        "It wears you down."
    )
    # [inaudible 00:12:01] keeps the gap and loses the time; [PERSON 1] stays.
    merged = texts[("t01", "access.waiting", CODERS)]
    assert merged == (
        "I was on that waiting list for months and nobody rang. "
        "[inaudible] Then [PERSON 1] from the hostel said try again."
    )
    assert "00:12:01" not in merged


def test_phrase_inside_a_sentence_gets_ellipses_where_cut() -> None:
    text = "Participant: I was on that waiting list for months and nobody rang. Then I left.\n"
    start, end = span_of(text, "that waiting list for mon")
    turn_start = text.index("I was")
    from qualkit.model import SpeakerKind, Turn

    turns = [Turn(0, "Participant", SpeakerKind.PARTICIPANT, turn_start, len(text) - 1, 0)]
    assert quote_text(text, turns, start, end) == "…that waiting list for months…"
    # A span that misses a letter of the first word still gives the whole sentence.
    s2, e2 = span_of(text, " was on that waiting list for months and nobody rang")
    assert quote_text(text, turns, s2 - 1, e2) == (
        "I was on that waiting list for months and nobody rang."
    )
    # Untidied text is the span as stored.
    assert quote_text(text, turns, start, end, tidy=False) == "that waiting list for mon"


def test_span_across_turns_is_quoted_turn_by_turn_without_labels() -> None:
    text = normalise(TEXTS["t03"])
    turns = parse_turns(text).turns
    start = text.index("I had been off it")
    end = text.index("Like the relapse") + len("Like the relapse was a crime.")
    out = quote_text(text, turns, start, end)
    # The interviewer's question between the two participant turns is left out.
    assert out == "I had been off it four months. … Like the relapse was a crime."
    assert "How did that feel" not in out
    assert "Interviewer" not in out and "Participant" not in out


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("It was [inaudible 00:12:01] awful.", "It was [inaudible] awful."),
        ("It was (inaudible) awful.", "It was [inaudible] awful."),
        ("It was [unclear] awful.", "It was [inaudible] awful."),
        ("[00:03:12] It wears you down.", "It wears you down."),
        ("It wears you down (00:03).", "It wears you down."),
        ("We talked [crosstalk] about it.", "We talked about it."),
        ("It was a joke (laughs), honestly.", "It was a joke, honestly."),
        ("Well [pause] I suppose [long pause] yes.", "Well I suppose yes."),
        ("[PERSON 1] rang me.", "[PERSON 1] rang me."),
        ("She said [the council] would.", "She said [the council] would."),
        ("The hostel (the big one) was full.", "The hostel (the big one) was full."),
        ("[LOCATION 2 00:01:02] again", "[LOCATION 2] again"),
    ],
)
def test_tidy_marks(raw: str, tidy: str) -> None:
    assert tidy_marks(raw) == tidy
