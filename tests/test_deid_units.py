"""Fast unit tests for de-identification pieces that need no NLP model."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from qualkit.deid.numwords import number_value, spoken_digits
from qualkit.deid.recognizers.uk import QualkitNhsRecognizer, SpokenPhoneRecognizer


@pytest.mark.parametrize(
    ("word", "value"),
    [("seventeen", 17), ("twenty-three", 23), ("eighteenth", 18), ("19", 19), ("the", None)],
)
def test_number_value(word: str, value: int | None) -> None:
    assert number_value(word) == value


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("oh seven seven double oh nine double oh four one eight", "07700900418"),
        ("oh seven seven hundred nine hundred four one two", "07700900412"),
        ("Oh one nine one four nine eight oh three seven two", "01914980372"),
        ("oh one one three triple four", "0113444"),
    ],
)
def test_spoken_digits(said: str, digits: str) -> None:
    assert spoken_digits(said.split()) == digits


def _found(recognizer: object, text: str) -> list[str]:
    return [text[h.start : h.end] for h in recognizer.find(text)]  # type: ignore[attr-defined]


def test_spoken_phone_number_is_found() -> None:
    rec = SpokenPhoneRecognizer()
    text = "It's oh seven seven hundred, nine hundred, four one two. Shall I say it again?"
    assert _found(rec, text) == ["oh seven seven hundred, nine hundred, four one two"]
    text = "Ring me, Oh-seven-seven-oh-oh, nine-oh-oh, four-one-two, after six."
    assert _found(rec, text) == ["Oh-seven-seven-oh-oh, nine-oh-oh, four-one-two"]
    text = "aye its oh seven seven double oh. nine double oh. three one seven. wait."
    assert _found(rec, text) == ["oh seven seven double oh. nine double oh. three one seven"]
    assert _found(rec, "I was seven. Nine of us lived there. Three. One seven.") == []


@pytest.mark.parametrize(
    "text",
    [
        "I was one of five, two boys and three girls, one two three.",
        "We counted seven, eight, nine, ten people in the queue at nine.",
        "Rent was two hundred and fifty a week.",
    ],
)
def test_counting_is_not_a_phone_number(text: str) -> None:
    assert _found(SpokenPhoneRecognizer(), text) == []


def test_nhs_number_checksum_or_context() -> None:
    rec = QualkitNhsRecognizer()
    assert _found(rec, "ref 943 476 5919 ok") == ["943 476 5919"]
    assert _found(rec, "ref 943 476 5918 ok") == []
    assert _found(rec, "my NHS number is 943 476 5918 ok") == ["943 476 5918"]
    # Northern Ireland's Health and Care number and Scotland's CHI number say so too.
    text = "The letter had her Health and Care number on it, 320 517 8846, and that."
    assert _found(rec, text) == ["320 517 8846"]
    assert _found(rec, "Her CHI is 320 517 8846.") == ["320 517 8846"]
    assert _found(rec, "I did tai chi at 320 517 8846 ok") == []


def test_spelt_out_words() -> None:
    from qualkit.deid.recognizers.names import SpeltOutRecognizer

    rec = SpeltOutRecognizer()
    assert _found(rec, "It's spelt the Gaelic way, E I L I D H, nobody gets it.") == ["E I L I D H"]
    assert _found(rec, "The road, D-U-R-N, then ford.") == ["D-U-R-N"]
    assert _found(rec, "I said a, b, or c to him. I I I just froze.") == []


def test_spoken_email_address() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "It's on the letter. Flori, dot, pop, one nine eight eight, at mail dot com. Thanks."
    assert _found(rec, text) == ["Flori, dot, pop, one nine eight eight, at mail dot com"]
    text = "My email is jo dot marsh at example dot co dot uk if that helps."
    assert _found(rec, text) == ["jo dot marsh at example dot co dot uk"]
    assert _found(rec, "We met at the centre, the dot com crowd.") == []
    # Part of the domain spelt, after "it's" (whose "s" is no part of the address).
    text = "Or email me, it's iona dot ferguson at harbour h f dot org dot uk. Thanks."
    assert _found(rec, text) == ["iona dot ferguson at harbour h f dot org dot uk"]
    text = "that's jo dot atkinson at fellside hyphen outreach dot org dot uk, lower case"
    assert _found(rec, text) == ["jo dot atkinson at fellside hyphen outreach dot org dot uk"]
    assert _found(rec, "look at a b c d e f g dot com") == []


def test_web_address_in_any_domain() -> None:
    from qualkit.deid.recognizers.contact import AnyDomainUrlRecognizer

    rec = AnyDomainUrlRecognizer()
    text = "Or the website, www.cymorth.cymru, there's a form."
    assert _found(rec, text) == ["www.cymorth.cymru"]
    assert _found(rec, "Go to https://help.example/form?id=2. Then ring.") == [
        "https://help.example/form?id=2"
    ]
    assert _found(rec, "(www.sunrise-project.scot)") == ["www.sunrise-project.scot"]
    # No web address: "www." alone, a host with no dot, an e-mail address.
    assert _found(rec, "the www. thing, http://localhost, jo@www.mail.org") == []


# Chunks of long texts --------------------------------------------------------------------


def test_chunks_cover_the_text_and_overlap() -> None:
    from qualkit.deid.analyzer import chunks

    text = ("Word " * 50 + "\n") * 200  # 50,200 characters
    pieces = list(chunks(text, size=5_000, overlap=500))
    assert len(pieces) > 10
    assert all(len(p) <= 5_000 for _, p in pieces)
    assert all(text[off : off + len(p)] == p for off, p in pieces)
    covered = bytearray(len(text))
    for off, p in pieces:
        covered[off : off + len(p)] = b"\x01" * len(p)
    assert all(covered)
    for (a, pa), (b, _) in itertools.pairwise(pieces):
        assert b < a + len(pa) - 100, "consecutive pieces overlap"
    assert list(chunks("short text")) == [(0, "short text")]


def test_uncovered_drops_possible_misses_under_detections() -> None:
    from qualkit.deid.analyzer import uncovered
    from qualkit.deid.spans import Detection

    dets = [Detection(10, 15, "PERSON")]
    maybe = [Detection(12, 14, "PERSON", 0.2), Detection(20, 24, "PERSON", 0.1)]
    assert uncovered(maybe, dets) == [maybe[1]]


# One value, one type ----------------------------------------------------------------------


def test_resolve_types_gives_one_value_one_type() -> None:
    from qualkit.deid.pipeline import resolve_types
    from qualkit.deid.spans import Detection

    texts = {"a": "I saw Marcella at the centre.", "b": "Marcella's flat. marcella again."}
    dets = {
        "a": [Detection(6, 14, "PERSON", 0.9)],
        "b": [Detection(0, 8, "LOCATION", 0.4), Detection(17, 25, "PERSON", 0.7)],
    }
    out = resolve_types(texts, dets)
    assert {d.type for ds in out.values() for d in ds} == {"PERSON"}
    # A value the key already holds keeps its type from the earlier batch.
    out = resolve_types(texts, dets, known=[("LOCATION", "Marcella")])
    assert {d.type for ds in out.values() for d in ds} == {"LOCATION"}


# The review file's possible misses -----------------------------------------------------


def _review_doc() -> dict[str, Any]:
    from qualkit.deid.review import review_document
    from qualkit.deid.spans import Detection

    text = "My worker, pearl, she sorted it. pearl rang me. Pearl's great."
    return review_document(
        Path("t.txt"),
        text,
        [],
        lambda t, s: f"[{t}]",
        [Detection(11, 16, "PERSON", 0.3), Detection(33, 38, "PERSON", 0.2)],
    )


def test_possible_misses_are_grouped_and_masked_everywhere() -> None:
    from qualkit.deid.review import reviewed_detections

    doc = _review_doc()
    entries = doc["possible_misses"]
    assert isinstance(entries, list) and len(entries) == 1
    assert entries[0]["text"] == "pearl" and entries[0]["mentions"] == 3
    assert entries[0]["decision"] == "keep"
    text, dets, _, _, added = reviewed_detections(Path("t.review.json"), doc)
    assert dets == [] and added == 0
    entries[0]["decision"] = "mask"
    text, dets, _, _, added = reviewed_detections(Path("t.review.json"), doc)
    assert added == 3
    assert [text[d.start : d.end] for d in dets] == ["pearl", "pearl", "Pearl's"]


def test_possible_miss_with_a_bad_decision_names_the_file() -> None:
    from qualkit.deid.review import reviewed_detections
    from qualkit.errors import InputError

    doc = _review_doc()
    doc["possible_misses"][0]["decision"] = "maybe"
    with pytest.raises(InputError, match=r"t\.review\.json: possible miss 1"):
        reviewed_detections(Path("t.review.json"), doc)


def test_evaluation_measures_the_possible_list() -> None:
    from qualkit.deid.evaluate import evaluate, parse_markup
    from qualkit.deid.spans import Detection

    gold = parse_markup(
        "My worker, {{PERSON|pearl}}, rang. {{PERSON|pearl}} again. Hi {{PERSON|Jo}}."
    )
    jo = gold.text.index("Jo")
    res = evaluate(
        [gold],
        {"doc": [Detection(jo, jo + 2, "PERSON")]},
        {"doc": [Detection(11, 16, "PERSON", 0.2)]},
    )
    assert res.direct_missed == 2 and res.direct_missed_listed == 2
    assert res.possible_coverage == 1.0
    assert res.possible_per_1000_words == pytest.approx(1000 / res.words)


def test_a_title_or_article_left_before_a_masked_name_counts_as_caught() -> None:
    from qualkit.deid.evaluate import evaluate, parse_markup
    from qualkit.deid.spans import Detection

    gold = parse_markup("He said, {{PERSON|Mr Pegg}}, go to {{ORGANIZATION|the Elms}}.")
    pegg, elms = gold.text.index("Pegg"), gold.text.index("Elms")
    found = [Detection(pegg, pegg + 4, "PERSON"), Detection(elms, elms + 4, "ORGANIZATION")]
    assert evaluate([gold], {"doc": found}).direct_recall == 1.0
    assert evaluate([gold], {"doc": found[1:]}).direct_recall == 0.0


def test_title_and_initial() -> None:
    from qualkit.deid.recognizers.names import TitleNameRecognizer

    rec = TitleNameRecognizer()
    assert _found(rec, "We had a lady, I'll call her Mrs D, who'd been in the WRAC.") == ["Mrs D"]
    assert _found(rec, "Then I asked Mrs. I mean, anyone at all.") == []
    # A family title or a nickname's "Big" or "Little" before an initial; not "the Big C".
    assert _found(rec, "Is Uncle D still about?") == ["Uncle D"]
    assert _found(rec, "me and Little K, we was tight") == ["Little K"]
    assert _found(rec, "then she got the Big C, and") == []
    assert _found(rec, "a flat near me nan. A job, too.") == []


@pytest.mark.parametrize(
    ("raw", "problem"),
    [(b"\xff\xfe not utf-8", "not UTF-8"), (b"[" * 100_000, "nested too deeply"), (b"[]", "not a")],
)
def test_apply_refuses_broken_review_files(tmp_path: Path, raw: bytes, problem: str) -> None:
    from qualkit.deid.pipeline import apply
    from qualkit.errors import InputError

    (tmp_path / "t01.review.json").write_bytes(raw)
    with pytest.raises(InputError, match=problem) as info:
        apply(tmp_path, tmp_path / "k.key", "a long test passphrase")
    assert "t01.review.json" in str(info.value)
    assert not (tmp_path / "release").exists()


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("At fifteen. How's a kid meant to pay that back?", ["fifteen"]),
        ("by, like, sixteen I was using every day", ["sixteen"]),
        ("the move at eighteen is the hardest part", ["eighteen"]),
        ("One man, from the same town, older, maybe thirty, he helped me.", ["thirty"]),
        ("a man of sixty after a stroke, and no bed", ["sixty"]),
        ("I went into care when I was twelve cause my nan got ill", ["twelve"]),
        ("I'll see you at eleven.", []),
        ("The shift starts at fifteen hundred.", []),
        ("It was twenty quid at twenty past.", []),
        ("a man, two kids and a dog.", []),
        ("He was on at sixteen minutes past.", []),
    ],
)
def test_ages_said_in_words(text: str, ages: list[str]) -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    assert sorted(set(_found(AgeRecognizer(), text))) == ages


def test_medicine_names_are_not_identifiers() -> None:
    from qualkit.deid.medicines import is_medicine

    for word in ("mirtazapine", "Sertraline", "Subutex", "methadone's", "co-codamol"):
        assert is_medicine(word), word
    # UK brands and newer drugs the dictionary lacks, from the data file.
    for word in ("Buvidal", "Espranor", "Prenoxad", "nitazenes"):
        assert is_medicine(word), word
    # Common British names, and first names common in several countries, stay names even
    # where a medicine shares them.
    for word in ("Ivor", "Pearl", "Grace", "Sterling", "Birmingham", "Camila", "Hana"):
        assert not is_medicine(word), word


def test_transcripts_typed_in_lower_case() -> None:
    from qualkit.deid.textutil import typed_in_lower_case

    lower = "A: so i went to the meeting. i said no. i didnt want to. then i left. i cried.\n"
    upper = "So I went to the meeting. I said no. I didn't want to. Then I left. I cried.\n"
    assert typed_in_lower_case(lower * 3)
    assert not typed_in_lower_case(upper * 3)


def test_lower_case_names_spread_only_within_their_own_text() -> None:
    from qualkit.deid.propagation import Propagator, local_only
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "i went to my carers sue and phil. sue said no. later sue rang me."
    seed = Detection(20, 23, "PERSON", 0.8, "TokenScorer")
    prop = Propagator(Lexicon(others=["sue"]))
    assert not prop.terms_from(text, [seed])
    terms = prop.terms_from(text, [seed], lower_case_names=True)
    assert terms and all(local_only(t) for t in terms)
    assert [text[d.start : d.end] for d in prop.mentions(text, terms)] == ["sue"] * 3
    # A weak seed (spaCy's guess) does not make a word a name everywhere.
    weak = Detection(20, 23, "PERSON", 0.8, "SpacyRecognizer")
    assert not prop.terms_from(text, [weak], lower_case_names=True)
    # After "a", "the", "i" or "to" the word is the word.
    text = "me and chance got tight. chance knew people. i never had a chance. we chance it."
    seed = Detection(7, 13, "PERSON", 0.8, "TokenScorer")
    prop = Propagator(Lexicon(others=["chance"]))
    terms = prop.terms_from(text, [seed], lower_case_names=True)
    assert [d.start for d in prop.mentions(text, terms)] == [7, 25]


def test_transcripts_typed_without_apostrophes() -> None:
    from qualkit.deid.textutil import drops_apostrophes

    bare = "i didnt know. she wasnt there and i cant say. we dont talk. it doesn't matter.\n"
    marked = "I didn't know. She wasn't there and I can't say. We don't talk.\n"
    assert drops_apostrophes(bare)
    assert not drops_apostrophes(marked)
    assert not drops_apostrophes("no contractions here at all")


def test_subtitle_cue_numbers() -> None:
    from qualkit.deid.textutil import is_cue_number

    text = "12\n00:01:02,000 --> 00:01:04,000\nI was 17 then.\n\n13\n00:01:05,000 --> x\n"
    assert is_cue_number(text, 0, 2)
    start = text.index("13")
    assert is_cue_number(text, start, start + 2)
    start = text.index("17")
    assert not is_cue_number(text, start, start + 2)
    assert not is_cue_number("I was\n17\nthen", 6, 8)


def test_lower_case_possessive_without_its_apostrophe() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "i didnt go home. i stayed at sues place. sue and phil didnt mind. i wasnt sure.\n"
    seed = Detection(text.index("sue and"), text.index("sue and") + 3, "PERSON", 0.8, "X")
    prop = Propagator(Lexicon(others=["sue"]))
    terms = prop.terms_from(text, [seed], lower_case_names=True)
    found = [(d.start, text[d.start : d.end]) for d in prop.mentions(text, terms)]
    assert (text.index("sues"), "sues") in found
    # Where apostrophes are typed, a word ending in "s" is left alone.
    typed = text.replace("didnt", "didn't").replace("wasnt", "wasn't")
    assert all(
        typed[d.start : d.end] != "sues"
        for d in prop.mentions(typed, prop.terms_from(typed, [seed], lower_case_names=True))
    )


def test_clause_subject_that_is_a_widely_used_first_name_is_a_possible_miss() -> None:
    from types import SimpleNamespace

    from qualkit.deid.analyzer import Detector
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.words import Lexicon

    detector = Detector.__new__(Detector)
    detector.scorer = SimpleNamespace(thresholds={"possible": 0.08})  # type: ignore[assignment]
    detector.gazetteer = Gazetteer({"des": NameStats(214, 884, 10, 0, 0, 0)})
    detector.lexicon = Lexicon(nouns=["des"])
    detector._allow_re = None
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    word = {"text": "des", "lower_": "des", "pos_": "X", "is_lower": True, "is_alpha": True}
    subject = SimpleNamespace(dep_="nsubj", **word)
    assert detector._risk(subject, "PERSON", 0.02, lower=True) == 0.08  # type: ignore[arg-type]
    assert detector._risk(subject, "PERSON", 0.02, lower=False) == 0.02  # type: ignore[arg-type]
    obj = SimpleNamespace(dep_="dobj", **word)
    assert detector._risk(obj, "PERSON", 0.02, lower=True) == 0.02  # type: ignore[arg-type]
    # A word no dictionary knows, where a name can stand, is offered in lower-case text.
    unknown = SimpleNamespace(**{**word, "text": "crys", "lower_": "crys", "dep_": "dobj"})
    assert detector._risk(unknown, "PERSON", 0.02, lower=True) == 0.08  # type: ignore[arg-type]
    assert detector._risk(unknown, "PERSON", 0.02, lower=False) == 0.02  # type: ignore[arg-type]


def _bare_detector(names: dict[str, Any], common: Iterable[str] = ()) -> Any:
    """A detector without an NLP engine: a names gazetteer, a lexicon, no allow list."""
    from types import SimpleNamespace

    from qualkit.deid.analyzer import Detector
    from qualkit.deid.gazetteer import Gazetteer
    from qualkit.deid.words import Lexicon

    detector = Detector.__new__(Detector)
    detector.scorer = SimpleNamespace(thresholds={"detect": 0.35, "possible": 0.08})  # type: ignore[assignment]
    detector.gazetteer = Gazetteer(names)
    detector.lexicon = Lexicon(others=common)
    detector._allow_re = None
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    return detector


def test_a_common_first_name_and_surname_side_by_side_are_a_name() -> None:
    from qualkit.deid.gazetteer import NameStats

    names = {"kev": NameStats(90, 120, 9, 0, 0, 0), "mcardle": NameStats(0, 0, 0, 400, 310, 3)}
    detector = _bare_detector(names)
    text = "i've been kev mcardle round here for years"
    found = detector._first_and_surnames(text, [])
    assert [(text[d.start : d.end], d.type) for d in found] == [("kev mcardle", "PERSON")]
    # A surname that is also an English word is not enough.
    names["green"] = NameStats(0, 0, 0, 100, 40, 5)
    detector = _bare_detector(names, common=["green"])
    assert not detector._first_and_surnames("i've been kev green round here", [])


def test_names_need_less_of_the_scorer_in_a_text_typed_in_lower_case() -> None:
    from types import SimpleNamespace

    import spacy

    detector = _bare_detector({}, common=["young"])
    scores = {"leitrim": ("LOCATION", 0.2), "young": ("PERSON", 0.2)}

    def score_doc(doc: Any, lexicon: Any, gazetteer: Any) -> Any:
        for tok in doc:
            if tok.lower_ in scores:
                yield (tok, *scores[tok.lower_])

    detector.scorer.score_doc = score_doc
    nlp = spacy.blank("en")
    lower = "i was small. i didnt know. i grew up in leitrim. i was young. i left. i cried.\n"
    sure, unsure = detector._scored(lower, SimpleNamespace(tokens=nlp(lower)))
    assert [lower[d.start : d.end] for d in sure] == ["leitrim"]
    assert [lower[d.start : d.end] for d in unsure] == ["young"]
    upper = "I was small. I grew up in Leitrim. I was young. I left. I cried. I was sad.\n"
    sure, unsure = detector._scored(upper, SimpleNamespace(tokens=nlp(upper)))
    assert not sure and len(unsure) == 2


def test_a_less_certain_detection_spreads_in_a_text_typed_in_lower_case() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "i grew up in leitrim. all the lads left leitrim for work."
    seed = Detection(13, 20, "LOCATION", 0.3, "TokenScorer")
    prop = Propagator(Lexicon(), min_score=0.45)
    assert not prop.terms_from(text, [seed])
    terms = prop.terms_from(text, [seed], lower_case_names=True)
    assert [text[d.start : d.end] for d in prop.mentions(text, terms)] == ["leitrim"] * 2


def test_lower_case_nicknames() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer, NicknameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(
        nouns=["moose", "names", "al", "man", "person", "terrier"],
        others=["stupid", "bit", "spelled"],
    )
    names = {"rico": NameStats(first_best=258, first_gb=1729), "man": NameStats(first_best=4)}
    context = RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names))
    lower = "i said no. i was scared. i didnt know. i left. i cried. "
    nick = NicknameRecognizer(context)
    text = lower + "my sponsor now big al and lil rico, a big man. the big bit. little terrier."
    assert _found(nick, text) == ["big al", "lil rico"]
    assert _found(nick, lower + "oh loads. scottish rico. welsh bit.") == ["scottish rico"]
    # Only where the whole text is typed in lower case.
    assert _found(nick, "Then big al came in. I said so. I left.") == []
    intro = IntroducedNameRecognizer(context)
    assert "moose" in _found(intro, lower + "everyone calls me moose since year six.")
    assert _found(intro, lower + "she called me stupid and called me names.") == []
    assert _found(intro, lower + "we need a named person. names spelled as heard.") == []


def test_a_first_name_and_what_the_person_is_known_for() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["post", "shop", "council", "bridge"])
    names = {
        "murdo": NameStats(first_best=900, first_gb=2900),
        "kathleen": NameStats(first_best=300, first_gb=400),
        "dave": NameStats(first_best=100, first_gb=90),
        "bridge": NameStats(place=5000),
    }
    nick = NicknameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names)))
    text = "Murdo the Post came by, and Kathleen the Shop. I told Dave the Council said no."
    assert _found(nick, text) == ["Murdo the Post", "Kathleen the Shop"]
    # Not a name and then a place or a word that is not a noun ("With the Traveller").
    assert _found(nick, "Dave the Bridge was shut. With the Traveller site, Murdo the Ness.") == []


def test_a_phone_number_that_starts_with_oh_then_digits() -> None:
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = UkPhoneRecognizer()
    text = "Shivon wrote it on. Oh 7700 900 318. Or oh 20 7946 0321. Not oh 12, or Oh 700."
    assert _found(rec, text) == ["Oh 7700 900 318", "oh 20 7946 0321"]


def test_a_phone_number_typed_digit_by_digit() -> None:
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = UkPhoneRecognizer()
    assert _found(rec, "So that's 0-7-7-0-0, 9-0-0, 3-8-2?") == ["0-7-7-0-0, 9-0-0, 3-8-2"]
    assert _found(rec, "12:40 0 7 7 0 0 9 0 0 8 6 2. Got it.") == ["0 7 7 0 0 9 0 0 8 6 2"]
    # Too few digits, or years in a row.
    assert _found(rec, "0 7 7 0 0 9 0 0 8") == []
    assert _found(rec, "in 2019, 2020, 2021") == []


def test_a_phone_number_read_out_in_another_language() -> None:
    rec = SpokenPhoneRecognizer()
    text = "Mi número es cero siete siete cero cero, nueve cero cero, cuatro uno siete. Sí."
    assert _found(rec, text) == ["cero siete siete cero cero, nueve cero cero, cuatro uno siete"]
    text = "zero siedem siedem zero zero, dziewięć zero zero, trzy jeden osiem"
    assert _found(rec, text) == [text]
    # Too few digits for a phone number.
    assert _found(rec, "cuatro uno siete, dice ella") == []


def test_a_digit_that_is_also_a_word_counts_only_between_digits_of_its_language() -> None:
    rec = SpokenPhoneRecognizer()
    # "um" is one in Portuguese, "dos" two in Spanish: digits between other digits of theirs.
    text = "O número é zero sete sete zero zero, nove zero zero, seis um quatro. Obrigado."
    assert _found(rec, text) == ["zero sete sete zero zero, nove zero zero, seis um quatro"]
    text = "es cero siete siete cero cero, nueve cero cero, dos cuatro seis"
    assert _found(rec, text) == [text[3:]]
    assert spoken_digits(["seis", "um", "quatro"]) == "614"
    assert spoken_digits(["seven", "um", "four"]) is None


def test_a_hesitation_inside_a_number_read_out() -> None:
    rec = SpokenPhoneRecognizer()
    text = "It's oh seven seven, um, double oh nine oh oh, er, four one two. Ta."
    assert _found(rec, text) == ["oh seven seven, um, double oh nine oh oh, er, four one two"]
    # Not a number: a hesitation between two ages.
    assert _found(rec, "I was seven, um, eight maybe") == []


def test_a_postcode_spelt_with_words_for_its_letters() -> None:
    from qualkit.deid.recognizers.uk import SpokenPostcodeRecognizer

    rec = SpokenPostcodeRecognizer()
    text = "That's S A one five, nine, Z for zebra, Q for Quebec. Old habits."
    assert _found(rec, text) == ["S A one five, nine, Z for zebra, Q for Quebec"]
    # The word must start with the letter it spells.
    assert _found(rec, "S A one five, nine, Z for the Q") == []


def test_a_phone_extension() -> None:
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = UkPhoneRecognizer()
    text = "ring kerry, she's on extension 2417, or Ext. 3301. The next text was 12 lines."
    assert _found(rec, text) == ["2417", "3301"]


def test_a_phone_number_read_out_before_a_sentence_of_numbers() -> None:
    rec = SpokenPhoneRecognizer()
    text = "Yes, oh eight oh eight, one five seven, oh four nine two. Twenty-four hours."
    assert _found(rec, text) == ["oh eight oh eight, one five seven, oh four nine two"]
    text = "It's oh seven seven double oh. Nine double oh. Three one two. Ta."
    assert _found(rec, text) == ["oh seven seven double oh. Nine double oh. Three one two"]


def test_pieces_of_a_phone_number_read_back() -> None:
    rec = SpokenPhoneRecognizer()
    text = "Q: so that's 07700 900381?\nA: Yes. Three eight one. It cost nine hundred."
    assert _found(rec, text) == ["Three eight one"]
    assert _found(rec, "Renata: Oh seven seven... [in Slovak]") == ["Oh seven seven"]
    # Digits that are in no number given in the text are counting, not a read-back.
    assert _found(rec, "Call 07700 900381 or count one two three.") == []


def test_social_handles_given_after_the_app() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    text = "use the new one or my snap is jo.k_mumz. or insta, it's jo dot kay twenty, ta"
    assert _found(rec, text) == ["jo.k_mumz", "jo dot kay twenty"]
    assert _found(rec, "I was on facebook 24 hours a day. ig it's fine.") == []
    text = "He'd check my snap map every hour. My snap was tee.x.bby then."
    assert _found(rec, text) == ["tee.x.bby"]
    text = "my snap was like tee dot lil zero seven, i deleted that one"
    assert _found(rec, text) == ["tee dot lil zero seven"]
    # Letters said before a handle said aloud are part of it ("a" is a word).
    text = "he made a new insta and the account was like t b underscore 98 and that"
    assert _found(rec, text) == ["t b underscore 98"]
    assert _found(rec, "on insta it's a jay underscore two") == ["jay underscore two"]
    # Spelt out letter by letter, with "underscore" or "dot", where an app is named.
    text = "just insta. R O R Y B, underscore, M L two. Then B B C, dot."
    assert _found(rec, text) == ["R O R Y B, underscore, M L two"]
    text = "my snap, its j, a, y, underscore, h, x, m, double nine. Or k, t, dot, double."
    assert _found(rec, text) == ["j, a, y, underscore, h, x, m, double nine"]
    # Each part said on its own, commas between; a dating app named.
    text = "add me on Snap innit. Kaydee, underscore, twenty-two, x. Got it, I'll add you."
    assert _found(rec, text) == ["Kaydee, underscore, twenty-two, x"]
    text = "I was on Grindr all night. Marcus had his own, mvers_sw19, and we"
    assert _found(rec, text) == ["mvers_sw19"]
    assert _found(rec, "Marcus had his own, mvers_sw19, and we") == []
    assert _found(rec, "On insta. It's spelt E I L I D H.") == []


def test_a_handle_read_back_spelt_out_or_written_without_its_at() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    text = "my Insta's @kaimarlz.beats, all one word, kai, m-a-r-l-z, dot beats. Ta."
    assert _found(rec, text) == ["@kaimarlz.beats", "kai, m-a-r-l-z, dot beats"]
    text = "My Insta's kayleigh.draws.x. K-A-Y-L-E-I-G-H dot draws dot x. Nice."
    assert _found(rec, text) == ["kayleigh.draws.x", "K-A-Y-L-E-I-G-H dot draws dot x"]
    text = "It's jayzo.fitz. @jayzo.fitz on Insta. And kai_dz04. Kai, underscore, dz, oh four."
    found = sorted(_found(rec, text), key=text.index)
    assert found == ["jayzo.fitz", "@jayzo.fitz", "kai_dz04", "Kai, underscore, dz, oh four"]
    # Only the handle's own letters, in order: not another word that shares some.
    assert _found(rec, "@kaimarlz.beats. kai marls dot beat. kaimarlz.beatsx") == [
        "@kaimarlz.beats"
    ]


def test_a_handle_told_back_with_words_between_its_parts() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    # The words of the handle said first are a name; the spelling after them, the handle.
    text = "A: snap's kaceyy.x07. so kacey with two ys, then a dot, then x, then zero seven\nQ:"
    assert _found(rec, text)[-2:] == ["kacey", "dot, then x, then zero seven"]
    text = "snap me. wallin_wez99. That's wallin with no G, underscore, W E Z, nine nine. Ta."
    assert "wallin" in _found(rec, text)
    text = "on insta. It's @roryb_ml2. Interviewer: M L two. Got it."
    assert _found(rec, text) == ["@roryb_ml2", "M L two"]
    # Not a word of the handle alone with a mark ("dot beat"), a letter after an apostrophe
    # ("it's in"), or a telling far from the handle.
    assert _found(rec, "@kaimarlz.beats. it's in my bio, dot beat.") == ["@kaimarlz.beats"]
    far = "snap me. wallin_wez99. " + "We talked about the weather for a long time. " * 5
    assert _found(rec, far + "wallin with no G, W E Z.") == ["wallin_wez99"]


def test_a_handle_said_after_at_and_one_word_given_as_a_name_on_an_app() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.words import Lexicon

    rec = SocialHandleRecognizer(RecognizerContext(lexicon=Lexicon(others=["private", "gone"])))
    text = "I'm on Telegram. Let me write it. At sasha underscore zp underscore mechanic?"
    assert _found(rec, text) == ["At sasha underscore zp underscore mechanic"]
    text = "my discord is mossandstatic and you can message me. her insta is private."
    assert _found(rec, text) == ["mossandstatic"]
    assert _found(rec, "my snap was gone after that") == []


def test_a_code_told_back_an_older_registration_and_capitals_after_a_word_for_a_code() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = CaseReferenceRecognizer()
    text = "my prison number was a4471dk, u say it all day. a four four seven one d k, yeah."
    assert _found(rec, text) == ["a4471dk", "a four four seven one d k"]
    # "twenty-four" is 24, too short to be told back.
    assert _found(rec, "It's MS2203X. Within twenty-four hours, it went.") == ["MS2203X"]
    assert _found(rec, "a Volvo, reg B614 TJV, and the van was TJV 614B.") == [
        "B614 TJV",
        "TJV 614B",
    ]
    text = "they'll need my staff code for the portal, that's SCWA 0419. And PIP 2019 was bad."
    assert _found(rec, text) == ["SCWA 0419"]
    assert _found(rec, "I said to the lady at the desk, it's MND 4417 I think.") == []
    text = "The Silver Dawn. KY three seven one. She was lovely. OK, three, two, one."
    assert _found(rec, text) == ["KY three seven one"]
    # Figures, a dash, then figures with a capital among them; not a date or a phone.
    text = "my UN number, 245-18C04471, and 2019-03-04 and 0800-123-4567."
    assert _found(rec, text) == ["245-18C04471"]


def test_a_word_shaped_like_a_handle_where_an_app_is_named() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    text = "Add me on Snapchat, it's easier. sam.kdz06. Email sam.k20@mail.com, v2.0, covid.19."
    assert _found(rec, text) == ["sam.kdz06"]
    assert _found(rec, "It's easier. sam.kdz06, same.") == []


def test_services_named_then_explained() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = GlossedNameRecognizer(RecognizerContext(lexicon=Lexicon(others=["big", "new"])))
    text = (
        "I'm with Rise, the drug service. After that, the beacon. that's a pupil referral "
        "unit. I went to the Lantern, the day centre. The hostel, the big project. The "
        "new one, a charity. I'm the owner, it's an independent pharmacy. With the GPs, the "
        "main surgery. There's a thing, the Brigid Project. The lad next door, the piano to "
        "the chapel."
    )
    assert _found(rec, text) == ["Rise", "beacon", "Lantern"]
    # "the bar" glosses a progress bar as often as a pub.
    assert _found(rec, "Q: That's lovely, the bar's moving. So before we start") == []


def test_organisations_named_in_lower_case() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import LowerNamedOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(
        nouns=["valley", "ferris", "trap", "orchard", "house", "centre", "college", "law"],
        others=["local", "sixth", "form", "called"],
    )
    gazetteer = Gazetteer(
        {"ferris": NameStats(first_best=700, first_gb=800), "law": NameStats(first_gb=5958)}
    )
    rec = LowerNamedOrganisationRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=gazetteer))
    text = (
        "i pick up from bevans chemist. shes at colne valley college. then ferris house. "
        "not the trap house or the orchard centre or the local college or sixth form college. "
        "a law centre. a thing called zephyrholt lodge. "
        "i go to mass at our lady of the rosary. the glenmore lodge hotel. the house hotel."
    )
    assert sorted(_found(rec, text)) == sorted(
        [
            "bevans chemist",
            "colne valley college",
            "ferris house",
            "zephyrholt lodge",
            "our lady of the rosary",
            "glenmore lodge",
            "glenmore lodge hotel",
        ]
    )


def test_lower_case_names_with_a_word_of_their_kind_and_pubs() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import LowerNamedOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(
        nouns=["furnace", "plough", "practice", "centre", "health", "day", "job", "inn"],
        others=["medical", "general", "strong", "held", "plough"],
    )
    rec = LowerNamedOrganisationRecognizer(RecognizerContext(lexicon=lexicon))
    text = (
        "i'm at brookvale medical practice. then the furnace arms, and the plough inn. "
        "not the health centre or the general practice or her medical practice, "
        "not the strong arms, not in the arms, not with my arms."
    )
    assert sorted(_found(rec, text)) == sorted(
        ["brookvale medical practice", "furnace arms", "plough inn"]
    )


def test_hospital_wards_by_number_or_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import WardRecognizer
    from qualkit.deid.words import Lexicon

    rec = WardRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["oak", "ash"])))
    text = (
        "I was on Ward 27 for a week, then Ash ward, then on oak ward. "
        "Not the labour ward, not a psychiatric ward, and not the ward itself. Then ward f7."
    )
    assert _found(rec, text) == ["Ward 27", "ward f7", "Ash ward", "oak ward"]
    # In lower case, a word that is no English word names a ward; a kind of ward does not.
    text = "mainly marlow ward and hythe ward, sometimes the renal ward or the oncology ward."
    assert _found(rec, text) == ["marlow ward", "hythe ward"]


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        (
            "She's in her sixties now, and he's in his early twenties.",
            ["sixties", "early twenties"],
        ),
        ("he played up till his mid-thirties", ["mid-thirties"]),
        (
            "A young man, early twenties, came in. Typically, male, thirties and forties.",
            ["early twenties", "thirties", "forties"],
        ),
        ("It was the early nineties. Men and women, late at night.", []),
        ("my mate, fifty-something, thirty-odd years of age", ["fifty-something", "thirty-odd"]),
        ("It was in the sixties, thirty-odd years ago.", []),
        ("INT: how old were you then?\n\nrob  1:40\nabout twenty-eight? 2008.", ["twenty-eight"]),
        ("INT: How old is he now?\n\nP1: I don't know, we lost touch with the family.", []),
        ("How old were you?\n\n62\n00:05:09,533 --> 00:05:13,978\nNineteen.", ["Nineteen"]),
    ],
)
def test_ages_as_decades_and_answers(text: str, ages: list[str]) -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    assert [text[h.start : h.end] for h in AgeRecognizer().find(text)] == ages


def test_ages_said_in_other_languages() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    text = (
        "Tenho trinta e um anos. Fiquei três anos lá. Grâce avait sept ans, on a passé deux "
        "ans là-bas. Em nghỉ học năm mười lăm tuổi. Tengo treinta y cuatro años. Viví cinco "
        "años allí. Mam dwadzieścia trzy lata. Tengo cuarenta y un años. Mi hija tiene "
        "dieciséis, y el niño tiene nueve. Tiene dos hijos. Ele tem nove. I rang the "
        "Housing, once, by phone."
    )
    assert _found(AgeRecognizer(), text) == [
        "trinta e um",
        "sept",
        "mười lăm",
        "treinta y cuatro",
        "dwadzieścia trzy",
        "cuarenta y un",
        "dieciséis",
        "nueve",
        "nove",
    ]


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("I'd had my birthday inside. Your eighteenth in a cell.", ["eighteenth"]),
        ("It was just after your twenty-second, wasn't it?", ["twenty-second"]),
        ("For my 18th birthday. My fifteenth placement. His second time.", ["18th"]),
        ("He's ill and he looks seventy. It looks like 20 quid.", ["seventy"]),
        ("I call it being seventy-three and tired. Being 20 minutes late.", ["seventy-three"]),
        ("Mostly men, between about forty and seventy, farmers.", ["forty", "seventy"]),
        ("People between 9 and 5. Men between two and three miles away.", []),
    ],
)
def test_ages_by_birthday_look_and_range(text: str, ages: list[str]) -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    assert _found(AgeRecognizer(), text) == ages


def test_an_age_said_again_nearby() -> None:
    from qualkit.deid.analyzer import AGE, REPEATED_AGE, _repeated_ages
    from qualkit.deid.spans import Detection

    text = (
        "I was sixteen. Sixteen and some months. He says he is 38. Thirty-nine in the summer. "
        "There were sixteen months of waiting and forty of us. Nearly seventeen."
    )
    seeds = [
        Detection(text.index("sixteen"), text.index("sixteen") + 7, AGE, 0.8, "Age", 20),
        Detection(text.index("38"), text.index("38") + 2, AGE, 0.8, "Age", 20),
    ]
    found = [
        text[d.start : d.end] for d in _repeated_ages(text, seeds) if d.recognizer == REPEATED_AGE
    ]
    assert found == ["Sixteen", "Thirty-nine", "seventeen"]
    # Not the number of a thing: "under Section 17", "in Year 17".
    text = "He was 17, put out by his stepdad. Under Section 17, and in room 17, he waited."
    seeds = [Detection(text.index("17"), text.index("17") + 2, AGE, 0.8, "Age", 20)]
    assert [d for d in _repeated_ages(text, seeds) if d.recognizer == REPEATED_AGE] == []


def test_capitalised_possessive_without_its_apostrophe() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "i didnt know. Dean left. i wasnt ok. Deans mum rang me. the deans office. i cant.\n"
    seed = Detection(text.index("Dean left"), text.index("Dean left") + 4, "PERSON", 0.8, "X")
    prop = Propagator(Lexicon())
    found = [text[d.start : d.end] for d in prop.mentions(text, prop.terms_from(text, [seed]))]
    assert "Deans" in found
    assert "deans" not in found


def test_a_name_with_an_s_gets_the_name_s_pseudonym() -> None:
    from qualkit.deid.anonymize import Pseudonymiser

    first = Pseudonymiser()
    dean = first.pseudonym("PERSON", "Dean")
    assert first.pseudonym("PERSON", "Deans") == dean
    # Either order: the form with an "s" seen first is the same person.
    second = Pseudonymiser()
    deans = second.pseudonym("PERSON", "Deans")
    assert second.pseudonym("PERSON", "Dean") == deans
    assert second.pseudonym("PERSON", "Pearl") != deans


def test_a_lower_case_word_used_as_a_word() -> None:
    from qualkit.deid.textutil import used_as_a_word

    text = "Mason is my son. He's a mason now. i said mason come here. Before dawn."
    assert used_as_a_word(text, text.index("mason now"))
    assert used_as_a_word(text, text.index("dawn"))
    assert not used_as_a_word(text, text.index("mason come"))
    text = "i'm not fixed. but there's hope. hope rang me."
    assert used_as_a_word(text, text.index("hope"))
    assert not used_as_a_word(text, text.index("hope rang"))


def test_irish_surnames_are_not_contractions() -> None:
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["o", "clock"], extra=["o'clock", "didn't"])
    assert not lexicon.is_known("o'hagan")
    assert lexicon.is_known("o'clock")
    assert lexicon.is_known("didn't")


def test_names_said_to_someone() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import VocativeRecognizer
    from qualkit.deid.words import Lexicon

    rec = VocativeRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["ham", "fine"])))
    text = (
        '"You\'ll be next, Tel." Got it, thanks, Ham. Thanks, Mum. Yes, Doctor! '
        "It was fine, Fine. Okay, Jodie?"
    )
    assert _found(rec, text) == ["Tel", "Jodie"]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Nineteen seventy-four to ninety-six.", ["Nineteen seventy-four to ninety-six"]),
        ("When she died. Two thousand and eleven. Cancer.", ["Two thousand and eleven"]),
        (
            "That was the summer of twenty twenty-one.",
            ["twenty twenty-one", "summer of twenty twenty-one"],
        ),
        ("I came over on the boat in sixty-seven, I was", ["sixty-seven"]),
        ("the eleventh of May, nineteen and fifty, and", ["nineteen and fifty"]),
        ("I was twenty twenty-one maybe, in care until twenty-one.", []),
        ("It cost two thousand quid, in twenty-five minutes, a man of seventy-nine.", []),
        ("When was that? That were two thousand and sixteen.", ["two thousand and sixteen"]),
        ("She was twenty, twenty-one then.", []),
        (
            "It was twenty sixteen, or around twenty seventeen.",
            ["twenty sixteen", "twenty seventeen"],
        ),
    ],
)
def test_years_said_in_words(text: str, years: list[str]) -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    found = [text[h.start : h.end] for h in CalendarDateRecognizer().find(text)]
    # (The date "eleventh of May" is found by another pattern.)
    assert [y for y in found if "May" not in y] == years


def test_short_forms_of_a_first_name() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = (
        "On the street I'm Crystal. Ask Hamid. Tell them crys said it's ok. Thanks, Ham.\n"
        "Crys x\nHam is cheap. I had ham. Hamidou came. The ham went off.\n"
    )
    seeds = [
        Detection(text.index(w), text.index(w) + len(w), "PERSON", 0.8, "X")
        for w in ("Crystal", "Hamid")
    ]
    names = {"crystal", "hamid"}
    prop = Propagator(Lexicon(nouns=["crys"], others=["ham"]), first_name=names.__contains__)
    found = [
        (d.start, text[d.start : d.end]) for d in prop.mentions(text, prop.terms_from(text, seeds))
    ]
    for word in ("crys said", "Ham.", "Crys x"):
        assert (text.index(word), word.split()[0].rstrip(".")) in found
    # A common word in lower case or starting a sentence is the word.
    assert (text.index("Ham is"), "Ham") not in found
    assert (text.index("ham."), "ham") not in found
    # Short forms of a word that is no common first name only as before: capitalised.
    plain = Propagator(Lexicon(nouns=["crys"], others=["ham"]))
    starts = [d.start for d in plain.mentions(text, plain.terms_from(text, seeds))]
    assert text.index("crys said") not in starts and text.index("Ham.") not in starts


def test_a_name_followed_by_where_they_are_from() -> None:
    from qualkit.deid.textutil import followed_like_name

    text = "Hope off the van said so. Hope so. Will from the council. Hope for the best."
    assert followed_like_name(text, text.index(" off"))
    assert followed_like_name(text, text.index(" from"))
    assert not followed_like_name(text, text.index(" so."))
    assert not followed_like_name(text, text.index(" for"))


def test_an_age_given_by_comparison() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    text = "He was a bit older, like sixteen when I was 13. She's younger than me, like twelve."
    assert _found(rec, text) == ["13", "sixteen", "twelve"]
    assert _found(rec, "She's older than me, 5 years. He's younger, like two minutes.") == []


def test_the_age_of_a_detected_person() -> None:
    from qualkit.deid.analyzer import _ages_of_people
    from qualkit.deid.spans import Detection

    text = (
        "just the two. tiernan's seven  Q: and Jack and Tyler, they're nine and six. "
        "Dave's two kids. tiernan wants to go."
    )
    spans = [("tiernan's", "LOCATION"), ("Tyler", "PERSON"), ("Dave", "PERSON")]
    dets = [Detection(text.index(n), text.index(n) + len(n), kind, 0.8, "X") for n, kind in spans]
    ages = [text[d.start : d.end] for d in _ages_of_people(text, dets) if d.type == "AGE"]
    assert ages == ["nine", "six"]
    # Taken for a person elsewhere in the text, "tiernan" is a person here too.
    at = text.rindex("tiernan")
    dets.append(Detection(at, at + 7, "PERSON", 0.9, "X"))
    ages = [text[d.start : d.end] for d in _ages_of_people(text, dets) if d.type == "AGE"]
    assert ages == ["seven", "nine", "six"]
    # A person and a number in a list of ages.
    text = "Hala is eleven, Omar seven, and Lina is three. Sami, Omar seven times."
    spans = [("eleven", "AGE"), ("Omar", "PERSON"), ("three", "AGE")]
    dets = [Detection(text.index(n), text.index(n) + len(n), kind, 0.8, "X") for n, kind in spans]
    at = text.rindex("Omar")
    dets.append(Detection(at, at + 4, "PERSON", 0.9, "X"))
    ages = [text[d.start : d.end] for d in _ages_of_people(text, dets) if d.type == "AGE"]
    assert ages == ["eleven", "seven", "three"]
    # A number set off by a comma after a person, ending the clause.
    text = "And the little one, Ionut, four. And Dean, two of them came. Numb, first. Cara, 3."
    dets = [
        Detection(text.index(n), text.index(n) + len(n), "PERSON", 0.8, "X")
        for n in ("Ionut", "Dean", "Numb", "Cara")
    ]
    ages = [text[d.start : d.end] for d in _ages_of_people(text, dets) if d.type == "AGE"]
    assert ages == ["four"]


def test_address_lines_before_a_postcode() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import AddressLinesRecognizer

    rec = AddressLinesRecognizer(RecognizerContext())
    text = (
        "Send it to us, it's the office, Unit 4, Larkfield Trading Estate, S60 9ZX, or "
        "email. Or post it to 27 Millbrook Row, BT28 9ZQ. its flat 3, 27 Carr Walk, NG7 4QX. "
        "My postcode is b35 9zq, ok."
    )
    assert _found(rec, text) == [
        "Unit 4, Larkfield Trading Estate",
        "27 Millbrook Row",
        "flat 3, 27 Carr Walk",
    ]


def test_role_labels_and_their_short_forms_are_not_names() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import SpeakerLabelRecognizer
    from qualkit.deid.words import Lexicon

    rec = SpeakerLabelRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = (
        "Interpreter: He says yes.\nINTERP: Yes.\nTranscription: typed.\nMehari: Yes.\n"
        "Mehari: No.\nTran: ok.\nInterpreter: Fine.\n"
    )
    assert _found(rec, text) == ["Mehari", "Mehari", "Tran"]


def test_language_names_that_are_no_british_name() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats

    gazetteer = Gazetteer(
        {
            "french": NameStats(last_gb=900),
            "shona": NameStats(first_gb=700),
            "kurdish": NameStats(last_gb=10128),
        }
    )
    names = gazetteer.language_names()
    assert {"Tigrinya", "Slovak", "Pushto", "Polish", "Kurdish"} <= set(names)
    # The English names CLDR gives the languages too ("[speaks Pashto]").
    assert {"Pashto", "Dari", "Punjabi"} <= set(names)
    assert "French" not in names and "Shona" not in names
    assert Gazetteer().language_names() == []


def test_an_honorific_is_left_before_the_name() -> None:
    from qualkit.deid.analyzer import _without_honorific
    from qualkit.deid.spans import Detection

    text = "Dr Mensah and Mrs. Pugh, Mr, and Doctor Who."
    spans = {
        w: Detection(text.index(w), text.index(w) + len(w), "PERSON", 0.8, "X")
        for w in ("Dr Mensah", "Mrs. Pugh", "Mr", "Doctor Who")
    }
    out = {w: text[(d := _without_honorific(text, det)).start : d.end] for w, det in spans.items()}
    assert out == {"Dr Mensah": "Mensah", "Mrs. Pugh": "Pugh", "Mr": "Mr", "Doctor Who": "Who"}
    place = Detection(0, 9, "LOCATION", 0.8, "X")
    assert _without_honorific(text, place) == place


def test_a_law_is_known_by_its_shape() -> None:
    from qualkit.deid.analyzer import _LAW

    laws = ["Modern Slavery Act", "the Modern Slavery Act 2015", "Housing (Wales) Act 2014"]
    assert all(_LAW.fullmatch(t) for t in laws)
    assert not any(_LAW.fullmatch(t) for t in ["Act", "Acton Lodge", "the act"])


def test_an_age_followed_by_the_next_age() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    assert _found(rec, "by the time i was twenty three twenty four it was") == ["twenty three"]
    assert _found(rec, "i was 5 20 minutes late") == []


def test_flat_numbers_with_floor_and_door_and_named_blocks() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import BuildingRecognizer, StreetRecognizer
    from qualkit.deid.words import Lexicon

    context = RecognizerContext(lexicon=Lexicon())
    street = StreetRecognizer(context)
    text = "It's flat 2 stroke 1, 19 Brackenlea Gardens. He's at 2/1 Kelso Street. "
    assert _found(street, text) == ["flat 2 stroke 1, 19 Brackenlea Gardens", "2/1 Kelso Street"]
    building = BuildingRecognizer(context)
    assert _found(building, "Flat 9, Ashgrove Court. Is okay.") == ["Flat 9, Ashgrove Court"]
    assert _found(street, "i had a stroke in 2019 and one stroke 2 later") == []
    lower = "it's 4 thornbank cottages, eamont road, penrith."
    assert _found(street, lower)[0] == "4 thornbank cottages"


def test_a_name_written_with_hyphens_is_the_name() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon(nouns=["wilding"]))
    text = 'Oksana here. They say "Ok-SAN-a". He spelt W-I-L-D-I-N-G. Wilding threw me out.'
    dets = [
        Detection(0, 6, "PERSON", 0.9, "X"),
        Detection(text.index("W-I"), text.index("W-I") + 13, "PERSON", 0.9, "X"),
    ]
    found = {text[d.start : d.end] for d in prop.mentions(text, prop.terms_from(text, dets))}
    assert {"Oksana", "Ok-SAN-a", "W-I-L-D-I-N-G", "Wilding"} <= found
    assert not found & {"They", "He"}


def test_names_of_smaller_languages_that_name_nobody() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats

    gazetteer = Gazetteer({"bari": NameStats(place=300_000), "ewe": NameStats(first_best=900)})
    words = gazetteer.other_language_words()
    assert {"sylheti", "pahari"} <= words
    assert not {"bari", "ewe", "french"} & words
    assert not {"e", "u"} & words  # single letters are initials ("E." signing a letter)
    assert Gazetteer().other_language_words() == frozenset()


def test_dialect_words_and_family_words_from_other_languages_are_not_names() -> None:
    from qualkit.deid.words import KINSHIP, Lexicon

    lexicon = Lexicon()
    assert all(lexicon.is_common(w) for w in ("didnae", "gonnae", "tae", "owt", "everybody"))
    assert {"hooyo", "bhabi", "teyze"} <= set(KINSHIP)
    assert "anne" not in KINSHIP and not lexicon.is_common("moss")


def test_a_capitalised_word_after_the_is_not_spread_when_it_is_a_word() -> None:
    from qualkit.deid.analyzer import THE_NAMED
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon(others=["deaf"], nouns=["lantern"]))
    text = "School for the Deaf. I was born Deaf. At the Lantern. The Lantern again."
    dets = [
        Detection(text.index("Deaf"), text.index("Deaf") + 4, "ORGANIZATION", 0.5, THE_NAMED),
        Detection(text.index("Lantern"), text.index("Lantern") + 7, "ORGANIZATION", 0.5, THE_NAMED),
    ]
    found = [text[d.start : d.end] for d in prop.mentions(text, prop.terms_from(text, dets))]
    assert found == ["Lantern", "Lantern"]


def test_a_plural_noun_after_young_or_big_is_no_nickname() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.words import Lexicon

    nick = NicknameRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["farmer"])))
    text = "I was in the Young Farmers. Then Big Tam came round."
    assert _found(nick, text) == ["Big Tam"]


def test_a_surname_that_is_a_noun_after_a_first_name_that_is_no_word() -> None:
    from qualkit.deid.gazetteer import NameStats

    names = {"kev": NameStats(90, 120, 9, 0, 0, 0), "moss": NameStats(0, 0, 0, 144, 243, 9)}
    detector = _bare_detector(names)
    detector.lexicon = __import__("qualkit.deid.words", fromlist=["Lexicon"]).Lexicon(
        nouns=["moss"]
    )
    text = "the agent, kev moss, rang me. the moss is wet."
    found = detector._first_and_surnames(text, [])
    assert [text[d.start : d.end] for d in found] == ["kev moss"]


def test_a_surname_in_lower_case_ending_a_clause_after_a_detected_name() -> None:
    from qualkit.deid.gazetteer import NameStats
    from qualkit.deid.words import Lexicon

    names = {
        "price": NameStats(0, 0, 0, 90, 60, 9),
        "said": NameStats(0, 0, 0, 900, 400, 3),
        "home": NameStats(0, 0, 0, 5000, 3000, 1),
    }
    detector = _bare_detector(names)
    detector.lexicon = Lexicon(nouns=["price", "home"], others=["said"])
    text = "bethan price. then bethan said. then bethan home. then Bethan price."
    firsts = [i for i in range(len(text)) if text[i : i + 6].lower() == "bethan"]
    ends = [detector._lower_surname_after(text, s, s + 6, [(s, s + 6)], 0) for s in firsts]
    assert [text[s:e] for s, e in zip(firsts, ends, strict=True)] == [
        "bethan price",
        "bethan",
        "bethan",
        "Bethan",
    ]


def test_small_places_in_lower_case_after_from_or_in() -> None:
    from qualkit.deid.gazetteer import NameStats

    places = {"ullapool": NameStats(place=1500), "gorgie": NameStats(place=1200)}
    detector = _bare_detector(places)
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    lower = "i said no. i was scared. i didnt know. i left. i cried. "
    text = lower + "i'm fae ullapool. the gorgie lot were fine."
    sure, _ = detector._gazetteer_places(text, [])
    assert [text[d.start : d.end] for d in sure] == ["ullapool"]


def test_an_allowed_name_with_a_word_before_it_is_allowed() -> None:
    from qualkit.deid.analyzer import Detector

    detector = Detector.__new__(Detector)
    detector._allow_re = __import__("qualkit.deid.analyzer", fromlist=["x"])._phrase_regex(
        ["Universal Credit"]
    )
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    assert detector._allowed("No Universal Credit")
    assert not detector._allowed("Tam Universal")


def test_a_capitalised_word_alone_in_quotation_marks_is_a_possible_miss() -> None:
    from qualkit.deid.spans import Detection

    detector = _bare_detector({})
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    text = "Everyone thought \"Ghost\" was quiet. Tam's 'Big' one. \"Interpreter\" said 'Tam'."
    taken = [Detection(text.rindex("Tam"), text.rindex("Tam") + 3, "PERSON", 0.9, "X")]
    found = [text[d.start : d.end] for d in detector._quoted(text, taken)]
    assert found == ["Ghost", "Big"]


def test_a_house_number_said_in_words_makes_an_address() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "In flat three, nineteen Morvah Terrace. Before, number eleven, Wheal Tamsyn Close."
    assert _found(street, text) == [
        "flat three, nineteen Morvah Terrace",
        "number eleven, Wheal Tamsyn Close",
    ]
    # A time before a street name is no house number.
    assert _found(street, "I'll meet you at ten Market Street.") == ["Market Street"]
    # In lower case too, and a street after a number that is an age is only a street.
    said = "flat two, forty one ashcombe road. she was nineteen on ashcombe road."
    assert _found(street, said) == ["flat two, forty one ashcombe road", "ashcombe road"]


def test_a_postcode_read_out_letter_by_letter() -> None:
    from qualkit.deid.recognizers.uk import SpokenPostcodeRecognizer

    rec = SpokenPostcodeRecognizer()
    assert _found(rec, "it's l l thirteen nine z q. yep") == ["l l thirteen nine z q"]
    assert _found(rec, "N oh two, four A B, that's it") == ["N oh two, four A B"]
    # Letters and numbers that do not make a postcode's shape.
    assert _found(rec, "I got a b and a c in maths, four a b") == []
    assert _found(rec, "it was l l thirteen nine z") == []


def test_a_national_insurance_number_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenNinoRecognizer

    rec = SpokenNinoRecognizer()
    text = "I know it by heart. Q Q four six two nine one eight C. Said it that many times."
    assert _found(rec, text) == ["Q Q four six two nine one eight C"]
    assert _found(rec, "it's j t, 12 34 56, b") == ["j t, 12 34 56, b"]
    # A last letter past D, or too few numbers, is no National Insurance number.
    assert _found(rec, "Q Q four six two nine one eight E") == []
    assert _found(rec, "a b four six two nine c") == []


def test_a_home_office_reference_or_prison_number() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = CaseReferenceRecognizer()
    assert _found(rec, "the letter says B7740219, that's me") == ["B7740219"]
    assert _found(rec, "reference b1234567/2 on it") == ["b1234567/2"]
    assert _found(rec, "my prison number was A1234BC then") == ["A1234BC"]
    said = "His Home Office number. He says, B, seven seven four zero two one nine, he knows it"
    assert _found(rec, said) == ["B, seven seven four zero two one nine"]
    # Read out with no word for a case number before it, or "a" as a word before digits.
    assert _found(rec, "He says, B, seven seven four zero two one nine, he knows it") == []
    assert _found(rec, "my number is a 0 7 7 0 0 9 0 0 1 2 3") == []
    # Other shapes: too few digits, or a postcode.
    assert _found(rec, "the reference was B774 or LS6 2QT") == []
    # An online application's reference: "GWF" and nine digits, written or read out.
    assert _found(rec, "ref GWF045227819 on the top") == ["GWF045227819"]
    said = "It says, reference, G W F zero four five, two two seven, eight one nine."
    assert _found(rec, said) == ["G W F zero four five, two two seven, eight one nine"]
    assert _found(rec, "G W F zero four five, two two seven, eight one nine") == []


def test_a_reference_of_another_shape_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    said = "Is okay. Number is P R F four four seven one nine two. Is on paper."
    assert _found(rec, said) == ["P R F four four seven one nine two"]
    said = "the reference is CF 0412 stroke 77, and I can check"
    assert _found(rec, said) == ["CF 0412 stroke 77"]
    said = "this is the reference. It's H, one one four seven, zero nine two six, slash, one."
    assert _found(rec, said) == ["H, one one four seven, zero nine two six, slash, one"]
    # No word for a reference before it; "a" as a word; too few digits; no letter first;
    # letters in lower case that make a word.
    assert _found(rec, "He says, P R F four four seven one nine two, he knows it") == []
    assert _found(rec, "my number is a 0 7 7 0 0 9 0 0 1 2 3") == []
    assert _found(rec, "the case number was B 12 34 and that") == []
    assert _found(rec, "my number is oh seven seven double oh nine double oh") == []
    assert _found(rec, "my number is 12 34 56 78") == []
    assert _found(rec, "the reference is in four four seven one nine two") == []
    # A pause inside it; read back later without the word before it, with its "slash".
    said = (
        "He got a letter with a reference number. Is... H, four, four... one, seven, zero, "
        "nine, two. And slash, one.\n\nI'm sorry to hear that, I really am, and I know it "
        "is a long wait for everybody in the hotel.\n\nHe's saying H-four-four-one-seven-"
        "zero-nine-two, slash one. And P R F four four seven one nine two is not his."
    )
    assert _found(rec, said) == [
        "H, four, four... one, seven, zero, nine, two",
        "H-four-four-one-seven-zero-nine-two, slash one",
    ]


def test_a_year_said_short_after_a_month_or_a_year() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()

    def dates(text: str) -> set[str]:
        return {text[h.start : h.end] for h in rec.find(text)}

    assert "June eighty-two" in dates("I've never told anyone about June eighty-two.")
    assert "ninety-five" in dates("in my twenties, 1994, ninety-five, round the estate")
    said = dates("Nineteen ninety-one. Ninety-one. No, no, ninety-two.")
    assert {"Ninety-one", "ninety-two"} <= said
    # A day of the month, a comma after a name, a count, a number far from the year.
    assert dates("It was May thirty, or thereabouts") == set()
    assert dates("June, eighty-two she is") == set()
    assert dates("in 1990, forty of us") == {"1990"}
    assert dates("in 1994, sixty-two and still going") == {"1994"}


def test_a_date_said_in_another_language() -> None:
    from qualkit.deid.recognizers.numbers import OtherLanguageDateRecognizer

    rec = OtherLanguageDateRecognizer()
    text = "En noviembre del diecinueve. Noviembre de 2019. Antes de la pandemia."
    assert _found(rec, text) == ["noviembre del diecinueve", "Noviembre de 2019"]
    text = "Je suis arrivée le dix-sept mars deux mille dix-neuf."
    assert _found(rec, text) == ["dix-sept mars deux mille dix-neuf"]
    assert _found(rec, "urodziłam się 3 maja 1990 roku") == ["3 maja 1990"]
    # A month's name alone, or as a name or a word.
    assert _found(rec, "Hasta diciembre. Avril came round, and we saw Mars.") == []
    # The names kept in the cache folder are babel's.
    from qualkit.deid.recognizers.numbers import _months_from_babel, other_language_months

    assert other_language_months() == _months_from_babel()


def test_a_postcode_district_said_on_its_own() -> None:
    from qualkit.deid.recognizers.uk import QualkitUkPostcodeRecognizer

    rec = QualkitUkPostcodeRecognizer()

    def districts(text: str) -> list[str]:
        return [text[r.start : r.end] for r in rec.analyze(text, ["UK_POSTCODE"])]

    assert districts("nothing in the whole of the BT35 area. She went") == ["BT35"]
    assert districts("my postcode is CF47 now") == ["CF47"]
    # No word that says it is a district; a road; lower case; a label of letters and digits.
    assert districts("she is from BT35, she said") == []
    assert districts("the M6 area") == []
    assert districts("the bt35 area") == []
    assert districts("Transcribed by PR3 from the recording") == []


def test_a_place_heard_as_two_words() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import SplitPlaceRecognizer

    places = {w: NameStats(place=10_000) for w in ("rothwell", "redcar", "hartlepool", "togo")}
    lists = DeidLists(allow=["Hartlepool"])
    rec = SplitPlaceRecognizer(RecognizerContext(gazetteer=Gazetteer(places), lists=lists))
    assert _found(rec, "whiskers and paws, in roth well. its just tuesdays") == ["roth well"]
    assert _found(rec, "on the coke ovens at red car, then the blast furnace") == ["red car"]
    # No word for being in a place before it; a small word; the study's own area; words
    # that make no place.
    assert _found(rec, "the social worker had a red car") == []
    assert _found(rec, "we had nowhere in to go") == []
    assert _found(rec, "the bus through to Hartle pool to see me sister") == []
    assert _found(rec, "she lives in grange town now") == []


def test_words_of_another_language_in_a_transcript() -> None:
    from qualkit.deid.codeswitch import other_language_words
    from qualkit.deid.words import Lexicon

    english = Lexicon(others=["that's", "fine", "where", "it", "is", "my", "daughter", "she"])
    text = (
        "That's fine where it is. Mae o'n gofyn os dach chi'n ei glywed o'n iawn. "
        "Mae Sioned yn byw yng Nghaerdydd, ond mae hi'n iawn. My daughter. Sioned. She is fine."
    )
    words = {text[s:e] for s, e in other_language_words(text, english.is_known)}
    assert {"gofyn", "chi'n", "iawn", "Mae", "yn", "byw"} <= words
    # "Mae" opens a clause and is written in lower case elsewhere; names stay names:
    # capitalised inside a clause, or alone.
    assert not words & {"Sioned", "Nghaerdydd", "fine", "daughter"}
    # A text typed all in lower case gives no capital to tell a name by.
    lower = "i said so. i know. i did. i think so. i was. " + text.lower()
    assert other_language_words(lower, english.is_known) == []


def test_words_of_an_interpreted_language_are_told_by_their_stop_words() -> None:
    from qualkit.deid.codeswitch import other_language_words
    from qualkit.deid.words import Lexicon

    english = Lexicon(others=["she", "says", "the", "house", "is", "shared", "here", "in"])
    text = (
        "Participant: Maintenant j'habite dans une maison partagée, ici à Middlesbrough.\n"
        "Interpreter: She says the house is shared, here in Middlesbrough.\n"
        "Participant: Oui. Grâce et Exaucé sont avec ma mère. Merci.\n"
        "Participant: Elle dit merci à Solange."
    )
    words = {text[s:e] for s, e in other_language_words(text, english.is_known)}
    # A clause with several French stop words is French; once French is found, its stop
    # words and the words of its clauses are French in short clauses too.
    assert {"Maintenant", "j'habite", "dans", "une", "maison", "à", "et", "ma"} <= words
    assert {"Elle", "dit", "merci", "Merci"} <= words
    # Names stay names, and English stays English.
    assert not words & {"Grâce", "Exaucé", "Solange", "Middlesbrough", "She", "house"}
    # A name that is also a word of the language ("merveille") is a name where it is
    # capitalised after a comma, or opens a clause of English words.
    shared = (
        text + "\nParticipant: Oui, c'est une merveille.\n"
        "Interpreter: The little girl, Merveille, is seven. The children were crying, "
        "Merveille was sick on the boat."
    )
    english_words = "she says the house is shared here in little girl seven children were"
    more = Lexicon(others=[*english_words.split(), "crying", "was", "sick", "on", "boat"])
    words = {shared[s:e] for s, e in other_language_words(shared, more.is_known)}
    assert "merveille" in words and "Merveille" not in words
    # Without its language, or typed in lower case, nothing is taken.
    assert other_language_words(text, english.is_known, ("cy", "ga", "gd")) == []
    assert other_language_words("she says. " * 5 + text.lower(), english.is_known) == []


def test_a_cue_timing_is_no_date() -> None:
    from qualkit.deid.analyzer import _CLOCK, _MONTH_OR_YEAR

    assert _CLOCK.fullmatch("00:02:38.300") and _CLOCK.fullmatch("12:47")
    assert _MONTH_OR_YEAR.search("00:02:38.300")  # what the clock rule is there for
    assert not _CLOCK.fullmatch("3.6.2019")


def test_the_day_of_the_week_belongs_to_the_date() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    assert "Tue, 21 May 2024" in _found(rec, "Date: Tue, 21 May 2024\nMode: In person")
    assert "Tuesday 21st May 2024" in _found(rec, "It was Tuesday 21st May 2024, late.")


def test_a_day_of_the_month_on_its_own() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    assert _found(rec, "He was back in A&E on the 27th with pneumonia.") == ["27th"]
    assert _found(rec, "Good luck on the 2nd, I mean that.") == ["2nd"]
    assert "January, the 14th" in _found(rec, "In January, the 14th, near the shops.")
    # An ordinal that counts something else.
    assert _found(rec, "We were on the 2nd floor. It was the 3rd time.") == []


def test_a_word_spelt_out_after_a_word_or_with_commas() -> None:
    from qualkit.deid.recognizers.names import SpeltOutRecognizer

    rec = SpeltOutRecognizer()
    assert _found(rec, "It's spelt mad, like A-O-I-F-E, I don't know.") == ["A-O-I-F-E"]
    assert _found(rec, "it's S, I, A, N, yeah.") == ["S, I, A, N"]
    # Short lists of letters, and grades, are not spelt words.
    assert _found(rec, "I got A, B, B in my exams. Plan a, b, or c.") == []


def test_handles_with_an_underscore_or_two_dots_or_said_with_underscore() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    text = "On snap. Me old one was crocky_jay. Or shan.dee.xo. So jaydz underscore x zero nine?"
    assert _found(rec, text) == ["crocky_jay", "shan.dee.xo", "jaydz underscore x zero nine"]
    # Web addresses and abbreviations are not handles.
    assert _found(rec, "On snapchat. e.g. bbc.co.uk or www.thing.com, i.e. that.") == []


def test_a_lower_case_street_after_a_house_number() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon(others=["borough", "pound"])))
    text = "it's flat 2, 148 borough road, ch41 7zq."
    assert _found(street, text) == ["flat 2, 148 borough road"]
    assert _found(street, "i paid 5 pound road tax. a borough road.") == []
    # A street's kind that is also a word, after a word that is no common word and a house
    # number, ending the clause.
    street = StreetRecognizer(
        RecognizerContext(lexicon=Lexicon(nouns=["ferryman"], others=["people"]))
    )
    text = "shes moved, 12 ferryman close, its nice. 12 people close. 12 ferryman close by"
    assert _found(street, text) == ["12 ferryman close"]


def test_a_name_spelt_another_way_by_the_transcriber() -> None:
    from qualkit.deid.propagation import Propagator, one_edit_apart
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    assert one_edit_apart("ola", "olla") and one_edit_apart("kasia", "kasha")
    assert not one_edit_apart("ola", "ola") and not one_edit_apart("tom", "tomas")
    prop = Propagator(Lexicon(others=["dear"]))
    text = "About Ola. Olla, sorry, Ola. Dean rang. Dear me. Kasia and Kasha."
    dets = [
        Detection(6, 9, "PERSON", 0.9, "X"),
        Detection(text.index("Dean"), text.index("Dean") + 4, "PERSON", 0.9, "X"),
        Detection(text.index("Kasia"), text.index("Kasia") + 5, "PERSON", 0.9, "X"),
    ]
    found = {text[d.start : d.end] for d in prop.mentions(text, prop.terms_from(text, dets))}
    assert {"Olla", "Kasha"} <= found
    assert "Dear" not in found  # one letter from "Dean", but an English word


def test_rough_ages_and_a_baby_s_age_in_months() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    assert "sixty-odd" in _found(rec, "Who's going to be my guarantor at sixty-odd? Nobody.")
    assert "sixty-odd" in _found(rec, "There's a fella, Brian, sixty-odd, been clean a year.")
    assert _found(rec, "I spent forty-odd on it, twenty-odd years ago.") == []
    assert _found(rec, "And the bairn, she's fourteen month. I'd never met her.") == [
        "fourteen month"
    ]
    assert _found(rec, "shes 14 months now and her name is blessing") == ["14 months"]
    # Months that are no age.
    text = "She's eight months pregnant. She was six months in the hostel. It's 8 months."
    assert _found(rec, text) == []


def test_a_value_found_in_lower_case_text_only_is_a_word_in_a_cased_text() -> None:
    from qualkit.deid.propagation import Propagator, Term
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon())
    cased = (
        "I went oan the bus. It was late. I got aff at the shops. Then I saw Ondine. "
        "She was fine. I said hello. She said hello. We had tea. It was good. ondine laughed. "
        "I went hame. I slept. I was tired."
    )
    terms = {Term("PERSON", "oan", False), Term("PERSON", "aff", False)}
    terms |= {Term("PERSON", "ondine", False)}
    lower_only = {"oan", "aff", "ondine"}
    found = [cased[d.start : d.end] for d in prop.mentions(cased, terms, lower_only)]
    assert sorted(found) == ["Ondine", "ondine"]
    # Values also found in a transcript with capitals are masked wherever they are.
    found = [cased[d.start : d.end] for d in prop.mentions(cased, terms)]
    assert sorted(found) == ["Ondine", "aff", "oan", "ondine"]
    # A short text, or one typed in lower case, tells nothing by its capitals.
    short = "i grew up oan the hill."
    assert [short[d.start : d.end] for d in prop.mentions(short, terms, lower_only)] == ["oan"]


def test_welsh_and_irish_street_words_before_the_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon(others=["ground", "floor"])))
    assert _found(street, "I got my flat, flat 3, 27 Heol Sirhowy. Ground floor.") == [
        "flat 3, 27 Heol Sirhowy"
    ]
    assert _found(street, "the house in town, 43 heol y glyn, forty years") == ["43 heol y glyn"]
    assert _found(street, "She grew up on Bóthar na Trá by the sea.") == ["Bóthar na Trá"]


def test_a_unit_number_with_its_place_and_a_house_number_after_the_street() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon(others=["been", "said"])))
    found = _found(street, "so that's where i am. pitch 14, nant y fedw. been here years.")
    assert found == ["pitch 14, nant y fedw"]
    found = _found(street, "send it to room 12, the wyke foyer, staff will give it me.")
    assert found == ["room 12, the wyke foyer"]
    assert _found(street, "It's LN12 4XW. Samphire Close, number nine. Ta.") == [
        "Samphire Close, number nine"
    ]
    # A room's number before ordinary words names no place: the room alone is found.
    assert _found(street, "He was in room 12, said it was cold.") == ["room 12"]
    # A flat's number said in words, or with a house number after it; capitalised words
    # go on with the name even if they are words.
    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon(others=["rowan", "bank", "tower"])))
    text = "We did the locks at flat 6, 31 Rowan Bank. Then flat sixty-two, Cranmer Tower. Ta."
    assert _found(street, text) == ["flat 6, 31 Rowan Bank", "flat sixty-two, Cranmer Tower"]
    assert _found(street, "flat 6, 31 rowan bank, it was") == []


def test_an_email_address_read_out_ends_in_any_top_level_domain() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "And the email is outreach dot van at harbwr dot wales. Just turn up."
    assert _found(rec, text) == ["outreach dot van at harbwr dot wales"]
    text = "It's jo dot marsh at example dot org dot uk, ta."
    assert _found(rec, text) == ["jo dot marsh at example dot org dot uk"]
    # A last word that is no top-level domain ends nothing.
    assert _found(rec, "meet me at the centre dot dot dot whatever") == []


def test_ages_with_two_modifiers_in_the_past_and_of_babies_in_weeks_and_days() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    assert _found(rec, "Kieran, he's only about twenty-two but he's sound.") == ["twenty-two"]
    assert _found(rec, "I think he'd have been about twenty-five. What does he know.") == [
        "twenty-five"
    ]
    assert _found(rec, "I had a woman of eighty-two sitting there.") == ["eighty-two"]
    assert _found(rec, "the volunteers were all seventy-odd and tired") == ["seventy-odd"]
    assert _found(rec, "there were all twenty-odd of them") == []
    assert _found(rec, "shes young, shes like 25 lol, but she listens") == ["25"]
    assert _found(rec, "Ellie-Mae, she's thirteen weeks on Thursday.") == ["thirteen weeks"]
    assert _found(rec, "She was only eleven days old. The staff came.") == ["eleven days old"]
    # Weeks and days that are no age.
    assert _found(rec, "He's two weeks clean now. She was three days in the cells.") == []


def test_a_kind_of_service_then_its_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = GlossedNameRecognizer(RecognizerContext(lexicon=Lexicon(others=["upstairs"])))
    text = "we got her into the alcohol service, larkspur, they're good"
    assert _found(rec, text) == ["larkspur"]
    assert _found(rec, "I go to the day centre, upstairs. The hostel, mostly.") == []


def test_nicknames_given_by_others_and_a_first_name_after_a_role() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer, NicknameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["uncle", "police", "shona"], others=["back", "brilliant", "sadly"])
    names = {"shona": NameStats(first_best=422, first_gb=563, first_countries=10)}
    context = RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names))
    nick = NicknameRecognizer(context)
    text = "there was a lad, gari lori they called him, he drove for the farm."
    assert _found(nick, text) == ["gari lori"]
    text = "the line was run by this older fella they called uncle, i never met him."
    assert _found(nick, text) == ["uncle"]
    text = "The man they called the police on was gone. A woman they called back later."
    assert _found(nick, text) == []
    appos = AppositiveNameRecognizer(context)
    text = "we've got a really good link worker there, shona, who'll come across."
    assert _found(appos, text) == ["shona"]
    assert _found(appos, "My worker, brilliant, she was. The nurse, sadly, left.") == []


def test_a_season_or_holiday_before_a_year_a_day_of_the_month_and_road_numbers() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    dates = CalendarDateRecognizer()
    found = _found(dates, "i had a fall. christmas eve, it was, 2022. then on boxing day 2019")
    assert found == ["christmas eve, it was, 2022", "boxing day 2019"]
    assert "spring twenty eighteen" in _found(dates, "so it was sold. spring twenty eighteen.")
    # Above spaCy's score, so that spaCy's "the 27th" does not swallow it.
    hits = list(dates.find("back in A&E on the 27th with pneumonia"))
    assert [(h.start, h.end, h.score > 0.85) for h in hits] == [(19, 23, True)]
    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "a lay-by on the A6 near the farm, a services on the m62. Take the A1 form."
    assert _found(street, text) == ["A6", "m62"]
    text = "Because of where we are, the M11, and the A56 road. Print the A4 paper. My A5 pad."
    assert _found(street, text) == ["M11", "A56"]
    # A street's kind as a verb with its object.
    assert _found(street, "Mi is Winston. Mi drive the bus. I live on Castle drive.") == [
        "Castle drive"
    ]


def test_what_someone_is_called_is_a_possible_miss() -> None:
    from qualkit.deid.spans import Detection

    detector = _bare_detector({})
    detector._allow_words = frozenset()
    detector._acronyms = frozenset()
    text = (
        "they called him dopey. they called me dozy. call me em, everyone does. "
        "everyone calls me dan or chalky. call me back later. she called me a liar. "
        "I called her mum."
    )
    dan = text.index("dan")
    taken = [Detection(dan, dan + 3, "PERSON", 0.9, "X")]
    found = [text[d.start : d.end] for d in detector._given_names(text, taken)]
    assert found == ["dopey", "dozy", "em", "chalky"]


def test_allowed_phrases_are_found_only_where_a_first_word_starts() -> None:
    from qualkit.deid.analyzer import _first_words, _phrase_regex, _phrase_spans

    terms = ["Stoke-on-Trent", "A&E", "Women's Aid", "Job Centre Plus", "Job Centre"]
    pattern, firsts = _phrase_regex(terms), _first_words(terms)
    text = (
        "From stoke on trent to A&E, then Women's Aid and the job centre plus in "
        "Stoke-on-Trent's middle; not Stoke, not jobcentre, not a&eee."
    )
    assert pattern is not None and firsts is not None
    spans = _phrase_spans(pattern, firsts, text)
    assert spans == [m.span() for m in pattern.finditer(text)]
    assert [text[s:e] for s, e in spans] == [
        "stoke on trent",
        "A&E",
        "Women's Aid",
        "job centre plus",
        "Stoke-on-Trent's",
    ]
    # A term that starts with no letter or digit: the whole pattern is tried everywhere.
    assert _first_words(["#hashtag"]) is None


def test_an_allowed_town_before_the_postcode_is_no_part_of_the_address() -> None:
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import AddressLinesRecognizer

    rec = AddressLinesRecognizer(RecognizerContext(lists=DeidLists(allow=["Blackburn"])))
    text = "Send it to 57 Malvern Street, Blackburn, BB1 9ZX. Or Flat 2, Audley Range, BB1 9ZY."
    assert _found(rec, text) == ["57 Malvern Street", "Flat 2, Audley Range"]
    assert _found(rec, "It's Blackburn, BB1 9ZX, the office.") == []


def test_a_kinship_word_in_another_language_is_no_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import UnknownCapitalisedRecognizer
    from qualkit.deid.words import Lexicon

    rec = UnknownCapitalisedRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "And my mum is Ba, that's mum. Then Jo came round, and Ba cried."
    assert _found(rec, text) == ["Jo"]


def test_ten_digits_read_out_are_a_number_that_identifies() -> None:
    from qualkit.deid.recognizers.uk import QualkitNhsRecognizer

    rec = QualkitNhsRecognizer()
    text = "On my post-it, look, four eight five, seven seven seven, three oh two nine. Ta."
    assert _found(rec, text) == ["four eight five, seven seven seven, three oh two nine"]
    # A phone number read out is the phone recognizer's; counting is no number.
    assert _found(rec, "Ring oh seven seven oh oh, nine double oh, one two three.") == []
    assert _found(rec, "one, two, three, four, five, six, seven, eight, nine, ten.") == []


def test_an_address_read_back_and_a_domain_read_out() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "It's rudo.m.care44@example.com. Rudo dot M dot care four four. Or forty-four."
    assert _found(rec, text) == ["Rudo dot M dot care four four"]
    text = "Write to example dot n h s dot net. The dot com boom, dot dot dot."
    assert _found(rec, text) == ["example dot n h s dot net"]


def test_ages_of_children_and_a_title_with_an_initial() -> None:
    from qualkit.deid.recognizers.names import TitleNameRecognizer
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    ages = AgeRecognizer()
    text = "Kelly, two kids, three and six. The boys are nine and eleven. Two kids and three dogs."
    assert _found(ages, text) == ["three", "six", "nine", "eleven"]
    titles = TitleNameRecognizer()
    assert _found(titles, "Put Mr I Patel on it. Mr I think so.") == ["Mr I Patel"]


def test_a_pub_named_by_two_nouns() -> None:
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import CapitalisedPhraseRecognizer
    from qualkit.deid.words import Lexicon

    words = ["saddle", "spur", "mother", "baby", "gypsy", "traveller", "fox", "hounds"]
    lexicon = Lexicon(others=words)
    rec = CapitalisedPhraseRecognizer(RecognizerContext(lexicon=lexicon, lists=DeidLists()))
    text = "We went in the Saddle and Spur, then the Mother and Baby unit, the Fox & Hounds."
    assert _found(rec, text) == ["Saddle and Spur", "Fox & Hounds"]
    assert _found(rec, "For the Gypsy and Traveller families.") == []


def test_a_name_takes_in_a_lower_case_word_for_its_kind() -> None:
    from qualkit.deid.analyzer import _kinds_after
    from qualkit.deid.spans import Detection

    def kinds(text: str, name: str, kind: str = "PERSON") -> list[tuple[str, str]]:
        at = text.index(name)
        dets = _kinds_after(text, [Detection(at, at + len(name), kind, 0.8, "X")])
        return [(text[d.start : d.end], d.type) for d in dets]

    assert kinds("Is Fenmarsh growers, near", "Fenmarsh") == [("Fenmarsh growers", "ORGANIZATION")]
    assert kinds("at Cross Bank medical practice.", "Cross Bank", "LOCATION") == [
        ("Cross Bank medical practice", "ORGANIZATION")
    ]
    assert kinds("Doaba. Jalandhar district.", "Jalandhar") == [("Jalandhar district", "LOCATION")]
    # Any hospital in a town; a town's council; a word that only starts like a kind.
    assert kinds("I went to a Manchester hospital", "Manchester", "LOCATION") == [
        ("Manchester", "LOCATION")
    ]
    assert kinds("Brighton council were useless", "Brighton", "LOCATION") == [
        ("Brighton", "LOCATION")
    ]
    assert kinds("Dave teamed up with me", "Dave") == [("Dave", "PERSON")]
    # A person's name in lower case takes in no kind; a place or organisation in lower case
    # takes in a kind of organisation, not of place, and "saint" before it.
    assert kinds("then fenmarsh growers rang", "fenmarsh") == [("fenmarsh", "PERSON")]
    assert kinds("school is oakfield green primary same", "oakfield green", "LOCATION") == [
        ("oakfield green primary", "ORGANIZATION")
    ]
    assert kinds("its through nestwell lodgings", "nestwell", "ORGANIZATION") == [
        ("nestwell lodgings", "ORGANIZATION")
    ]
    assert kinds("they got me into saint bottles court", "bottles court", "ORGANIZATION") == [
        ("saint bottles court", "ORGANIZATION")
    ]
    assert kinds("lived in leeds district", "leeds", "LOCATION") == [("leeds", "LOCATION")]
    assert kinds("in leeds council they", "leeds", "LOCATION") == [("leeds", "LOCATION")]


def test_a_house_named_by_trees_in_lower_case() -> None:
    from qualkit.deid.recognizers.organisations import HouseNameRecognizer

    text = (
        "a children's home in carlisle, the beeches, then they sent me to the oaks in "
        "lancaster. we sat under the oaks, by the willows, near the pines road."
    )
    assert _found(HouseNameRecognizer(), text) == ["the beeches", "the oaks"]


def test_a_name_in_lower_case_after_its_called_ends_in_a_kind() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import CalledRecognizer
    from qualkit.deid.words import Lexicon

    rec = CalledRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["park", "way", "housing"])))
    text = "its called the park way lodge near the roundabout. it's called the housing service."
    assert _found(rec, text) == ["park way lodge"]


def test_a_word_after_a_kinship_word_then_an_age_is_a_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import KinshipNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = KinshipNameRecognizer(
        RecognizerContext(lexicon=Lexicon(nouns=["seagull", "iron", "honestly", "now"]))
    )
    text = "my daughter seagull shes six and the baby iron she's two. my son iron the shirts."
    assert _found(rec, text) == ["seagull", "iron"]
    assert _found(rec, "my daughter honestly she's six. my son now he's nine.") == []
    assert _found(rec, "my son seagull he's six months.") == []


def test_a_surname_that_is_a_noun_after_a_title_in_lower_case() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import TitleNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["cunningham", "chips"], others=["always"])
    rec = TitleNameRecognizer(RecognizerContext(lexicon=lexicon))
    lower = "i said no. i left. i was tired. "
    assert _found(rec, lower + "a mrs cunningham from mayo had it.") == ["mrs cunningham"]
    # "miss" is a verb as well; a word that is no noun is no surname.
    assert _found(rec, lower + "i miss chips. mrs always said so.") == []


def test_a_name_given_after_a_person_and_called() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["smiler", "police"], others=["yesterday"])
    rec = IntroducedNameRecognizer(RecognizerContext(lexicon=lexicon))
    lower = "i said no. i left. i was tired. "
    assert _found(rec, lower + "theres a guy called smiler. he knows.") == ["smiler"]
    assert _found(rec, lower + "a woman called yesterday. a man called the police.") == []
    # A word for a mother in another language is what she is called, not her name.
    assert _found(rec, "The children call her Hooyo, it means mother.") == []


def test_a_childs_age_after_of() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    text = "a girl of fifteen and a boy of twelve should not share a room"
    assert _found(rec, text) == ["fifteen", "twelve"]
    assert _found(rec, "he was a man of one word, a man, maybe ten, came") == []


def test_a_phone_number_after_a_word_that_is_also_a_digit() -> None:
    rec = SpokenPhoneRecognizer()
    text = "Yeah it's just this one, oh seven seven double oh, nine double oh, three one four."
    assert _found(rec, text) == ["oh seven seven double oh, nine double oh, three one four"]
    assert _found(rec, "I had one, two, three, four, five, six goes at it.") == []


def test_a_phone_number_read_out_in_groups_joined_by_an_ellipsis() -> None:
    rec = SpokenPhoneRecognizer()
    text = "It's oh seven seven double oh... nine double oh… four one seven. Thanks."
    assert _found(rec, text) == ["oh seven seven double oh... nine double oh… four one seven"]
    assert _found(rec, "it was one... two... three... four... five... six") == []


def test_an_email_address_spelt_letter_by_letter() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "Yes. My email is c, a, l, l, u, m, dot, h, o, l, t, zero one, at outlook dot com. Ta."
    assert _found(rec, text) == ["c, a, l, l, u, m, dot, h, o, l, t, zero one, at outlook dot com"]
    # Spelt letters count as no words; eight words are the most a local part takes.
    text = "so we all went round and had our tea and then jo at example dot org rang"
    assert _found(rec, text) == ["round and had our tea and then jo at example dot org"]


def test_lower_case_months_that_are_also_words() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    text = "the shelter is closing end of march. seventeen in may, naw wait. since june i've been"
    assert _found(rec, text) == ["march", "may", "june"]
    assert _found(rec, "this may be hard. in may be honest. by march on. i may go.") == []


def test_an_age_after_was_as_scots_write_it() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    assert _found(rec, "Kyle had let him in. He wis nine at the time.") == ["nine"]
    assert _found(rec, "i woz 15 when i left") == ["15"]


def test_lower_case_organisations_named_after_a_surname() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import LowerNamedOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["hargreaves", "chemist"], others=["street", "corner", "green"])
    names = {
        "hargreaves": NameStats(last_best=593, last_gb=593),
        "green": NameStats(last_best=20, last_gb=30),
        "castlegate": NameStats(),
    }
    rec = LowerNamedOrganisationRecognizer(
        RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names))
    )
    text = "the chemist on the corner, hargreaves pharmacy. sent down at castlegate crown court."
    assert _found(rec, text) == ["hargreaves pharmacy", "castlegate crown court"]
    # A surname that is an everyday word names no pharmacy on its own.
    assert _found(rec, "the green pharmacy on the corner") == []


def test_a_lower_case_first_name_said_to_hold_a_role() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer
    from qualkit.deid.words import Lexicon

    names = {
        "raj": NameStats(first_best=6, first_countries=10),
        "sunny": NameStats(first_countries=9),
    }
    lexicon = Lexicon(others=["sunny", "lovely"])
    rec = AppositiveNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names)))
    text = "and the psychologist was raj, he was the one. my worker was sunny, she was lovely."
    assert _found(rec, text) == ["raj"]


def test_a_word_at_either_end_of_a_list_of_names() -> None:
    from qualkit.deid.gazetteer import NameStats
    from qualkit.deid.spans import Detection

    names = {"shahed": NameStats(first_best=199, first_countries=10)}
    detector = _bare_detector(names, common=["three", "boys", "brilliant"])
    text = "Three boys. Shahed, Rumon, Ashik. And Dave, Sarah, Brilliant."
    seeds = [
        Detection(text.index(w), text.index(w) + len(w), "PERSON", 0.8, "SpacyRecognizer")
        for w in ("Rumon", "Ashik", "Dave", "Sarah")
    ]
    found = detector._listed_names(text, seeds)
    assert sorted(text[d.start : d.end] for d in found) == [
        "Ashik",
        "Dave",
        "Rumon",
        "Sarah",
        "Shahed",
    ]
    # One detected name and a comma make no list.
    assert detector._listed_names("Shahed, Rumon.", seeds[:1]) == seeds[:1]


def test_place_names_of_more_than_one_word() -> None:
    from qualkit.deid.gazetteer import NameStats, place_key
    from qualkit.deid.spans import Detection

    assert place_key("Barrow-in-Furness") == "barrow in furness"
    places = {"ellesmere port": NameStats(place=65430), "wood green": NameStats(place=28453)}
    detector = _bare_detector(places, common=["wood", "green", "port"])
    lower = "i said no. i was scared. i didnt know. i left. i cried. "
    text = lower + "my dad drank, in ellesmere port. the wood green paint."
    port = text.index("port")
    seed = Detection(port, port + 4, "LOCATION", 0.5, "SpacyRecognizer")
    kept, sure, unsure = detector._gazetteer_place_phrases(text, [seed], [])
    assert kept == []
    assert [text[d.start : d.end] for d in sure] == ["ellesmere port"]
    assert [text[d.start : d.end] for d in unsure] == ["wood green"]


def test_what_a_group_calls_someone_is_a_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.words import Lexicon

    nick = NicknameRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["stack", "finger"])))

    def found(text: str) -> list[str]:
        return [text[h.start : h.end] for h in nick.find(text)]

    assert found("There was this older one, we called him stacks. He was alright.") == ["stacks"]
    assert found("we called him fingers 'cause he were always robbing") == ["fingers"]
    assert found("Everybody calls us Tosher.") == ["Tosher"]
    # Not where the words go on, nor a kinship word, a title or a function word.
    assert found("They called me a liar.") == []
    assert found("They called me grandad. People call us names. We call him that.") == []
    assert found("she calls me hun.") == []


def test_a_service_of_ordinary_words_after_with_and_glossed() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    # Ordinary words all: only what is around them makes them a name.
    lexicon = Lexicon(nouns=["office"], others=["new", "leaf", "bridge", "church"])
    rec = GlossedNameRecognizer(RecognizerContext(lexicon=lexicon))

    def found(text: str) -> list[str]:
        return [text[h.start : h.end] for h in rec.find(text)]

    assert found("they got me on a script with new leaf, the drug service.") == ["new leaf"]
    assert found("on methadone now through the bridge, the drug and alcohol service") == ["bridge"]
    # Not without the word that leads to it, nor where the gloss runs on.
    assert found("new leaf, the drug service.") == []
    assert found("I went to church, the housing office said no.") == []
    # "and" joins words of the kind, never a second noun phrase.
    assert found("people from Europe, the farm workers and the factory") == []


def test_welsh_names_of_organisations() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import WelshOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    rec = WelshOrganisationRecognizer(
        RecognizerContext(lexicon=Lexicon(others=["properly", "cam"]))
    )

    def found(text: str) -> list[str]:
        return [text[h.start : h.end] for h in rec.find(text)]

    assert found("ioan's in ysgol bryn coed now") == ["ysgol bryn coed"]
    assert found("it was lloches y wennol properly. out west") == ["lloches y wennol"]
    assert found("i go to prosiect cam ymlaen, it's the drug service") == ["prosiect cam ymlaen"]
    assert found("I met Nia at Capel y Graig on a thursday") == ["Capel y Graig"]
    # A Welsh joining word ends the name; a kind alone is no name.
    assert found("i'r capel ar y Sul") == []
    assert found("the ysgol in town") == []


def test_a_name_after_a_role_and_called() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = IntroducedNameRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["mare"])))
    text = "the staff were good. a support worker called mared, and a lady who did the art"
    assert _found(rec, text) == ["mared"]
    # A word after "called" alone may be anything ("the nurse called back").
    assert _found(rec, "a place called mared, by the sea") == []


def test_the_short_form_of_a_ward_or_womens_centre_is_spread() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "i was on kestrel ward. then the rowen womens centre. kestrel was loud. the rowen too."
    ward, centre = text.index("kestrel ward"), text.index("rowen womens centre")
    seeds = [
        Detection(ward, ward + 12, "ORGANIZATION", 0.8, "WardRecognizer"),
        Detection(centre, centre + 19, "ORGANIZATION", 0.8, "LowerNamedOrganisationRecognizer"),
    ]
    prop = Propagator(Lexicon(nouns=["kestrel"]))
    terms = prop.terms_from(text, seeds)
    assert {t.text for t in terms} >= {"kestrel", "rowen"}
    found = [text[d.start : d.end] for d in prop.mentions(text, terms)]
    assert found.count("kestrel") == 1 and found.count("rowen") == 1


def test_a_written_account_signed_with_a_name_or_an_initial() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import SignOffRecognizer
    from qualkit.deid.words import Lexicon

    rec = SignOffRecognizer(RecognizerContext(lexicon=Lexicon(others=["bye"], nouns=["jay"])))
    account = "thats all i want to say. thank u for reading.\n\n"
    assert _found(rec, account + "Daz\n") == ["Daz"]
    assert _found(rec, account + "M x\n") == ["M"]
    assert _found(rec, account + "Jay") == ["Jay"]
    # An ordinary word, a kiss alone, or a lower-case English word signs nobody.
    assert _found(rec, account + "Bye.\n") == []
    assert _found(rec, account + "x\n") == []
    assert _found(rec, account + "jay\n") == []
    assert _found(rec, "I'm going to buy lyla some new wellies.") == []


def test_a_numbered_street_of_several_words_in_lower_case() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer

    rec = StreetRecognizer()
    assert _found(rec, "they moved us. Number 23 whin fell close. Mould.") == [
        "Number 23 whin fell close"
    ]
    assert _found(rec, "it was flat 4 19 cran leigh road, top floor") == [
        "flat 4 19 cran leigh road"
    ]
    # Function words between the number and the suffix make no street's name.
    assert _found(rec, "I got the number 9 bus down the road") == []


def test_a_date_said_as_three_numbers() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    assert _found(rec, "<v Participant>Twelve, zero three, seventy-six.") == [
        "Twelve, zero three, seventy-six"
    ]
    assert _found(rec, "Born zero three, zero six, zero four, you want that?") == [
        "zero three, zero six, zero four"
    ]
    assert _found(rec, "Interviewer: So 12 03 76. Lovely.") == ["12 03 76"]
    # A phone number read out in groups is no date.
    assert _found(rec, "it's oh two oh, seven nine four six, oh three eight two") == []
    assert _found(rec, "oh one nine one, four nine eight, oh two six one") == []
    assert _found(rec, "the number is 0113 496 0572") == []


def test_the_short_forms_of_a_study_area() -> None:
    from qualkit.deid.lists import short_form_of

    assert short_form_of("Donny", "Doncaster") == "pet"
    assert short_form_of("Killie", "Kilmarnock") == "pet"
    assert short_form_of("dunfy", "Dunfermline") == "pet"
    assert short_form_of("Wakey", "Wakefield") == "pet"
    assert short_form_of("MK", "Milton Keynes") == "initials"
    assert short_form_of("Stoke", "Stoke-on-Trent") == "first"
    assert short_form_of("Newcastle", "Newcastle upon Tyne") == "first"
    # The area itself, another place, a later word, or initials not in capitals.
    assert short_form_of("Doncaster", "Doncaster") is None
    assert short_form_of("Torbay", "Torquay") is None
    assert short_form_of("Merthyr", "Merthyr Tydfil") == "head"
    assert short_form_of("Milton", "Milton Keynes") == "head"
    assert short_form_of("Keynes", "Milton Keynes") is None
    assert short_form_of("mk", "Milton Keynes") is None
    assert short_form_of("Dony", "Doncaster") == "pet"
    assert short_form_of("Doy", "Doncaster") is None


def test_a_flat_room_or_pitch_number_said_alone() -> None:
    from qualkit.deid.recognizers.numbers import house_numbers

    def said(text: str) -> list[str]:
        return [text[s:e] for s, e in house_numbers(text)]

    assert said("Yes. Flat three. Three.") == ["Flat three"]
    assert said("it said room 14 and im room 4, so") == ["room 14", "room 4"]
    assert said("pitch eleven, low moor lane site") == ["pitch eleven"]
    assert said("It's my flat. Number three. I've got my own key.") == ["Number three"]
    assert said("number forty-seven, the one with the gate") == ["number forty-seven"]
    # Times, amounts, priorities and phone numbers are no address.
    assert said("I was in that room three months") == []
    assert said("housing is my number one, by a mile") == []
    assert said("number forty-seven in the queue") == []
    assert said("my number 07700 900123") == []
    assert said("the number of people") == []


@pytest.mark.parametrize(
    ("text", "number", "expected"),
    [
        ("I was fifteen when I left", "fifteen", False),
        ("she's 19.", "19", False),
        ("he's nineteen years old", "nineteen", False),
        ("The doctor gave me fifteen milligrams", "fifteen", True),
        ("so it's about forty-five minutes, ish", "forty", True),
        ("But that were me done. Nineteen year. Gone.", "Nineteen", True),
        ("there were fourteen of us from the flight", "fourteen", True),
        ("Rent is £49 a week", "49", True),
        ("Date: 14 May 2024", "14", True),
        ("he share with nobody, he is king.", "king", True),
    ],
)
def test_what_the_scorer_takes_for_an_age_but_is_none(
    text: str, number: str, expected: bool
) -> None:
    from qualkit.deid.recognizers.numbers import not_an_age

    start = text.index(number)
    assert not_an_age(text, start, start + len(number)) is expected


def test_a_number_said_where_a_clock_s_time_can_be() -> None:
    from qualkit.deid.recognizers.numbers import maybe_a_time

    def said(text: str, number: str) -> bool:
        start = text.rindex(number)
        return maybe_a_time(text, start, start + len(number))

    assert said("it comes down to pharmacy at four, half four", "four")
    assert said("you can't be lying down past ten", "ten")
    assert said("monday to friday, nine to five", "nine")
    assert not said("when I was ten I went into care", "ten")
    assert not said("I started using at fifteen", "fifteen")


def test_unmasked_mentions_of_a_name_masked_elsewhere_are_possible_misses() -> None:
    from qualkit.deid.analyzer import masked_elsewhere
    from qualkit.deid.spans import Detection

    text = "My nana, Nana Rose, raised me. nana, the older one, was in care. The nan said so."
    at = text.index("Nana Rose")
    dets = [
        Detection(at, at + 4, "PERSON", 0.9, "X"),
        Detection(at + 5, at + 9, "PERSON", 0.9, "X"),
        Detection(text.index("The"), text.index("The") + 3, "PERSON", 0.4, "X"),
    ]
    found = [text[d.start : d.end] for d in masked_elsewhere(text, dets)]
    # Every mention of a masked name, masked or not (what is masked is dropped later);
    # never a stop word, nor a place.
    assert found == ["nana", "Nana", "nana", "Rose"]
    assert masked_elsewhere(text, [Detection(at, at + 4, "LOCATION", 0.9, "X")]) == []


def test_two_ages_before_one_year_old_and_an_age_someone_looks() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    text = "In theory, a 16- or 17-year-old who presents as homeless should be housed."
    assert sorted(_found(rec, text)) == ["16", "17"]
    assert _found(rec, "Some of them look about twelve.") == ["twelve"]
    # Groups by age identify nobody; nor does a look at a time.
    assert _found(rec, "It's for the under-eighteens and the over-sixties.") == []
    assert _found(rec, "It looked about ten minutes long.") == []


def test_a_year_given_as_the_answer_to_when() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    text = "[00:04:50] Speaker 1\nSo when did you come over?\n\n[00:04:56] Speaker 2\n2011. Me."
    assert _found(rec, text) == ["2011"]
    assert _found(rec, "When did you come over? I paid them, 2011 quid.") == []


def test_initials_with_full_stops_are_a_person() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer

    rec = InitialsRecognizer()
    text = (
        "I should say D.H. rather than Darren. We had a man, J.T., and a woman, A.B.C. The "
        "first case is P.McG., who I will call Pauric."
    )
    assert _found(rec, text) == ["D.H.", "J.T.", "A.B.C.", "P.McG."]
    assert _found(rec, "She came to the U.K. at 9 A.M. with a G.P. letter, P.S. call.") == []


def test_a_name_with_a_word_of_respect_after_it() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import KinshipNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = KinshipNameRecognizer(
        RecognizerContext(lexicon=Lexicon(others=["thank", "you", "later", "the"]))
    )
    text = "Thank you, paaji. Rajan paaji, you are good man. And Hari dai is there."
    assert _found(rec, text) == ["Rajan", "Hari"]
    assert _found(rec, "Thank you ji. The Gurdwara sahib. Later bhai.") == []


def test_an_airport_terminal_and_a_name_on_an_app() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "Sometime Terminal 2, downstairs. Sleeping in terminal four. The terminal was cold."
    assert _found(street, text) == ["Terminal 2", "terminal four"]
    rec = SocialHandleRecognizer()
    assert _found(rec, "and I'm on discord as kaimoth if you wanna play") == ["kaimoth"]
    assert _found(rec, "I'm on insta as well, and on snap as much as I can") == []


def test_a_word_written_in_lower_case_again_and_again_is_not_spread() -> None:
    from qualkit.deid.propagation import LOWER_WORD_USES, Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    filler = "I said so. I know. I went. I came back. It was cold. We sat. He left. "

    def spread(text: str) -> list[str]:
        seed = Detection(text.index("Ra "), text.index("Ra ") + 2, "PERSON", 0.8, "X")
        prop = Propagator(Lexicon())
        return [text[d.start : d.end] for d in prop.mentions(text, prop.terms_from(text, [seed]))]

    # Written in lower case again and again, never with a capital inside a sentence: a word.
    text = "Ra signal's bad. I'm in ra car at ra end o ra pier, ra boat, ra sea. " + filler
    assert text.count(" ra ") >= LOWER_WORD_USES and "ra" not in spread(text)
    # With a capital inside a sentence once ("I met Ra"), it is a name, spread everywhere.
    assert spread(text + "I met Ra there.").count("ra") == 5
    # Written in lower case less often than that, it is spread.
    text = "Ra signal's bad. I'm in ra car. " + filler
    assert LOWER_WORD_USES > 1 and spread(text).count("ra") == 1


def test_names_as_markdown_speaker_labels() -> None:
    from qualkit.importers.labels import name_label_spans

    text = "**Interviewer:** Hello.\n\n**Pauline:** Fine, love.\n\n__Gemma__: Yeah.\n"
    assert [label for _, _, label in name_label_spans(text)] == ["Interviewer", "Pauline", "Gemma"]


def test_laughter_typed_out_is_no_name() -> None:
    from qualkit.deid.analyzer import _LAUGHTER

    assert all(_LAUGHTER.fullmatch(w) for w in ["haha", "Hahaha", "hehe", "lol", "lmao", "ahaha"])
    assert not any(_LAUGHTER.fullmatch(w) for w in ["Hana", "Hal", "Ha", "Lola", "Hehir", "Lol"])


def test_more_ages_and_a_year_cut_short() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer

    rec = AgeRecognizer()
    text = "a fifty-nine-year-auld fisherman. Mr Petrie, he's in his late 50s. A baby of 8 month."
    assert _found(rec, text) == ["fifty-nine", "late 50s", "8 month"]
    assert _found(rec, "A course of six weeks. In the 80s we had work.") == []
    text = "Je m'appelle Bénédicte, j'ai trente-six ans. Ici j'ai Exaucé, onze ans."
    assert _found(rec, text) == ["trente-six", "onze"]
    assert _found(rec, "Depuis, trois ans ici. Bon, trois ans.") == []
    dates = CalendarDateRecognizer()
    text = "a slip in the summer of '23, back in '09, since 'ninety."
    assert sorted(set(_found(dates, text))) == ["'09", "'ninety", "summer of '23"]
    assert _found(dates, "He said 'no' and 'fifty' of them.") == []


def test_handles_written_with_digits_for_letters() -> None:
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer

    rec = SocialHandleRecognizer()
    text = "on discord there's kr4kenz and n1ghtowl_tj. my snap is t. reese underscore 05 ok"
    assert sorted(_found(rec, text)) == ["kr4kenz", "n1ghtowl_tj", "t. reese underscore 05"]
    text = "on discord we play on my ps5, mp3s, covid19, g4s, the m25, sw1a."
    assert _found(rec, text) == []


def test_a_letter_someone_is_called_by_and_a_nickname_with_the() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer, NicknameRecognizer

    rec = InitialsRecognizer()
    text = "I had a woman, I'll call her S., she was referred. known as K to everyone."
    assert _found(rec, text) == ["S.", "K"]
    assert _found(rec, "They called him A and E. We called A&E. I'll call her A lot.") == []
    nick = NicknameRecognizer()
    text = "one guy we call him the professor because he reads. they called me grandad."
    assert _found(nick, text) == ["professor"]


def test_an_extension_right_after_its_number() -> None:
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = UkPhoneRecognizer()
    text = "my desk phone is 01632 960 471, extension 206, or Kerry on extension 2417."
    assert _found(rec, text) == ["01632 960 471", "extension 206", "2417"]


def test_a_place_of_worship_named_in_its_own_language() -> None:
    from qualkit.deid.recognizers.organisations import KindFirstOrganisationRecognizer

    rec = KindFirstOrganisationRecognizer()
    text = "in Southampton, Église La Source de Vie. He goes to the Masjid al-Noor on Fridays."
    assert _found(rec, text) == ["Église La Source de Vie", "Masjid al-Noor"]
    assert _found(rec, "The Gurdwara gave food. the iglesia Cristiana was shut.") == []


def test_a_speakers_word_opening_a_sentence_is_not_spread() -> None:
    from qualkit.deid.propagation import Propagator, Term
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon())
    text = (
        "I said so. I went. I know. I came. I left. Mi did tell dem. Dem give mi the paper, "
        "mi seh. Mi know it. Dem call mi back, mi did wait, mi never hear. Then mi go. Mi reach."
    )
    assert prop.mentions(text, [Term("PERSON", "mi", exact_case=False)]) == []
    # A name capitalised inside a sentence is still the name.
    text = (
        "I said so. I went. I know. I came. I left. Mi did tell Mi. mi and mi and mi and mi and mi."
    )
    assert prop.mentions(text, [Term("PERSON", "mi", exact_case=False)]) != []


def test_words_of_a_voice_tag_cue_and_of_a_welsh_clause_said_alone() -> None:
    from qualkit.deid.codeswitch import other_language_words

    def english(word: str) -> bool:
        return word in {"yes", "now", "i", "hear", "you", "thanks", "did", "say", "that", "right"}

    text = (
        "<v Participant>Da, bine. Nu știu de ce, la consiliu toți scriu cu Y.\n"
        "<v Participant>Da. Everything.\n"
    )
    words = [text[s:e] for s, e in other_language_words(text, english)]
    assert words.count("Da") == 2
    text = 'She says "diolch" to me. Diolch yn fawr iawn. Did I say that right?\nDiolch. Thanks.'
    words = [text[s:e] for s, e in other_language_words(text, english)]
    assert words.count("Diolch") == 2, words


def test_addresses_with_a_range_of_numbers_or_a_postcode_after() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer

    rec = StreetRecognizer()
    text = "It's 112 to 116 Lorrimore Grove, SW19 2QJ. its 14 kingfisher close, bideford, ex39 3qf."
    found = _found(rec, text)
    assert "112 to 116 Lorrimore Grove" in found and "14 kingfisher close" in found
    hits = rec.find("we got close to 14 close friends, honestly.")
    assert [h for h in hits if h.entity == "STREET_ADDRESS"] == []


def test_a_web_address_read_out_with_its_path() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "The form is online, it's harbourrecovery dot org dot uk forward slash refer. Ta."
    hits = list(rec.find(text))
    assert [(text[h.start : h.end], h.entity) for h in hits] == [
        ("harbourrecovery dot org dot uk forward slash refer", "URL")
    ]


def test_initials_said_for_a_client_and_what_people_call_someone() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer, NicknameRecognizer

    rec = InitialsRecognizer()
    text = "I had a woman, I'll say initials, KM, she was placed out. I'll say DJ. Man of sixty."
    assert _found(rec, text) == ["KM", "DJ"]
    assert _found(rec, "I'd say OK then, I'll say it again. Initials are fine.") == []
    # Capitals called initials after they are said, even those of an abbreviation; and a
    # letter with a full stop before what kind of person it is.
    text = (
        "I'll call him DC, initials, he's in room 14. I've got a client now, MT, I'll use "
        "initials. The fourth person is R., a woman of 27. I, initials aside, and A initials. "
        "Polish, I'll call her Mrs P., she's worked at a meat plant."
    )
    assert sorted(_found(rec, text)) == ["DC", "MT", "P.", "R"]
    nick = NicknameRecognizer()
    text = "At the club dem call mi Professor. The residents call him Uncle, he hates it."
    assert _found(nick, text) == ["Professor", "Uncle"]
    assert _found(nick, "They called me grandad. Doctors call it a relapse.") == []
    # Names beside someone's real name.
    text = (
        "Deano and Biscuit mostly. Biscuit's real name's Connor. theres big shuggy, hugh his "
        "real name is. Is that your real name? My real name is Tom."
    )
    assert _found(nick, text) == ["Biscuit", "big shuggy", "hugh"]
    text = "Ciaran's dead. Chipper we called him, because he was never out of the chippy."
    assert _found(nick, text) == ["Chipper"]


def test_a_worker_greeting_a_call_with_their_name() -> None:
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer

    rec = IntroducedNameRecognizer()
    text = "hiya its caress here im his support worker at the flat"
    assert _found(rec, text) == ["caress"]
    assert _found(rec, "hi its cold here im freezing. hello its me here im his worker") == []


def test_dates_by_numbers_and_birthdays_by_ordinal() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer

    dates = CalendarDateRecognizer()
    text = "his date of birth's the 3rd of the 9th, 1950. one night 19/03 i left. on 05/11."
    assert sorted(_found(dates, text)) == ["05/11", "19/03", "3rd of the 9th, 1950"]
    assert _found(dates, "It was 10/10, open 24/7, half 1/2 done.") == []
    ages = AgeRecognizer()
    text = "my 18th is on Friday. Her 21st was mad. So he's, um, seven months. "
    text += "You're seven months old now."
    assert sorted(_found(ages, text)) == ["18th", "21st", "seven months", "seven months old"]
    text = "my 18th attempt. He was twenty-two years in the army. It's eight to twelve weeks."
    assert _found(ages, text) == []


def test_two_people_joined_by_and_are_no_service() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import CapitalisedPhraseRecognizer

    names = {n: NameStats(50, 50, 10, 0, 0, 0) for n in ("maureen", "dave", "nadia")}
    rec = CapitalisedPhraseRecognizer(RecognizerContext(gazetteer=Gazetteer(names)))
    text = "So Maureen and Dave lead Mondays, apart from Gareth and Nadia. I'm with Bright Step."
    assert _found(rec, text) == ["Gareth and Nadia", "Bright Step"]


def test_a_reference_written_with_slashes_or_read_out_a_turn_later() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    rec = CaseReferenceRecognizer()
    text = "We did one for him, case ref PT/24/0417 on our side. Open 24/7, 2019/2020 was bad."
    assert _found(rec, text) == ["PT/24/0417"]
    spoken = SpokenReferenceRecognizer()
    text = (
        "Mi reference number, if yuh want it, is, yuh want it?\n\n"
        "Speaker 1 (00:26:53):\nYou don't need to read that out, honestly, we'd only take it "
        "out anyway.\n\nSpeaker 2 (00:27:02):\nAlright. But is WSC, slash, two-oh-one-nine, "
        "slash, oh four one eight seven seven, just so yuh know."
    )
    assert _found(spoken, text) == [
        "WSC, slash, two-oh-one-nine, slash, oh four one eight seven seven"
    ]


def test_a_day_in_words_of_another_language_and_a_year_said_short_as_an_answer() -> None:
    from qualkit.deid.recognizers.numbers import (
        CalendarDateRecognizer,
        OtherLanguageDateRecognizer,
    )

    rec = OtherLanguageDateRecognizer()
    assert _found(rec, "Și pe cincisprezece martie, am venit acasă.") == ["cincisprezece martie"]
    assert _found(rec, "Mars is red. Avril came round.") == []
    dates = CalendarDateRecognizer()
    text = "Q: When did you come out of the army?\n\nA: Ninety-seven. I'd done my twelve."
    assert _found(dates, text) == ["Ninety-seven"]
    text = "Q: When did you come out?\n\nA: Well, after ninety-seven weeks, honestly."
    assert _found(dates, text) == []


def test_languages_by_their_own_names() -> None:
    import unicodedata

    from qualkit.deid.gazetteer import own_language_names

    names = own_language_names()
    assert {"Cymraeg", "Gàidhlig", "Gaeilge"} <= set(names)
    letters = [c for n in names for c in n if c.isalpha()]
    assert all(unicodedata.name(c).startswith("LATIN ") for c in letters)
    assert "العربية" not in names and "English" in names


def test_names_heard_as_words_after_a_doctor_or_a_guy_called_are_offered() -> None:
    detector = _bare_detector({})
    text = (
        "a guy called yes tin from lanelli he used to push me. doctor ren doll is my consultant "
        "there. i had seen dr fair child about my mood. i went to the doctor and he said. "
        "the doctor can see you. the doctor put me on it. "
    ) * 3
    offered = {text[d.start : d.end] for d in detector._heard_names(text, [])}
    assert offered == {"yes tin", "ren doll", "fair child"}
    # Not in a transcript typed with capitals, where a capital tells a name.
    assert detector._heard_names(text.capitalize().replace(". ", ". I ") * 3, []) == []


def test_numbers_read_out_with_pauses_or_an_extension_and_a_flat_on_its_own() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer

    rec = SpokenPhoneRecognizer()
    text = "Oh one four one, four nine six, oh two three eight, extension four one two. Ta."
    assert _found(rec, text) == [text[: text.index(". Ta")]]
    text = (
        "Slowly. (pause) Oh. Seven. Seven. Oh. Oh. (pause) Nine. Oh. Oh. (pause) Three. Six. Two."
    )
    assert _found(rec, text) == [text[len("Slowly. (pause) ") : -1]]
    street = StreetRecognizer()
    text = "Gaz, flat a hundred and one, he's been on. I was in flat 4. Flat three, the top."
    assert _found(street, text) == ["flat a hundred and one", "flat 4", "Flat three"]
    text = "I got a flat two years ago. a flat 3 bed. it was a flat one. the flat, two doors"
    assert _found(street, text) == []


def test_initials_with_full_stops_survive_the_checks_for_acronyms() -> None:
    from qualkit.deid.analyzer import _initials

    assert _initials("R.M.") and _initials("R.M") and _initials("J.T.")
    assert not _initials("U.K.") and not _initials("G.P") and not _initials("RM")


def test_someone_spoken_to_in_reported_speech_and_a_domain_in_words() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer
    from qualkit.deid.recognizers.names import VocativeRecognizer
    from qualkit.deid.words import Lexicon

    rec = VocativeRecognizer(RecognizerContext(lexicon=Lexicon(others=["look", "right"])))
    text = "he says, Tel, don't let them. She said, Look, no. He goes, Right, fine."
    assert _found(rec, text) == ["Tel"]
    email = SpokenEmailRecognizer()
    text = "It's referrals at leven womens aid dot org dot uk. We were at the shop dot com."
    assert _found(email, text) == ["referrals at leven womens aid dot org dot uk"]


def test_a_month_by_its_number_with_a_short_year_and_a_summer_of_a_short_year() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    dates = CalendarDateRecognizer()
    text = "14th of the 3rd, 69. So I'm 55. In the Bluebell. Summer of 88. She was in."
    assert sorted(_found(dates, text)) == ["14th of the 3rd, 69", "Summer of 88"]
    assert _found(dates, "the summer of 50 people came") == []


def test_a_language_named_like_a_region_is_no_allowed_word() -> None:
    from qualkit.deid.gazetteer import regions_named_like_languages

    regions = regions_named_like_languages()
    assert {"pangasinan", "mayo"} <= regions and "yoruba" not in regions


def test_addresses_said_with_all_one_word_and_spelt_letters_in_the_domain() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "So north kent, all one word, dot I D V A, at safer homes, all one word, dot org."
    assert _found(rec, text) == [text[len("So ") : -1]]
    text = "Yeah, it's pathway dot team at N B pathway dot org dot uk. All one word."
    assert _found(rec, text) == ["pathway dot team at N B pathway dot org dot uk"]
    assert _found(rec, "We met at the cafe, all one word, dot com style.") == []


def test_initials_set_apart_for_a_client_and_short_numbers_to_ring() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = InitialsRecognizer()
    text = (
        "I had a male victim, DK, last year. We had one last month, R, from Punjab. One "
        "young lady, L, she writes lists.\nP2: Yeah. DW. He came out in January."
    )
    assert _found(rec, text) == ["DK", "R", "L", "DW"]
    text = "The man, OK, he left. A woman, I, no. Yeah. OK. He left. Plan B. She went. IED. He"
    assert _found(rec, text) == []
    handles = SocialHandleRecognizer()
    assert _found(handles, "or just snap me, it's kaylaaa.xo, i'm on there") == ["kaylaaa.xo"]
    phone = UkPhoneRecognizer()
    text = "Or ring me, 4417. Call me 1000 times. Ring me at 1230 pm. Ring us on 2214."
    assert _found(phone, text) == ["4417", "2214"]


def test_titles_of_other_languages_and_accented_english_words() -> None:
    from qualkit.deid.recognizers.names import TITLES_APART, TitleNameRecognizer
    from qualkit.deid.words import Lexicon

    assert {"señor", "doña", "signora", "sheikh", "father"} <= TITLES_APART
    assert not {"mr", "dr", "auntie"} & TITLES_APART
    rec = TitleNameRecognizer()
    assert _found(rec, "a lady, Doña Gladys, and Señor Pérez") == ["Gladys", "Pérez"]
    lexicon = Lexicon(nouns=["cafe", "fiance", "gdansk"])
    assert lexicon.is_known("café") and lexicon.is_known("fiancé")
    assert not lexicon.is_known("josé") and not lexicon.is_known("gdańsk")


def test_a_dialect_word_opening_a_sentence_is_no_name() -> None:
    detector = _bare_detector({})
    text = "Ye can stop any time. I'll tell ye. Ye build up."
    assert detector._not_a_name(text, 0, 2, "PERSON")
    assert not detector._not_a_name("Ye can stop any time.", 0, 2, "PERSON")
    assert not detector._not_a_name("Rab can stop. Ask rab.", 0, 3, "PERSON")


def test_words_of_an_interpreted_language_its_dictionary_knows() -> None:
    from qualkit.deid.codeswitch import other_language_words

    text = (
        "Hola, sí, buenas tardes. Sí la escucho, un poquito bajito pero sí.\n"
        "Me levantaba a las cinco y media para los niños.\nAy, gracias. Gracias por decirme."
    )
    words = {text[s:e] for s, e in other_language_words(text, lambda w: w in {"me", "a", "ay"})}
    assert {"gracias", "Gracias", "levantaba", "poquito"} <= words
    # A first name the dictionary lists too stays a name.
    named = "Nie wiem, bo ja nie mam pracy i nie mam domu. Thank you agnieszka. ... tadeusz ..."
    named = text + "\n" + named
    words = {named[s:e] for s, e in other_language_words(named, lambda w: w in {"me", "a"})}
    assert "tadeusz" in words
    is_name = {"agnieszka", "tadeusz"}.__contains__
    found = other_language_words(named, lambda w: w in {"me", "a"}, is_name=is_name)
    assert {"gracias", "levantaba"} <= {named[s:e] for s, e in found}
    assert not {"agnieszka", "tadeusz"} & {named[s:e] for s, e in found}
    # In a clause mostly English, the dictionary alone makes no word ("back to gdańsk").
    named += "\nThen she went back to gdańsk, I think."
    is_en = {"me", "a", "thank", "you", "then", "she", "went", "back", "to", "i"}.__contains__
    assert "gdańsk" not in {named[s:e] for s, e in other_language_words(named, is_en)}
    # Vietnamese, told by its stop words, has no dictionary to ask.
    text = "Tôi không biết, vì tôi không có nhà và không có việc. Cảm ơn, anh."
    assert other_language_words(text, lambda w: False)
    english = "I said gracias to Rosa. Thanks, Rosa, thanks a lot, really, thanks."
    assert other_language_words(english, lambda w: w not in {"gracias", "rosa"}) == []


def test_initials_listed_or_before_a_pronoun_and_names_before_a_role() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer, NicknameRecognizer

    rec = InitialsRecognizer()
    text = "For the transcript, JT, SM and KD, those are initials? TR, she was in a flat."
    assert _found(rec, text) == ["TR", "JT", "SM", "KD"]
    text = "The DJ, he was good. My GP, she was nice. OK, he was. NHS, she said. BBC and ITV."
    assert _found(rec, text) == []
    nick = NicknameRecognizer()
    text = "Raj the pharmacist there knows us. Will the nurse come? Tash the drug worker."
    assert "Raj" in _found(nick, text) and "Tash" in _found(nick, text)
    assert "Will" not in _found(nick, text)
    text = "She called him the weasel [laughs]. He called me the worst names going."
    assert _found(nick, text) == ["weasel"]


def test_a_service_number_and_a_day_said_near_its_month() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    assert _found(refs, "Course I do. D193472K. No, hang on. D193742K.") == [
        "D193472K",
        "D193742K",
    ]
    assert _found(refs, "It was COVID19 and a 2-for-1 deal, M25 junction 12345.") == []
    dates = CalendarDateRecognizer()
    text = "i got out june 2021. the 11th? no. the 14th. He lives on the 2nd floor."
    assert {"11th", "14th"} <= set(_found(dates, text)) and "2nd" not in _found(dates, text)
    assert _found(dates, "It was the 3rd, then the 4th, of the lot.") == []


def test_one_letter_for_a_person_and_capitals_before_what_they_are() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer

    rec = InitialsRecognizer()
    text = (
        "I met D the following summer. D had a spreadsheet. I asked whether D had done "
        "this before. J's upstairs, yeah. And R.'s in a flat now. I had AB, a lad I'd been "
        "planning for. There was a lad, I'll just say R., he'd had an abscess."
    )
    assert sorted(_found(rec, text)) == ["AB", "D", "D", "D", "J", "R", "R"]
    text = (
        "Plan B was fine. Hep C is curable. The B and B is far. Category C was better. "
        "Vitamin D was low. A was the answer, I said. The DJ, a man of forty. Grade C was "
        "all I got. M&S was shut. Three B's and a C."
    )
    assert _found(rec, text) == []


def test_the_end_of_a_phone_number_said_again_and_digits_in_scots() -> None:
    from qualkit.deid.recognizers.uk import UkPhoneRecognizer

    rec = UkPhoneRecognizer()
    text = "It's 07700 900 462. Yeah. 462. Got it. She paid 462 pounds, room 1462."
    assert _found(rec, text) == ["07700 900 462", "462"]
    assert _found(rec, "Room 462 is upstairs.") == []
    spoken = SpokenPhoneRecognizer()
    text = "It's oh seven seven double oh, nine double oh, four six wan. I know it aff by heart."
    assert _found(spoken, text) == ["oh seven seven double oh, nine double oh, four six wan"]
    assert _found(spoken, "She gave a wan smile, one or two.") == []


def test_rough_ages_after_a_person_and_in_figures() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    text = "A man of sixty-odd with bad knees. She was like 50 something she had cats."
    assert sorted(_found(rec, text)) == ["50 something", "sixty-odd"]
    assert "six" not in _found(rec, text)
    assert _found(rec, "It took 20 something minutes. A group of thirty-odd came.") == []


def test_a_rank_in_lower_case_before_a_capitalised_word_is_no_title() -> None:
    from qualkit.deid.recognizers.names import TitleNameRecognizer

    rec = TitleNameRecognizer()
    text = "Mi jus hand her di Housing Benefit an di Home Office paper."
    assert _found(rec, text) == []
    assert _found(rec, "DI Walsh came, then PC Lowe.") == ["DI Walsh", "PC Lowe"]
    assert _found(rec, "then pc lowe came round") == ["pc lowe"]


def test_a_national_body_after_a_nickname_word_and_army_units() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.recognizers.organisations import NamedOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    nick = NicknameRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["woman", "women"])))
    assert _found(nick, "It's through the Scottish Women's Aid work.") == []
    assert _found(nick, "Big Carmen's van was there.") == ["Big Carmen"]
    units = NamedOrganisationRecognizer()
    text = (
        "We watched the Welsh Guards get hit. He was 2 Para, then the Royal Engineers. "
        "The Guards were there. She took 3 paracetamol."
    )
    assert sorted(_found(units, text)) == ["2 Para", "Royal Engineers", "Welsh Guards"]
    # A number word in capitals inside a sentence begins a name; a church's assembly.
    text = "A group in the Six Mile Water Centre. Six Centres closed. Shiloh Gospel Assembly."
    assert sorted(_found(units, text)) == ["Shiloh Gospel Assembly", "Six Mile Water Centre"]


def test_an_age_gold_span_may_keep_its_year_old() -> None:
    from qualkit.deid.evaluate import evaluate, parse_markup
    from qualkit.deid.spans import AGE, Detection

    gold = parse_markup("My {{AGE|five-year-old}} was there. A {{AGE|six}} year old.", "g-1")
    five = gold.text.index("five")
    six = gold.text.index("six")
    dets = [
        Detection(five, five + 4, AGE, 1.0, "test"),
        Detection(six, six + 3, AGE, 1.0, "test"),
    ]
    assert evaluate([gold], {"g-1": dets}).quasi_recall == 1.0
    assert evaluate([gold], {"g-1": dets[1:]}).quasi_recall == 0.5


def test_places_listed_after_an_allowed_one_stand_apart_from_it() -> None:
    from qualkit.deid.gazetteer import NameStats
    from qualkit.deid.spans import PERSON, Detection

    places = {"runcorn": NameStats(place=60000), "warrington": NameStats(place=210000)}
    detector = _bare_detector(places)
    places["smith"] = NameStats(last_gb=1)
    text = "like st helens runcorn warrington for a bit. helens smith came. St Helens Runcorn"
    det = Detection(5, 33, PERSON)
    assert detector._places_outside(text, det, [(5, 14)])
    det = Detection(text.index("helens smith"), text.index(" came"), PERSON)
    assert not detector._places_outside(text, det, [(det.start, det.start + 6)])
    det = Detection(text.index("St Helens R"), len(text), PERSON)
    assert not detector._places_outside(text, det, [(det.start, det.start + 9)])
    places["street"] = NameStats(place=5000)
    text = "we lived on oldham street then"
    det = Detection(text.index("oldham"), text.index(" then"), PERSON)
    assert not detector._places_outside(text, det, [(det.start, det.start + 6)])


def test_a_flat_position_before_the_house_number() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer

    rec = StreetRecognizer()
    text = "It's 2/1, 17 Braehead Gardens, a wee one-bedroom. On 12/3 14 people came."
    assert _found(rec, text) == ["2/1, 17 Braehead Gardens"]


def test_a_day_before_another_day_of_a_month() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    dates = CalendarDateRecognizer()
    text = "The night of the 13th into the 14th of June. Freezing."
    assert "13th" in _found(dates, text)
    assert _found(dates, "We met on the 2nd to the 4th floor.") == []


def test_an_allowed_acronym_written_as_a_name_is_a_name() -> None:
    from qualkit.deid.analyzer import _phrase_regex

    detector = _bare_detector({})
    detector._allow_re = _phrase_regex(["RAF", "PIP", "Universal Credit"])
    detector._acronyms = frozenset({"raf", "pip"})
    detector._study_areas = frozenset()
    assert detector._allowed("RAF") and detector._allowed("pip")
    assert not detector._allowed("Raf") and not detector._allowed("Pip")


def test_digits_read_out_after_a_rank_and_a_check_letter_are_a_reference() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer, UkPhoneRecognizer

    rec = SpokenReferenceRecognizer()
    text = "Halloran, Private, two four nine three seven one five eight. Still comes out."
    assert _found(rec, text) == ["two four nine three seven one five eight"]
    text = "Single Competent Authority. Reference NRM 0044172 B. Conclusive grounds."
    assert _found(rec, text) == ["NRM 0044172 B"]
    assert _found(rec, "We counted two four nine three seven one five eight sheep.") == []
    text = "My number? It's just this one, oh seven seven double oh, nine double oh, four"
    assert _found(rec, text) == []
    phone = UkPhoneRecognizer()
    assert _found(phone, "For ward staff, it's my bleep, 4471, or the hub.") == ["4471"]


def test_letters_for_people_before_who_after_thanks_and_called() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer

    rec = InitialsRecognizer()
    text = (
        "T., who I won't say anything else about, came in. One lady, M., I won't say "
        "more. Everyone calls me J. Thank you, J. Honestly."
    )
    assert sorted(_found(rec, text)) == ["J", "J.", "M", "T"]
    text = "The GP, who was nice. Thanks, A. Cheers, mate. NHS, who knew. The AP, who'd know?"
    assert _found(rec, text) == []


def test_more_rough_ages_and_dates_said_alone() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer

    ages = AgeRecognizer()
    text = (
        "I had a nine-day-old baby. Had it since his twenties. She looks about twelve "
        "[laughs], and she said. The body of someone seventy-odd."
    )
    assert sorted(_found(ages, text)) == ["nine-day-old", "seventy-odd", "twelve", "twenties"]
    dates = CalendarDateRecognizer()
    text = "Ros: November 2021. The ninth. It was his chest.\n<v Participant>1991. I was 18."
    assert {"ninth", "1991"} <= set(_found(dates, text))
    text = "P1: 1500. That's what I owed. In May 2019. The second time."
    assert not {"1500", "second"} & set(_found(dates, text))
    # After a timestamp in brackets and a speaker, in a transcript typed in lower case.
    text = "[00:06:36] Speaker 1 when was that\n[00:06:42] Speaker 2 2014. i was nineteen."
    assert "2014" in _found(dates, text)
    assert _found(dates, "[00:06:42] Speaker 2 2014 pounds a month") == []


def test_letters_given_for_clients_and_numbers_given_as_someones() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer
    from qualkit.deid.recognizers.names import InitialsRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = InitialsRecognizer()
    text = (
        "Okay, there's a man I'll call D., he lives in a caravan. I've got a mum, two "
        "children, J who's seven and T who's four. We had a boy in Year 6, R, he'd been "
        "with his dad. A man last year, I'll just say K, who was offered a flat."
    )
    assert sorted(_found(rec, text)) == ["D.", "J", "K", "R", "T"]
    text = "People treated for hepatitis C who had it. Plan B, she said. One PA who's got forty."
    assert _found(rec, text) == []
    refs = CaseReferenceRecognizer()
    text = (
        "What's his prison number? It's A four four seven one D K. White Transit, YF09 "
        "KXR. A crime reference, I've got it here. NFRC23 0418 7726. My interpreter number "
        "is 40372. My number is 07700 900123. It's a four bed house. Her real number, "
        "999 042 7716, is on the form. The number was 120 400 6000 7. H 7 3 4 1 9, that's "
        "my number. Sponsorship C4G 7K29 1HX. Postcode IP28 9ZX. Flat 2 B 3 4. It is "
        "ZR4417829. The notice had CR/UE/2023/0917 on it. He was A/B/C or 24/7/365. Crime "
        "reference 22/41177/24, and 12/03/2024."
    )
    assert sorted(_found(refs, text)) == [
        "120 400 6000 7",
        "22/41177/24",
        "40372",
        "999 042 7716",
        "A four four seven one D K",
        "C4G 7K29 1HX",
        "CR/UE/2023/0917",
        "H 7 3 4 1 9",
        "NFRC23 0418 7726",
        "YF09 KXR",
        "ZR4417829",
    ]
    email = SpokenEmailRecognizer()
    text = "And the email is outreach.west at laichadvice dot org dot uk, but honestly."
    assert _found(email, text) == ["outreach.west at laichadvice dot org dot uk"]
    assert _found(email, "He said. jo at example dot com") == ["jo at example dot com"]


def test_a_letter_with_a_full_stop_is_the_person_wherever_it_stands() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import PERSON, Detection
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon())
    text = "I'll call her M., Marie, no, just M., she's sixty. Like M., and that's it."
    terms = prop.terms_from(text, [Detection(14, 16, PERSON, 0.86, "InitialsRecognizer")])
    found = [(d.start, d.end) for d in prop.mentions(text, terms)]
    assert [text[s:e] for s, e in found] == ["M", "M", "M"]


def test_capitals_called_initials_are_the_person_in_their_own_transcript() -> None:
    from qualkit.deid.propagation import Propagator, local_only
    from qualkit.deid.spans import PERSON, Detection
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon())
    text = "I'll call him DC, initials. Real progress for DC. Not for dc or DCs."
    terms = prop.terms_from(text, [Detection(14, 16, PERSON, 0.86, "InitialsRecognizer")])
    assert all(local_only(t) for t in terms)
    found = [(d.start, d.end) for d in prop.mentions(text, terms)]
    assert [text[s:e] for s, e in found] == ["DC", "DC"]


def test_codes_figures_collar_numbers_and_digits_joined_by_hyphens_are_references() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = (
        "It was on my registration card, 93Y0618E. I'd still know it. 24397716. Gareth, "
        "PCSO 4417, that's me. On the docks you had a check number, mine was seven-one-four. "
        "Is still there. SV 27 BXT, the number."
    )
    assert sorted(_found(refs, text)) == [
        "24397716",
        "4417",
        "93Y0618E",
        "SV 27 BXT",
        "seven-one-four",
    ]
    text = (
        "They used the one-three-six, the section. It cost 1500000 or 1200 pounds, COVID19, "
        "an M62 job, ring 07700900123, and 2,500,000 people. Room 4417 upstairs."
    )
    assert _found(refs, text) == []
    spoken = SpokenReferenceRecognizer()
    text = "I'd still know it. 24397716. Two four three nine seven seven one six. Yeah."
    assert _found(spoken, text) == ["Two four three nine seven seven one six"]
    assert _found(spoken, "Count: two four three nine seven seven one six. Done.") == []


def test_digits_of_another_language_end_a_number_read_out() -> None:
    from qualkit.deid.numwords import spoken_digits

    said = ["zero", "sete", "sete", "zero", "zero", "nove", "zero", "zero", "três", "cinco", "um"]
    assert spoken_digits(said) == "07700900351"
    assert spoken_digits(["trei", "unu", "opt"]) == "318"
    assert spoken_digits(["cinco", "um"]) is None  # "um" after one digit is a filler
    rec = SpokenPhoneRecognizer()
    text = "Zero sete sete zero zero, nove zero zero, três cinco um. That's it."
    assert _found(rec, text) == ["Zero sete sete zero zero, nove zero zero, três cinco um"]
    text = "It's 07700 900318. Yes. Trei, unu, opt. Three one eight. Is correct."
    assert _found(rec, text) == ["Trei, unu, opt", "Three one eight"]


def test_a_name_set_off_after_a_person_a_letter_said_for_one_and_a_wechat_id() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer, InitialsRecognizer
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(others=["vietnamese", "older"])
    names = {"tel": NameStats(first_countries=3)}
    rec = AppositiveNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names)))
    text = "But there's a fella, Tel, he was a chef. An older man, Vietnamese, they couldn't."
    assert _found(rec, text) == ["Tel"]
    initials = InitialsRecognizer()
    assert _found(initials, "One of them, I'll just say A, he died.") == ["A"]
    assert _found(initials, "I'll just say a, he died. I'll say A lot of them.") == []
    handles = SocialHandleRecognizer()
    text = (
        "Add me on WeChat. My ID is xwj_annie0412. X, W, J, underscore, A-N-N-I-E, zero four "
        "one two."
    )
    assert _found(handles, text)[:2] == [
        "xwj_annie0412",
        "X, W, J, underscore, A-N-N-I-E, zero four one two",
    ]


def test_a_medicine_joined_by_a_hyphen_is_no_name() -> None:
    from qualkit.deid.analyzer import _whole_hyphenated
    from qualkit.deid.spans import ORGANIZATION, Detection

    text = "He put me on co-codamol, then Weston-super-Mare."
    dets = [
        Detection(text.index("codamol"), text.index("codamol") + 7, ORGANIZATION, 0.5, "x"),
        Detection(text.index("Weston"), text.index("Weston") + 6, ORGANIZATION, 0.5, "x"),
    ]
    assert [text[d.start : d.end] for d in _whole_hyphenated(text, dets)] == ["Weston-super-Mare"]


def test_an_english_word_ending_the_phrase_after_a_person_called_is_a_name() -> None:
    from qualkit.deid.gazetteer import Gazetteer
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(others=["mousey", "round", "smiler", "love"])
    rec = IntroducedNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer({})))
    text = "titch's, a lad called mousey's, anywhere. A mate called round. A thing called love."
    assert _found(rec, text) == ["mousey"]
    assert _found(rec, "a lad called mousey came round") == []


def test_rooms_and_beds_by_number_and_references_read_back_from_figures() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    streets = StreetRecognizer()
    text = (
        "He was in bed 7 on the ward, then side room 3, and Chantelle in room 2. Location: "
        "meeting room 3. A room 3 beds wide. Room 12 had been his for 4 years."
    )
    assert _found(streets, text) == ["bed 7", "side room 3", "room 2", "Room 12"]
    refs = CaseReferenceRecognizer()
    text = "It is K 2097731. Factory number, 40817. My number was 41926. I was 4 in 1998."
    assert _found(refs, text) == ["K 2097731", "40817", "41926"]
    spoken = SpokenReferenceRecognizer()
    text = "It is K 2097731. K, two, zero, nine, seven, seven, three, one. Sorry."
    assert _found(spoken, text)[-1] == "K, two, zero, nine, seven, seven, three, one"
    text = "My number was 41926. I still know it. Four one nine two six. In my sleep."
    assert _found(spoken, text) == ["Four one nine two six"]
    assert _found(spoken, "We had four one nine two six of them. Four one nine.") == []


def test_a_dotted_handle_a_scots_hundred_and_a_kinship_word_in_apposition() -> None:
    from qualkit.deid.gazetteer import Gazetteer
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.words import Lexicon

    handles = SocialHandleRecognizer()
    text = "my snap's gone. it's kayz.xo now, not the gmail.com one, see www.example today."
    assert _found(handles, text) == ["kayz.xo"]
    assert _found(handles, "it's kayz.xo now") == []  # no app named
    phone = SpokenPhoneRecognizer()
    text = "Here. oh seven seven double oh, nine hunner, two six three."
    assert _found(phone, text) == ["oh seven seven double oh, nine hunner, two six three"]
    rec = AppositiveNameRecognizer(RecognizerContext(lexicon=Lexicon(), gazetteer=Gazetteer({})))
    assert _found(rec, "They are with my Nanay, my mother, at home. Rosa, my mother.") == ["Rosa"]


def test_grouped_figures_a_code_after_crn_and_initials_said_or_called_with_stops() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.recognizers.names import InitialsRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer
    from qualkit.deid.spans import PERSON, Detection
    from qualkit.deid.words import Lexicon

    refs = CaseReferenceRecognizer()
    text = (
        'Just "CRN X381526, Wojcik." The holding, 47/312/8005. The application number. '
        "3318-9907-4452-1160. On 12/03/2019, in 2016-2019-2020, room X38152 upstairs."
    )
    assert sorted(_found(refs, text)) == ["3318-9907-4452-1160", "47/312/8005", "X381526"]
    initials = InitialsRecognizer()
    text = "I'll say A.M., she's fifteen. I had a woman, I'll call her SB, well, Stacey."
    assert _found(initials, text) == ["SB", "A.M."]
    prop = Propagator(Lexicon())
    text = "I'll say A.M., she's fifteen. A.M. rang at 3 a.m. on Monday."
    terms = prop.terms_from(text, [Detection(9, 13, PERSON, 0.86, "InitialsRecognizer")])
    found = [text[d.start : d.end] for d in prop.mentions(text, terms)]
    assert "a.m" not in found and "a.m." not in found


def test_a_capital_letter_standing_alone_is_offered_to_the_reviewer() -> None:
    from qualkit.deid.analyzer import _lone_letters
    from qualkit.deid.spans import PERSON, Detection

    text = (
        "And for J that night we were lucky. What happened to J? Plan B, C wing, the B&B, a "
        "T-shirt. P: yes. Hep C is bad. U.K. rules. I said A lot. K was there."
    )
    masked = [Detection(text.index("K was"), text.index("K was") + 1, PERSON, 0.9, "x")]
    assert [text[d.start : d.end] for d in _lone_letters(text, masked)] == ["J", "J"]


def test_references_read_back_split_or_short_phonetic_plates_and_registrations() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    spoken = SpokenReferenceRecognizer()
    text = "Zero eight stroke four one two stroke zero zero three six. 08/412/0036, aye."
    assert _found(spoken, text) == ["Zero eight stroke four one two stroke zero zero three six"]
    assert _found(spoken, "Zero eight stroke four one two stroke zero zero three six.") == []
    text = "G, W, F, zero seven one... She read GWF071 and then stopped."
    assert _found(spoken, text) == ["G, W, F, zero seven one"]
    refs = CaseReferenceRecognizer()
    text = (
        "The letter, CU-23-0447182, on her arm. Interview ID: TV-45-01. Her number was WY "
        "117, painted on. She's registered CA 917. They phone NHS 24. Reading the plate, "
        "Yankee X-ray zero nine Kilo Lima Delta, and Charlie, Mike, Oscar, one. GWF071."
    )
    assert sorted(_found(refs, text)) == [
        "CA 917",
        "CU-23-0447182",
        "GWF071",
        "WY 117",
        "Yankee X-ray zero nine Kilo Lima Delta",
    ]


def test_a_bed_or_room_by_number_in_words() -> None:
    from qualkit.deid.recognizers.places import StreetRecognizer

    streets = StreetRecognizer()
    text = (
        "He was in bed six on Heron. Bed three in 2019. A room two doors down. In every "
        "room one family. Room nine, top floor. A room three months. The 40-bed one."
    )
    assert _found(streets, text) == ["bed six", "Bed three", "Room nine"]


def test_a_letter_found_as_a_person_is_that_person_in_its_own_transcript() -> None:
    from qualkit.deid.propagation import Propagator, Term, local_only
    from qualkit.deid.spans import PERSON, Detection
    from qualkit.deid.words import Lexicon

    prop = Propagator(Lexicon())
    text = "D went in and shouted. I told D. We stayed at a B&B, Plan D, D: yes. D's car."
    seed = [Detection(0, 1, PERSON, 0.86, "InitialsRecognizer")]
    terms = prop.terms_from(text, seed)
    assert Term(PERSON, "D", exact_case=True) in terms
    assert all(local_only(t) for t in terms if t.text == "D")
    found = [(d.start, text[d.start : d.end]) for d in prop.mentions(text, terms)]
    assert found == [(0, "D"), (text.index("D."), "D"), (text.index("D's"), "D's")]
    # Found by the token scorer, a letter is not spread.
    scored = [Detection(0, 1, PERSON, 0.5, "TokenScorer")]
    assert not [t for t in prop.terms_from(text, scored) if t.text == "D"]


def test_codes_after_a_word_for_a_reference_and_long_figures_after_capitals() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = (
        "Employee number PL-20817, and the reference was WEB40217. I was a different "
        "number, BR4472. I know it by heart. F1120478913. Room B4472. A COVID19 test."
    )
    assert sorted(_found(refs, text)) == ["BR4472", "F1120478913", "PL-20817", "WEB40217"]


def test_scots_streets_an_edinburgh_flat_and_a_welsh_street_after_a_number_in_words() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "I had my ain flat, 2 Stirches Wynd, top flat. Then 12 Ladhope Brae. Four girls."
    assert _found(street, text) == ["2 Stirches Wynd", "12 Ladhope Brae"]
    text = "a furnished flat, flat 2F1, 9 Drumdryan Court, EH16 4QX."
    assert _found(street, text)[0] == "flat 2F1, 9 Drumdryan Court"
    text = "Got a flat. Flat two, eleven Heol y Bryniau, back down this end."
    assert _found(street, text) == ["Flat two, eleven Heol y Bryniau"]
    # With no number before it, the Welsh street is a place, not an address.
    assert _found(street, "We lived up Heol y Bryniau then.") == ["Heol y Bryniau"]
    spoken = SpokenPhoneRecognizer()
    text = "I gie it oot. Oh seven seven double-oh, nine double-oh, four yin three. Ye can."
    assert _found(spoken, text) == ["Oh seven seven double-oh, nine double-oh, four yin three"]
    assert _found(spoken, "That yin there, the big yin.") == []


def test_figures_read_out_one_by_one_with_no_letter() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = CaseReferenceRecognizer()
    text = "to the police, everybody. 2 3 7 1 9 4 0 6. I can say it in my sleep."
    assert _found(rec, text) == ["2 3 7 1 9 4 0 6"]
    # Too few figures, or a phone number (the phone recognizer's), are not this.
    assert _found(rec, "we counted 1 2 3 4 5 and ran") == []
    assert _found(rec, "my number is 0 7 7 0 0 9 0 0 1 2 3") == []


def test_a_hospital_by_its_initials_where_the_talk_is_of_hospital() -> None:
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import HospitalInitialsRecognizer
    from qualkit.deid.words import Lexicon

    context = RecognizerContext(lexicon=Lexicon(others=["yeah"]), lists=DeidLists(allow=["QEH"]))
    rec = HospitalInitialsRecognizer(context)
    text = "He phoned the ambulance and they took me tae the BGH. Then a week in the RVI."
    assert _found(rec, text) == ["BGH", "RVI"]
    # No talk of hospital; a scan or an infection; a Roman numeral; a shouted word; allowed.
    assert _found(rec, "We went to the BGH for a drink.") == []
    text = "The consultant sent me for an MRI, then to the MRI, I had a UTI, in the UTI ward."
    assert _found(rec, text) == []
    assert _found(rec, "The hospital, in the VI form. The ward said to the YEAH.") == []
    assert _found(rec, "the ambulance went to the QEH") == []


def test_two_surnames_joined_by_and_near_a_word_for_a_firm() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import FirmRecognizer
    from qualkit.deid.words import Lexicon

    surname, first = NameStats(last_gb=300), NameStats(first_gb=12, last_gb=2400)
    names = {"ferris": surname, "boyd": surname, "walsh": surname, "crowther": surname}
    names |= {"stewart": surname, "lloyd": surname, "tom": first, "green": surname}
    context = RecognizerContext(lexicon=Lexicon(others=["green"]), gazetteer=Gazetteer(names))
    rec = FirmRecognizer(context)
    text = "I had to get a solicitor, Mr Ferris from Ferris and Boyd in Ballyclare."
    assert _found(rec, text) == ["Ferris and Boyd"]
    assert _found(rec, "a solicitor, from walsh and crowther, on legal aid") == [
        "walsh and crowther"
    ]
    assert _found(rec, "My da was on the furnaces at Stewarts and Lloyds.") == [
        "Stewarts and Lloyds"
    ]
    # A first name, an everyday word, or no word for a firm near it.
    assert _found(rec, "the solicitor saw Tom and Boyd") == []
    assert _found(rec, "the solicitor's office, Green and Boyd") == []
    assert _found(rec, "We saw Ferris and Boyd down the pub.") == []


def test_a_word_of_where_before_an_allowed_place_makes_no_name_of_it() -> None:
    from qualkit.deid.analyzer import _only_generic_outside
    from qualkit.deid.spans import PERSON, Detection

    text = "the Glanmor Lodge. Outside Caerphilly, near the big road. Caerphilly Road."
    start = text.index("Outside")
    det = Detection(start, start + len("Outside Caerphilly"), PERSON)
    assert _only_generic_outside(text, det, [(start + 8, det.end)])
    start = text.index("Caerphilly Road")
    det = Detection(start, start + len("Caerphilly Road"), PERSON)
    assert not _only_generic_outside(text, det, [(start, start + 10)])


def test_ages_in_welsh_with_or_without_the_word_for_years() -> None:
    from qualkit.deid.numwords import other_language_numbers
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    welsh = other_language_numbers(("cy",))
    assert welsh["bum deg pump"] == welsh["hanner cant a phump"] == 55
    assert welsh["bedwar ar bymtheg"] == welsh["pedair ar bymtheg"] == 19
    rec = AgeRecognizer()
    text = "Dw i'n bum deg pump oed. Roedd o'n bedwar ar bymtheg. Ti'n saith mis oed rŵan."
    assert _found(rec, text) == ["bum deg pump", "bedwar ar bymtheg", "saith"]
    # Up to ten, with no word for years, "yn" and a number is as often something else.
    assert _found(rec, "Mae hi'n deg. Mae hi'n naw.") == []


def test_references_in_groups_of_figures_and_collar_numbers() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = CaseReferenceRecognizer()
    text = "it was 4471 0923 8, then log number 24 000 318 77. Action Fraud: NFRC2310 0448 712."
    assert sorted(_found(rec, text)) == ["24 000 318 77", "4471 0923 8", "NFRC2310 0448 712"]
    # A phone number, a run of years, or too few figures.
    assert _found(rec, "ring 07700 900 413, in 1998 2003 2010, or 12 34 5") == []
    assert _found(rec, "It's on the back. Oh 7700 900 318. Born 14 03 1980.") == []
    text = "collar number 1147, as if I'm giving evidence. PC Jones, collar two-two-six-one."
    assert _found(rec, text) == ["1147", "two-two-six-one"]


def test_a_code_of_capitals_a_space_and_figures_and_five_digits_after_two_letters() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    refs = CaseReferenceRecognizer()
    assert "GPS 4077193B" in _found(refs, "It's GPS 4077193B, for the record.")
    assert _found(refs, "I paid A 123456 pounds, about.") == []
    spoken = SpokenReferenceRecognizer()
    text = "She give me the number for the case, H L four four seven two one, I say it."
    assert _found(spoken, text) == ["H L four four seven two one"]
    assert _found(spoken, "the number for the case, H four four seven two one, I say") == []


def test_the_age_a_stretch_of_life_began_at() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer

    rec = AgeRecognizer()
    text = "at the mosque, from like six till I was thirteen. I was fifteen first time."
    assert sorted(_found(rec, text)) == ["fifteen", "six", "thirteen"]
    assert "6" in _found(rec, "i wis in care fae 6 till i wis 18 n now")
    assert _found(rec, "From 9 to 5 I was at work, from ten till we were done.") == []


def test_an_allowed_place_after_a_kind_of_organisation_and_of_is_part_of_its_name() -> None:
    from qualkit.deid.analyzer import _KIND_OF

    text = "I applied to the University of Winchester. The Job Centre in Winchester."
    assert _KIND_OF.search(text, 0, text.index("Winchester"))
    assert not _KIND_OF.search(text, 0, text.rindex("Winchester"))


def test_initials_with_mc_a_short_dotted_handle_and_a_letter_with_six_figures() -> None:
    from qualkit.deid.recognizers.names import InitialsRecognizer
    from qualkit.deid.recognizers.numbers import SocialHandleRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, SpokenReferenceRecognizer

    assert "EMcC" in _found(InitialsRecognizer(), "An older lady, EMcC. She was 71.")
    text = "on snap he made new accounts. deeksy.k and d.money23 and more. See gov.uk."
    assert sorted(_found(SocialHandleRecognizer(), text)) == ["d.money23", "deeksy.k"]
    refs = CaseReferenceRecognizer()
    assert _found(refs, "every time you have bloods. K447193. I could say it") == ["K447193"]
    assert _found(refs, "it cost £123456 or K44719 then") == []
    text = "I have the number. Is five three five five, oh four seven one, two two nine oh, six "
    text += "six one eight."
    assert _found(SpokenReferenceRecognizer(), text) == [
        "five three five five, oh four seven one, two two nine oh, six six one eight"
    ]


def test_a_day_of_the_week_with_a_day_of_the_month_and_a_pitch_in_words() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer

    dates = CalendarDateRecognizer()
    text = "a joint visit on Monday the 10th, and next Tuesday the nineteenth."
    assert _found(dates, text) == ["Monday the 10th", "Tuesday the nineteenth"]
    assert _found(dates, "on Monday the team came") == []
    street = StreetRecognizer()
    assert _found(street, "round the back, pitch twenty-two, cash every month") == [
        "pitch twenty-two"
    ]
    assert _found(street, "a pitch twenty feet wide, reading the room twenty-four seven.") == []


def test_years_of_age_a_baby_like_three_weeks_and_a_day_by_its_number_in_words() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer

    ages = AgeRecognizer()
    assert _found(ages, "My mother, eighty years of age, reading about me.") == ["eighty"]
    assert _found(ages, "first time when she was like three weeks. Cerys brought her") == [
        "three weeks"
    ]
    assert _found(ages, "It was like three weeks. Eighty years of history.") == []
    dates = CalendarDateRecognizer()
    assert "twelve of May" in _found(dates, "Last year. The twelve of May. I remember")
    assert _found(dates, "the two of us went, the three of them went too") == []


def test_police_computer_numbers_and_a_number_given_as_someones_id() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "for D, the PNC's 21/0193847Q, and my interpreter ID is 70215, if you need it."
    assert sorted(_found(refs, text)) == ["21/0193847Q", "70215"]
    assert _found(refs, "open 24/7, in 2019/2020, id say 40000 people") == []


def test_articles_inside_gaelic_and_welsh_names_of_streets_and_organisations() -> None:
    from qualkit.deid.recognizers.organisations import (
        NamedOrganisationRecognizer,
        WelshOrganisationRecognizer,
    )
    from qualkit.deid.recognizers.places import StreetRecognizer

    street = StreetRecognizer()
    assert _found(street, "And the address, flat 4, 18 Cnoc na Mara, HS1 9QZ.") == [
        "flat 4, 18 Cnoc na Mara"
    ]
    assert _found(street, "that's 14 Maes y Dderwen, till then") == ["14 Maes y Dderwen"]
    assert _found(street, "He's in flat 9, Ashgrove a few doors up.") == ["flat 9, Ashgrove"]
    orgs = NamedOrganisationRecognizer()
    assert _found(orgs, "at the health centre, the Ceann a Deas Centre, and") == [
        "Ceann a Deas Centre"
    ]
    assert _found(orgs, "he came from Liverpool for a bar job") == []
    welsh = WelshOrganisationRecognizer()
    assert _found(welsh, "a breakfast club at Caffi'r Bont on Saturday") == ["Caffi'r Bont"]


def test_a_hedged_age_and_a_day_by_its_number_before_a_capitalised_month() -> None:
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer

    ages = AgeRecognizer()
    text = "my father he left when I was six, maybe seven. So I worked"
    assert _found(ages, text) == ["six", "seven"]
    assert _found(ages, "I was six, maybe ten people there") == ["six"]
    dates = CalendarDateRecognizer()
    assert "Twenty-eight November" in _found(dates, "Participant: Twenty-eight November.")
    assert _found(dates, "one May morning, we had five may come") == []


def test_a_nickname_before_who_gave_it_a_flat_after_its_and_figures_alone() -> None:
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    nick = NicknameRecognizer()
    assert "Cobbler" in _found(nick, "Ray. Cobbler, the lads called me, in the Corps.")
    assert _found(nick, "Anyway, they called me back. So, they called me.") == []
    street = StreetRecognizer()
    assert _found(street, "my own flat inside it. It's flat 4. There's a cat") == ["flat 4"]
    assert _found(street, "the field, it's flat 4 miles out") == []
    refs = CaseReferenceRecognizer()
    text = "My prisoner number's on it. 143287. She wrote that down."
    assert _found(refs, text) == ["143287"]
    assert _found(refs, "The number of people went up. In 2019. 14000. Then 5000.") == []


def test_scots_pronouns_and_dialect_words_begin_no_name_and_gaelic_is_a_language() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.words import Lexicon

    detector = _bare_detector({})
    text = "Ah'd never sign. Ah'm Alec. That's where Ah am noo."
    assert detector._clean_ner(text, 0, 10, "PERSON") is None  # "Ah'd never"
    assert detector._clean_ner(text, 17, 26, "PERSON") == (22, 26)  # "Ah'm Alec"
    assert detector._clean_ner(text, 41, 50, "PERSON") is None  # "Ah am noo"
    lexicon = Lexicon(nouns=["sitting"])
    assert lexicon.is_known("sittin") and not lexicon.is_known("dustin")
    gazetteer = Gazetteer({"welsh": NameStats(last_gb=900)})
    assert "Gaelic" in gazetteer.language_names()


def test_a_word_before_its_spelling_a_phone_numbers_tail_and_a_collar_after_a_name() -> None:
    from qualkit.deid.recognizers.names import SpeltOutRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer, UkPhoneRecognizer

    text = "at example dot com. Cel is C-E-L. And that's Kim's."
    assert _found(SpeltOutRecognizer(), text) == ["C-E-L", "Cel"]
    text = "my numbers 07700 900 263. wait no. 900 236. 07700 900236. In 2019, 100 200 people."
    assert sorted(_found(UkPhoneRecognizer(), text)) == [
        "07700 900 263",
        "07700 900236",
        "900 236",
    ]
    refs = CaseReferenceRecognizer()
    assert _found(refs, "sheep worrying. PC Grieve, 5512, and me went out.") == ["5512"]


def test_a_lower_case_copy_of_a_name_seeds_no_one_word_short_form() -> None:
    from qualkit.deid.propagation import PROPAGATION_RECOGNIZER, Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "the Hope Night Shelter. then a night shelter. every night."
    named, copy = text.index("Night Shelter"), text.index("night shelter")
    seeds = [
        Detection(named, named + 13, "ORGANIZATION", 0.8, "NamedOrganisationRecognizer"),
        Detection(copy, copy + 13, "ORGANIZATION", 0.7, PROPAGATION_RECOGNIZER),
    ]
    terms = {t.text for t in Propagator(Lexicon(nouns=["night"])).terms_from(text, seeds)}
    assert "night" not in terms and "Night" in terms


def test_a_maiden_name_a_kin_then_a_name_a_nickname_in_lower_case_and_a_flat_after_and() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import (
        IntroducedNameRecognizer,
        KinshipNameRecognizer,
        NicknameRecognizer,
    )
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    text = "Selina Loveridge, I was a Cooper before I married. Her maiden name was Boswell."
    assert _found(IntroducedNameRecognizer(), text) == ["Cooper", "Boswell"]
    names = Gazetteer({"will": NameStats(first_gb=40), "dai": NameStats(first_gb=900)})
    context = RecognizerContext(lexicon=Lexicon(nouns=["milk"]), gazetteer=names)
    text = "A: My grandson. Will. He's seventeen. My mum. Never. That was it."
    assert _found(KinshipNameRecognizer(context), text) == ["Will"]
    text = "the milk round for years, Dai the milk, he let me sleep in his barn."
    assert "Dai the milk" in _found(NicknameRecognizer(context), text)
    assert _found(StreetRecognizer(), "Q: Lovely. And flat 12. OK.") == ["flat 12"]


def test_a_code_with_spaces_after_a_word_for_a_number_and_an_email_read_back() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    text = "The referral number was DTR 5521 MD, I've still got it. He said 2021 AD."
    found = _found(CaseReferenceRecognizer(), text)
    assert "DTR 5521 MD" in found and not any("2021" in f for f in found)
    text = "it's tanisha.warrior.dy4@gmail.com. INT: tanisha dot warrior dot d y four at gmail. ok"
    assert "tanisha dot warrior dot d y four at gmail" in _found(SpokenEmailRecognizer(), text)


def test_figures_given_back_as_mine_and_a_kinship_word_that_is_a_name_after_a_sister() -> None:
    from qualkit.deid.gazetteer import NameStats
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "you're known by your number half the time. mine was 118824, i'll never forget"
    assert _found(refs, text) == ["118824"]
    assert _found(refs, "the number of beds went down. mine was 25000, the rent") == []
    assert _found(refs, "We had a lovely time. Mine was 118824, I think.") == []
    detector = _bare_detector({"nan": NameStats(first_gb=1575)})
    text = "Some days he thinks I'm his sister Nan. My Nan was lovely."
    assert detector._clean_ner(text, 35, 38, "PERSON") == (35, 38)
    assert detector._clean_ner(text, 43, 46, "PERSON") is None


def test_conditions_named_after_their_describers_are_allowed() -> None:
    from qualkit.deid.lists import DEFAULT_ALLOW

    allowed = set(DEFAULT_ALLOW)
    assert {"Alzheimer's", "Korsakoff's", "Parkinson's"} <= allowed
    assert "Parkinson" not in allowed  # a surname without the possessive


def test_a_greeted_short_name_a_flat_by_number_a_hyphened_number_after_a_letter_a_ship() -> None:
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer
    from qualkit.deid.recognizers.organisations import NamedOrganisationRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    assert _found(IntroducedNameRecognizer(), "'e said, ey up Tel, what took yer") == ["Tel"]
    detector = _bare_detector({})
    text = "An' 'e said, ey up Tel, what took yer so long? Tel: 01632 960111"
    assert detector._clean_ner(text, 19, 22, "PERSON") == (19, 22)
    assert detector._clean_ner(text, 47, 50, "PERSON") is None  # a header's label
    text = "He says, flat number 9, Beechfield Court, ST14 7QX, he wants you to know"
    assert "flat number 9, Beechfield Court" in _found(StreetRecognizer(), text)
    refs = CaseReferenceRecognizer()
    text = "My number's still in my head. A-double-four-seven-one. You never forget it."
    assert _found(refs, text) == ["A-double-four-seven-one"]
    assert _found(refs, "It was A-one-two, the flat upstairs") == []
    text = "We did the Gulf, then later HMS Dauntsey, off Sierra Leone. Hms, he said."
    assert _found(NamedOrganisationRecognizer(), text) == ["HMS Dauntsey"]


def test_a_word_of_weight_before_an_allowed_place_makes_no_name_of_it() -> None:
    from qualkit.deid.analyzer import _only_generic_outside
    from qualkit.deid.spans import Detection

    text = "P1: Mainly Leek, but since 2022. Then Leek Road."
    det = Detection(4, 15, "PERSON", 0.85, "SpacyRecognizer")
    assert _only_generic_outside(text, det, [(11, 15)])
    det = Detection(38, 47, "LOCATION", 0.85, "StreetRecognizer")
    assert not _only_generic_outside(text, det, [(38, 42)])


def test_scots_digits_a_house_by_number_and_letter_rough_ages_years_and_lower_case_gyms() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.numbers import AgeRecognizer, CalendarDateRecognizer
    from qualkit.deid.recognizers.organisations import LowerNamedOrganisationRecognizer
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    text = "It's... Oh seven seven double oh, nine double oh, fower five two. Is that right?"
    assert _found(SpokenPhoneRecognizer(), text) == [
        "Oh seven seven double oh, nine double oh, fower five two"
    ]
    text = "A one-bedroom flat, ground floor, four B Quarrybank Road. Wi a wee gairden."
    assert _found(StreetRecognizer(), text) == ["four B Quarrybank Road"]
    ages = _found(AgeRecognizer(), "They didna want a cattleman. Sixty-odd year auld wi a back.")
    assert ages == ["Sixty-odd"]
    dates = _found(CalendarDateRecognizer(), "he dee'd in twenty-twenty-one, and his son")
    assert dates == ["twenty-twenty-one"]
    assert _found(CalendarDateRecognizer(), "twenty-twenty hindsight, that") == []
    rec = LowerNamedOrganisationRecognizer(RecognizerContext(lexicon=Lexicon(others=["so"])))
    text = "kicked out of school. hollowburn high. a boxing gym, eskside boxing, it was so high"
    assert _found(rec, text) == ["hollowburn high", "eskside boxing"]


def test_a_list_of_things_letters_in_the_plural_and_an_email_word_in_lower_case() -> None:
    from qualkit.deid.gazetteer import NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import UnknownCapitalisedRecognizer
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import DIALECT_WORDS, Lexicon

    rec = GlossedNameRecognizer(RecognizerContext(lexicon=Lexicon()))
    assert _found(rec, "The forms, the money, the school, the doctor. Too much.") == []
    assert _found(rec, "I'm with Rise, the drug service.") == ["Rise"]
    assert _found(rec, "just come into the office, it's Unit 3, 40 Station Road") == []
    assert _found(rec, "before they lose the tenancy, the Housing Options model") == []
    caps = UnknownCapitalisedRecognizer(RecognizerContext(lexicon=Lexicon()))
    assert _found(caps, "we use B and Bs on the coast, and Mo came too") == ["Mo"]
    assert _found(caps, "He's a good boy, Os. Bless him.") == ["Os"]
    text = "It's the B&Bs the council uses."
    assert _bare_detector({})._clean_ner(text, 11, 13, "PERSON") is None
    detector = _bare_detector({"nails": NameStats(last_gb=3400)})
    detector.lexicon = Lexicon(nouns=["nails"])
    text = "i do nails from my flat. its kaykay.nails06@gmail.com ok. nails again"
    email = Detection(text.index("kaykay"), text.index(" ok"), "EMAIL_ADDRESS", 1.0)
    found = detector._names_in_email_addresses(text, [email])
    assert [text[d.start : d.end] for d in found] == ["kaykay.nails06@gmail.com"]
    assert {"weel", "onybody", "dinna"} <= DIALECT_WORDS


def test_a_nickname_word_before_an_unknown_word_in_lower_case() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.words import Lexicon

    rec = NicknameRecognizer(RecognizerContext(lexicon=Lexicon(nouns=["stuff", "spliff"])))
    text = (
        "i was at the gym. big dunky says im too negative. whos big dunky? my pal. "
        "then big stuff happened, a big spliff. i dont know. i didnt go. i was tired. i "
        "said no. i left. i cried."
    )
    assert _found(rec, text) == ["big dunky", "big dunky"]


def test_a_code_given_in_lower_case_a_number_after_scots_wis_and_figures_from_zero() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    rec = CaseReferenceRecognizer()
    assert _found(rec, "my pin is 19 j 07 12 c, i know it") == ["19 j 07 12 c"]
    assert _found(rec, "Ma prison number wis 172403. You never forget it.") == ["172403"]
    assert _found(rec, "my DBS number? 001739244518. I know it.") == ["001739244518"]
    assert _found(rec, "one open here, lp-2024-0317, that's the format") == ["lp-2024-0317"]
    # A phone number is the phone recognizer's; a count after "number is" is no code.
    assert _found(rec, "my number is 07700900123 ok") == []
    assert _found(rec, "the number is 2 a day, or 3 a day") == []


def test_numbers_left_for_the_possible_list() -> None:
    from qualkit.deid.recognizers.uk import possible_numbers

    def listed(text: str) -> list[str]:
        return [text[s:e] for s, e in possible_numbers(text)]

    said = "the number is zero five six, two nine one, four three seven. Oh, you needn't."
    assert listed(said) == ["zero five six, two nine one, four three seven"]
    assert listed("the gate code, 40 3382 17, they changed it") == ["40 3382 17"]
    # Years, times, amounts and short counts are left off.
    assert listed("from 2019 2020 to 10:30, £12000 or 12,000, room 12, two three four") == []


def test_a_digit_of_a_number_read_out_is_no_age() -> None:
    from qualkit.deid.numwords import dictated_runs, in_dictated_run
    from qualkit.deid.recognizers.numbers import not_an_age

    text = "it's zero five six, two nine one, four three seven. I was six then."
    assert [text[s:e] for s, e in dictated_runs(text)] == [
        "zero five six, two nine one, four three seven"
    ]
    six = text.index("six")
    assert in_dictated_run(text, six, six + 3) and not_an_age(text, six, six + 3)
    later = text.rindex("six")
    assert not in_dictated_run(text, later, later + 3) and not not_an_age(text, later, later + 3)


def test_a_name_set_off_after_a_person_and_where_they_are_from() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(others=["long", "polish", "there", "also"])
    names = {"long": NameStats(first_countries=2)}
    rec = AppositiveNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names)))
    text = "Another boy was there also, Long, from Hai Phong, older. A lad, Polish, from Gdansk."
    assert _found(rec, text) == ["Long"]
    # Words about where the person is from are not about the person: "the council, Derby".
    assert _found(rec, "A woman from the council, Derby, from the start.") == []


def test_a_prison_named_in_lower_case() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import LowerNamedOrganisationRecognizer
    from qualkit.deid.words import Lexicon

    rec = LowerNamedOrganisationRecognizer(
        RecognizerContext(lexicon=Lexicon(others=["prison", "think", "he's", "in", "for"]))
    )
    text = "i think he's in nottingham prison. he was in prison for years."
    assert _found(rec, text) == ["nottingham prison"]


def test_an_initial_after_a_title_in_lower_case_and_codes_of_other_shapes() -> None:
    from qualkit.deid.recognizers.names import TitleNameRecognizer
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    titles = TitleNameRecognizer()
    assert _found(titles, "so i tell mrs p in the morning") == ["mrs p"]
    assert _found(titles, "i miss u. mr a. ms i") == []
    codes = CaseReferenceRecognizer()
    assert _found(codes, "written under it, RWE4418926, because") == ["RWE4418926"]
    assert "M1 0 9 4 5 7 3" in _found(codes, "[reading from letter] M1 0 9 4 5 7 3. ok")


def test_a_lower_case_word_whose_age_is_given_is_a_name() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import LowercaseNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["sofia", "pearl"], others=["rent", "hope"])
    names = {"sofia": NameStats(first_countries=10), "hope": NameStats(first_countries=6)}
    rec = LowercaseNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer(names)))
    text = "four kids. sofia is eleven, nikolka is two. the rent is forty, and hope is nine."
    assert _found(rec, text) == ["nikolka", "sofia"]
    # Capitalised too, where a sentence begins: "Sofia is eleven."
    text = "Two girls. Sofia is eleven and Nikolka is two. Rent is forty. Hope is nine."
    assert _found(rec, text) == ["Sofia", "Nikolka"]
    # A known word that is no first name in many countries is not taken: "pearl is ten".
    assert _found(rec, "they cost a lot. pearl is ten, i think.") == []


def test_a_full_stop_then_the_kind_of_a_service_glosses_nothing() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = GlossedNameRecognizer(RecognizerContext(lexicon=Lexicon(others=["garden", "kitchen"])))
    text = "a garden for the children. the housing lady, ceri, she helps. the nest. it's a hostel."
    assert _found(rec, text) == ["nest"]
    assert _found(rec, "The women. The group. She says so.") == []
    # After "at" or "with", a kind alone after a full stop still glosses.
    assert _found(rec, "my worker at open door. the youth hub. shes great") == ["open door"]


def test_a_reflexive_pronoun_in_dialect_is_no_name() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import IntroducedNameRecognizer
    from qualkit.deid.words import Lexicon

    rec = IntroducedNameRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "I don't know what to do with meself in a close. I met masel. I was with Gaynor."
    assert _found(rec, text) == ["Gaynor"]


def test_a_shorter_number_read_out_a_little_after_a_word_for_one() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "I can still tell ye me number, would ye believe that. four eight seven one three."
    assert _found(rec, text) == ["four eight seven one three"]
    text = "me badge number off by heart, PH nought four one seven, it's like"
    assert _found(rec, text) == ["PH nought four one seven"]
    text = "the staff number, they got it wrong, I was four double oh one seven, and"
    assert _found(rec, text) == ["four double oh one seven"]
    # Far from such a word, or counting, five digits are no number.
    assert _found(rec, "We talked for ages. Then four eight seven one three, he said.") == []
    assert _found(rec, "my number's in the book. one two three four five, go!") == []


def test_an_ambiguous_month_right_before_a_year_is_a_date() -> None:
    from qualkit.deid.recognizers.numbers import CalendarDateRecognizer

    rec = CalendarDateRecognizer()
    assert "march" in _found(rec, "hollings court, yes. march twenty twenty-two. he came")
    assert "may" not in _found(rec, "i may twenty times have said it")


def test_english_words_before_a_kind_of_service_are_no_name_without_a_lead() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["theory", "town", "patients", "service", "leaf"], others=["new"])
    rec = GlossedNameRecognizer(RecognizerContext(lexicon=lexicon))
    text = (
        "Well, in theory, the prison should. I tried the surgery in town, the health centre, "
        "no. Your name, the service, patients, places. I'm with new leaf, the drug service."
    )
    assert _found(rec, text) == ["new leaf"]


def test_scots_digit_words_in_a_number_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    assert spoken_digits(["wan", "seven", "three", "fower", "twa", "sax"]) == "173426"
    assert spoken_digits(["fower", "one", "echt", "seeven", "thrie"]) == "41873"
    phone = SpokenPhoneRecognizer()
    text = "It's richt. Oh seven seven double oh, nine hunner, fower one echt. That's it."
    assert _found(phone, text) == ["Oh seven seven double oh, nine hunner, fower one echt"]
    refs = SpokenReferenceRecognizer()
    text = "They gie ye a number in there. Wan-seven-three, fower-twa-sax. Isn't that daft"
    assert _found(refs, text) == ["Wan-seven-three, fower-twa-sax"]


def test_a_registration_in_lower_case_and_a_code_after_someones_own_number() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    assert _found(refs, "one of them ran my plate, cx08 wdk, and said oh") == ["cx08 wdk"]
    assert _found(refs, "the mp3 player, ab12 cd and that") == []
    text = "my staff number's on all our internal stuff, AH4471, and HR would have me"
    assert _found(refs, text) == ["AH4471"]
    text = "The application number. It was long ago. We met on the stairs, room AH4471 upstairs."
    assert _found(refs, text) == []  # nobody's own number
    text = "what's your Home Office number? Always I know. M1209 4471. Every letter."
    assert _found(refs, text) == ["M1209 4471"]


def test_consonants_typed_apart_before_a_reference_are_its_letters() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "a reference number for the housing list, its hs 2 3 0 4 4 1 7. i wrote it"
    assert _found(refs, text) == ["hs 2 3 0 4 4 1 7"]
    text = "a reference number for the housing list, it is 2 3 0 4 4 1 7. i wrote it"
    assert _found(refs, text) == ["2 3 0 4 4 1 7"]  # "is" is a word


def test_a_house_by_number_on_a_welsh_street_takes_the_word_number() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "And then the property, number 9, Heol Dewi, oh, I shouldn't say"
    assert _found(street, text) == ["number 9, Heol Dewi"]
    assert _found(street, "she moved to 27 Heol Sirhowy last year") == ["27 Heol Sirhowy"]
    text = "behind the front, number seven, Rhes Gwylan. You don't forget"
    assert _found(street, text) == ["number seven, Rhes Gwylan"]


def test_a_kind_that_begins_a_clause_of_its_own_glosses_nothing() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import GlossedNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(nouns=["recording", "money", "housing"])
    rec = GlossedNameRecognizer(RecognizerContext(lexicon=lexicon))
    assert _found(rec, "just for the recording, the drop-in's in Holywell, yes") == []
    text = "the DWP has the money, the school knows the kid's asleep. It's money, it's housing."
    assert _found(rec, text) == []
    assert _found(rec, "I go to the Nest, the drop-in, on Fridays") == ["Nest"]


def test_a_lower_case_word_seen_after_an_article_is_a_thing() -> None:
    from qualkit.deid.gazetteer import Gazetteer
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import LowercaseNameRecognizer
    from qualkit.deid.words import Lexicon

    lexicon = Lexicon(others=["rest", "six", "weeks", "appointment"])
    rec = LowercaseNameRecognizer(RecognizerContext(lexicon=lexicon, gazetteer=Gazetteer({})))
    text = "rest, six weeks, then physio. I go for the physio appointment."
    assert _found(rec, text) == []
    assert "kez" in _found(rec, "rest, six weeks, then kez. I go with kez.")


def test_a_reply_or_a_cry_starts_no_name() -> None:
    detector = _bare_detector({})
    text = '"Aye Farmer, fit like the day?" Oh Karen, no.'
    assert detector._clean_ner(text, 1, 11, "PERSON") == (5, 11)  # "Farmer"
    assert detector._clean_ner(text, 32, 40, "PERSON") == (35, 40)  # "Karen"


def test_a_double_first_name_is_said_short_even_when_the_short_form_is_kin() -> None:
    from qualkit.deid.propagation import Propagator
    from qualkit.deid.spans import Detection
    from qualkit.deid.words import Lexicon

    text = "And this is Lola-Mae. I sent a card when Lola was born. Say thank you, Lola."
    seed = Detection(12, 20, "PERSON", 0.89, "IntroducedNameRecognizer")
    prop = Propagator(Lexicon(others=["lola"]), first_name=lambda w: w == "lola")
    terms = prop.terms_from(text, [seed])
    found = {(d.start, text[d.start : d.end]) for d in prop.mentions(text, terms)}
    assert {(41, "Lola"), (71, "Lola")} <= found
    # Not a first name anywhere: the word for kin alone is no short form of the name.
    prop = Propagator(Lexicon(others=["lola"]))
    assert "Lola" not in {t.text for t in prop.terms_from(text, [seed])}


def test_a_country_set_off_by_commas_is_nobodys_name() -> None:
    from qualkit.deid.gazetteer import Gazetteer, NameStats
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import AppositiveNameRecognizer
    from qualkit.deid.words import Lexicon

    names = {"philippines": NameStats(place=106_651_922), "rosa": NameStats(first_countries=8)}
    context = RecognizerContext(lexicon=Lexicon(), gazetteer=Gazetteer(names))
    rec = AppositiveNameRecognizer(context)
    assert _found(rec, "We were poor there. Philippines, my lola, she raised us.") == []
    assert _found(rec, "We were poor there. Rosa, my lola, she raised us.") == ["Rosa"]


def test_a_capitalised_run_ends_before_how_someone_speaks() -> None:
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import CapitalisedPhraseRecognizer
    from qualkit.deid.words import Lexicon

    rec = CapitalisedPhraseRecognizer(RecognizerContext(lexicon=Lexicon(), lists=DeidLists()))
    assert _found(rec, "he laughs. That's Tranent English, you know.") == []
    assert _found(rec, "I came from Nghe An province.") == ["Nghe An"]
    assert _found(rec, "I go to Channel School of English twice.") == ["Channel School of English"]
    assert _found(rec, "he laughs. That's Bright Step Moor English, you know.") == [
        "Bright Step Moor"
    ]


def test_round_before_a_place_starts_no_name() -> None:
    detector = _bare_detector({})
    text = "like that round here. Round Meirionnydd. The farming people."
    assert detector._clean_ner(text, 22, 39, "PERSON") == (28, 39)


def test_a_family_by_its_surname_in_the_plural_is_a_possible_miss() -> None:
    from qualkit.deid.gazetteer import NameStats

    names = {"watson": NameStats(last_gb=44), "brown": NameStats(last_gb=4)}
    detector = _bare_detector(names, common=["brown"])
    text = "me and kai went to the watsons in livingston. the browns were nice. the cakes."
    assert [text[d.start : d.end] for d in detector._families(text)] == ["watsons"]


def test_a_flat_by_its_number_after_through() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "the scheme manager opens everything. Put it through flat twelve. Got it."
    assert _found(street, text) == ["flat twelve"]
    assert _found(street, "we went through flat two years ago") == []


def test_a_greeting_starts_no_name() -> None:
    detector = _bare_detector({})
    text = "Gareth 10:28\nAlright Tel. You're alright, butt."
    assert detector._clean_ner(text, 13, 24, "PERSON") == (21, 24)  # "Tel"


def test_a_framed_code_and_a_number_after_a_lower_case_letter() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "he said keep it safe. [rustling] Here it is. CA 4471 9082 LN. Is that any use?"
    assert _found(refs, text) == ["CA 4471 9082 LN"]
    assert _found(refs, "we sang it. CA 4471 LN. ok") == []  # one group: a word is needed
    text = "my student number is b00874213 if u want to look me up"
    assert _found(refs, text) == ["b00874213"]


def test_a_check_letter_after_a_stroke_ends_a_reference_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "Their reference, look, on the top, S M F stroke 0 0 8 8 3 1 stroke K. I've read it"
    assert _found(rec, text) == ["S M F stroke 0 0 8 8 3 1 stroke K"]
    text = "Their reference, look, on the top, S M F stroke 0 0 8 8 3 1 stroke. I've read it"
    assert _found(rec, text) == ["S M F stroke 0 0 8 8 3 1"]


def test_a_code_whose_letters_and_figures_take_turns_is_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenPostcodeRecognizer, SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "They see your status. Is like this: W K 7, 3 P X, 9 R N. I know it by heart."
    assert _found(rec, text) == ["W K 7, 3 P X, 9 R N"]
    text = "The postcode, B N 2, 4 X Y. That's the hostel."
    assert _found(rec, text) == []  # a postcode's letters and figures take turns twice
    assert _found(SpokenPostcodeRecognizer(), text) == ["B N 2, 4 X Y"]
    assert _found(rec, "so a 4 b 5 c 6 d 7, like a game") == []  # "a" is a word
    text = "my phone's o seven seven o o, nine o o, five one two. or snap me"
    assert _found(rec, text) == []  # "o" among figures is a zero


def test_an_address_read_out_with_its_end_spelt() -> None:
    from qualkit.deid.recognizers.contact import SpokenEmailRecognizer

    rec = SpokenEmailRecognizer()
    text = "Is rasa.kaz90@mailbox.lt. Read it back: R-A-S-A dot K-A-Z nine zero at mailbox dot L-T?"
    assert "R-A-S-A dot K-A-Z nine zero at mailbox dot L-T" in _found(rec, text)
    text = "it's jo dot marsh at example dot O-R-G, ok"
    assert _found(rec, text) == ["jo dot marsh at example dot O-R-G"]
    assert _found(rec, "it's jo dot marsh at example dot Q-Q-Q, ok") == []  # no top-level domain


def test_a_person_from_somewhere_then_the_name_others_gave_them() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.names import NicknameRecognizer
    from qualkit.deid.words import Lexicon

    nick = NicknameRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "one of them, this older guy from london they called t-bag, i never knew him"
    assert _found(nick, text) == ["t-bag"]
    text = "a guy from work they called back later"
    assert _found(nick, text) == []


def test_three_consonants_typed_apart_before_a_reference_are_its_letters() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    def reach(text: str) -> str:
        hits = list(CaseReferenceRecognizer().find(text))
        return text[min(h.start for h in hits) : max(h.end for h in hits)]

    text = "i got a reference number from the home office for it, nrm 2023 0 4 4 8 1 7, i had"
    assert reach(text) == "nrm 2023 0 4 4 8 1 7"
    text = "a reference number from the home office, hmm 2023 0 4 4 8 1 7, i had"
    assert reach(text) == "2023 0 4 4 8 1 7"  # "hmm" is a word


def test_someone_s_own_number_of_four_figures() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    assert _found(refs, "You'd clock in, me clock number were 4417, I can still") == ["4417"]
    assert _found(refs, "the number was 4417, people on the list") == []  # nobody's own
    assert _found(refs, "my number is 0441, the last four") == []


def test_twelve_digits_read_out_need_no_word_before_them() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "four four zero zero, one two three four, five six seven eight, nine zero one two."
    assert _found(rec, text) == [
        "four four zero zero, one two three four, five six seven eight, nine zero one two"
    ]
    text = "Is here, look. four four zero zero, one two three four, five six. I have"
    assert _found(rec, text) == []  # ten digits: a word that introduces them is needed
    text = "I owed him maybe one thousand one hundred, one thousand two hundred, in arrears"
    assert _found(rec, text) == []  # an amount, not digits read out


def test_a_day_after_a_name_is_no_part_of_it() -> None:
    detector = _bare_detector({})
    text = "There's a meeting in Totnes Saturdays and one in Dartmouth."
    assert detector._clean_ner(text, 21, 37, "LOCATION") == (21, 27)
    text = "I go tae North Berwick for my work."
    assert detector._clean_ner(text, 5, 22, "PERSON") == (9, 22)
    from qualkit.deid.analyzer import _before_day

    assert _before_day("Higher Coombe Sundays") == len("Higher Coombe")
    assert _before_day("Sunday") == len("Sunday")  # a day alone: no name is left to end


def test_a_title_and_a_name_are_no_organisation() -> None:
    from qualkit.deid.lists import DeidLists
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import CapitalisedPhraseRecognizer
    from qualkit.deid.words import Lexicon

    rec = CapitalisedPhraseRecognizer(RecognizerContext(lexicon=Lexicon(), lists=DeidLists()))
    assert _found(rec, "and the priest, Father Dominic, he see I am sad") == []
    assert _found(rec, "we went to Father Hudson House on the Monday") == ["Father Hudson House"]


def test_east_anglian_and_urdu_words_said_to_someone_are_no_names() -> None:
    from qualkit.deid.words import COURTESY_WORDS, DIALECT_WORDS

    assert {"bor", "mawther", "izzat"} <= DIALECT_WORDS
    assert {"diolch", "dyakuyu", "paldies"} <= COURTESY_WORDS
    assert not COURTESY_WORDS & DIALECT_WORDS  # a clause of Welsh stays Welsh


def test_an_allowed_phrase_with_an_apostrophe_after_a_word() -> None:
    from qualkit.deid.analyzer import _phrase_regex

    pattern = _phrase_regex(["Veterans NHS Wales"])
    assert pattern is not None
    assert pattern.search("referred me on to Veterans' NHS Wales, which is good")
    assert pattern.search("referred me on to Veterans’ NHS Wales.")
    assert not pattern.search("referred me on to Veterans' Wales.")


def test_a_pronoun_with_its_verb_begins_no_name() -> None:
    from qualkit.deid.recognizers.base import PRONOUN_AND_VERB

    for word in ("Ah'm", "they're", "It's", "that's", "ye’ll"):
        assert PRONOUN_AND_VERB.fullmatch(word), word
    for word in ("Ali's", "Kat's", "it"):
        assert not PRONOUN_AND_VERB.fullmatch(word), word
    detector = _bare_detector({})
    text = "She says It's Karen, every time."
    assert detector._clean_ner(text, 9, 19, "PERSON") == (14, 19)


def test_an_address_takes_the_house_name_given_before_its_number() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "post it just in case, the address is the old forge, 3 mill terrace, crickhowell."
    assert "the old forge, 3 mill terrace" in _found(street, text)
    text = "My address is, um, 3 Mill Terrace, ok."
    assert _found(street, text) == ["3 Mill Terrace"]
    text = "He gave his address as his gran's, 41 Ashgrove Road, in Pennyburn."
    assert _found(street, text) == ["41 Ashgrove Road"]


def test_four_figures_as_a_sentence_after_a_word_for_a_number() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "my clock number on the top like I was a... like a parcel. 4471. I can tell you"
    assert _found(refs, text) == ["4471"]
    assert _found(refs, "my clock number on the top like I was a... like a parcel. 1987.") == []
    assert _found(refs, "and the number of people in the queue. 4471. I can tell you") == ["4471"]


def test_lower_case_consonants_and_groups_of_figures_after_a_word_for_a_reference() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "oh and my case ref if u need it, its on all my letters, hsg 24 0613 q: no"
    assert _found(refs, text) == ["hsg 24 0613"]
    assert _found(refs, "the case was on the news, bbc 24 0613 or so") == ["bbc 24 0613"]
    assert _found(refs, "i watched bbc 24 0613 or so") == []  # no word for a reference


def test_a_reference_read_back_in_fewer_words() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "She says her number, EL-20317, she remembers it. Twenty, three, one, seven."
    assert "Twenty, three, one, seven" in _found(rec, text)
    assert _found(rec, "She says the number, she remembers it. Twenty, three, one, seven.") == []


def test_another_prison_named_after_one() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.organisations import PrisonRecognizer
    from qualkit.deid.words import Lexicon

    rec = PrisonRecognizer(RecognizerContext(lexicon=Lexicon()))
    text = "Released from HMP Norwich or Wayland, with a travel warrant."
    assert _found(rec, text) == ["HMP Norwich", "Wayland"]
    assert _found(rec, "I did HMP Norwich, then I was out.") == ["HMP Norwich"]


def test_an_act_of_parliament_is_never_masked() -> None:
    detector = _bare_detector({})
    text = "So the Renting Homes (Wales) Act came in. The Care Act 2014. Karen and the Care Act."
    spans = [text[s:e] for s, e in detector._allowed_spans(text)]
    assert spans == ["the Renting Homes (Wales) Act", "The Care Act 2014", "the Care Act"]


def test_figures_after_00_and_a_court_s_or_an_agency_s_case_number() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "I had to dig it out of an old payslip, 00417, and then they said"
    assert _found(refs, text) == ["00417"]
    assert _found(refs, "at 00:04:17, and then they said 007") == []
    text = "with the number at the top of every letter, BR 341 of 2019, I'll never"
    assert _found(refs, text) == ["BR 341 of 2019"]
    assert _found(refs, "we read page 4 of 2019 first") == []
    text = "I still remember our case number, LEB-16C04417, because every office"
    assert _found(refs, text) == ["LEB-16C04417"]
    assert _found(refs, "in COVID-19 times, and the M-25 too") == []


def test_capitals_apart_from_groups_of_figures_after_a_word_for_a_reference() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "We had one last month, the case number's PREV 23 0418, oh, I shouldn't"
    assert _found(refs, text) == ["PREV 23 0418"]
    assert _found(refs, "We had one last month, PREV 23 0418, oh, I shouldn't") == []


def test_someone_s_own_number_of_four_digits_read_out() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "I had tae give her my works number every time, four four seven one, like"
    assert _found(rec, text) == ["four four seven one"]
    text = "I had tae give them the number every time, four four seven one, like"
    assert _found(rec, text) == []  # nobody's own: five digits are needed


def test_a_word_for_a_parent_said_to_them_is_no_name() -> None:
    detector = _bare_detector({})
    text = "he just says hi Ma and then he's gone."
    assert detector._not_a_name(text, 18, 20, "PERSON")


def test_someone_s_own_number_read_out_from_00() -> None:
    from qualkit.deid.recognizers.uk import SpokenReferenceRecognizer

    rec = SpokenReferenceRecognizer()
    text = "read them my payroll number off my payslip, oh oh four four one seven, and they"
    assert _found(rec, text) == ["oh oh four four one seven"]
    text = "read them the number off the payslip, oh oh four four one seven, and they"
    assert _found(rec, text) == []  # nobody's own: perhaps a phone number begun


def test_two_groups_of_figures_and_a_code_as_a_sentence_after_a_word_for_a_number() -> None:
    from qualkit.deid.recognizers.uk import CaseReferenceRecognizer

    refs = CaseReferenceRecognizer()
    text = "We're a registered charity in our own right. 1179 046, if you need it."
    assert _found(refs, text) == ["1179 046"]
    assert _found(refs, "We're a registered charity since. 2019 2020, if you need it.") == []
    assert _found(refs, "We're a small group in our own right. 1179 046, if you need it.") == []
    assert _found(refs, "the team number, 07700 900 316. No wait") == []  # a phone's groups
    text = "hospital number up the top, D H four four seven one nine two. DH447192. They"
    assert "DH447192" in _found(refs, text)
    assert _found(refs, "we went there on the bus, it was late at night. DH447192. They") == []


def test_a_b_road_by_its_number() -> None:
    from qualkit.deid.recognizers.base import RecognizerContext
    from qualkit.deid.recognizers.places import StreetRecognizer
    from qualkit.deid.words import Lexicon

    street = StreetRecognizer(RecognizerContext(lexicon=Lexicon()))
    assert _found(street, "There's a lay-by on the B1105 I used a lot") == ["B1105"]
    assert _found(street, "the B12 vitamins, the B4 paper") == []
