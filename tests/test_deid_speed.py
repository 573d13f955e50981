"""The faster paths of detection give what the plain code gives: NumPy's BLAS on one
thread in place of BLIS, the attribute ruler's array matching, the scorer's token table and
feature rows, propagation's grouped alternation, and the look-ahead before Presidio's URL
patterns."""

from __future__ import annotations

import spacy
from spacy.pipeline import AttributeRuler

from qualkit.deid.nlp import DEFAULT_MODEL, UNNEEDED_PIPES, load_spacy, one_blas_thread
from qualkit.deid.ruler import ArrayRuler

TEXTS = [
    "",
    "  \n\n ",
    "Interviewer: So y'all gonna tell me? Let's c'm on, I ain't got it.\n",
    "Participant: There is a hostel. There's Sam and Jo Bloggs, she gets it, I did have it.",
    "i was 16 when i got kicked out, me and kev went to leeds.\n\nit gets better",
    "Do it! I did. You know, it was her, it was the council's fault — or the GP's.",
]


def test_array_ruler_finds_what_the_matcher_finds() -> None:
    nlp = spacy.load(DEFAULT_MODEL, disable=list(UNNEEDED_PIPES))
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    compiled = ArrayRuler.compile(ruler)
    assert compiled is not None
    before = [name for name, _ in nlp.pipeline].index("attribute_ruler")
    for text in TEXTS:
        doc = nlp.make_doc(text)
        for _, pipe in nlp.pipeline[:before]:
            doc = pipe(doc)
        assert compiled.match(doc) == ruler.match(doc)


def test_pipeline_with_array_ruler_annotates_as_spacy_does() -> None:
    plain = spacy.load(DEFAULT_MODEL, disable=list(UNNEEDED_PIPES))
    fast = load_spacy(DEFAULT_MODEL, UNNEEDED_PIPES)
    for text in TEXTS:
        a, b = plain(text), fast(text)
        assert [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in a] == [
            (t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in b
        ]
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]


def test_pipeline_multiplies_with_numpy_blas_on_one_thread() -> None:
    from pathlib import Path

    from threadpoolctl import threadpool_info

    fast = load_spacy(DEFAULT_MODEL, UNNEEDED_PIPES)
    layers = [
        node
        for name in ("tok2vec", "tagger", "parser", "ner")
        for node in fast.get_pipe(name).model.walk()  # type: ignore[attr-defined]
    ]
    assert len(layers) > 100
    assert all(getattr(node.ops, "use_blis", True) is False for node in layers)

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    with one_blas_thread():
        assert blas_threads() == {1}
    assert blas_threads() == before

    plain = spacy.load(DEFAULT_MODEL, disable=list(UNNEEDED_PIPES))
    root = Path(__file__).resolve().parents[1]
    long_text = next((root / "corpora" / "sample" / "transcripts").glob("t*.txt")).read_text()
    with one_blas_thread():
        b = fast(long_text)
    a = plain(long_text)
    assert len(a) > 1000
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in a] == [
        (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in b
    ]


def test_token_table_reads_the_doc_as_its_tokens_do() -> None:
    from qualkit.deid.scorer import TokenTable

    nlp = load_spacy(DEFAULT_MODEL, UNNEEDED_PIPES)
    for text in TEXTS:
        doc = nlp(text)
        table = TokenTable(doc)
        assert table.text == [t.text for t in doc]
        assert table.lower == [t.lower_ for t in doc]
        assert table.pos == [t.pos_ for t in doc]
        assert table.dep == [t.dep_ for t in doc]
        assert table.ent_type == [t.ent_type_ for t in doc]
        assert table.head == [t.head.i for t in doc]
        assert table.sent_start == [bool(t.is_sent_start) for t in doc]
        assert [table.children.get(t.i, []) for t in doc] == [
            [c.i for c in t.children] for t in doc
        ]


def test_feature_rows_are_the_rows_of_the_features() -> None:
    from qualkit.deid.gazetteer import load_gazetteer
    from qualkit.deid.scorer import TokenTable, load_scorer
    from qualkit.deid.words import Lexicon

    scorer = load_scorer()
    assert scorer is not None
    nlp = load_spacy(DEFAULT_MODEL, UNNEEDED_PIPES)
    lexicon, gazetteer = Lexicon.from_spacy(nlp), load_gazetteer()
    extra = ["sue and tom came at 21, twenty-one, aged 9.\n\nJo: Sterling's in Leeds"]
    for text in TEXTS + extra:
        table = TokenTable(nlp(text))
        stats, candidates = table.stats(), table.candidates()
        plain = [
            [
                scorer._rows[f]
                for f in table.features(i, stats, lexicon, gazetteer)
                if f in scorer._rows
            ]
            for i in candidates
        ]
        fast = table.feature_rows(candidates, stats, lexicon, gazetteer, scorer._index)
        assert list(fast) == plain


def test_grouped_alternation_matches_as_the_plain_one() -> None:
    import regex as re

    from qualkit.deid.textutil import phrase_alternation

    def plain(phrases: list[str], gap: str) -> str:
        return "|".join(gap.join(re.escape(w) for w in p.split()) for p in phrases)

    text = (
        "Sam, sAm Smith and Sue-Ellen met Al at St. Anne's; Óscar and ÓSCAR, Ísak; al.\tsmith;"
        " İ and I, İsak, ısak, ISAK, \u212aim and \u017fam"
    )
    for phrases in (
        ["sam smith", "sue-ellen", "st. anne", "sam", "sue", "al"],
        ["Sam Smith", "the Al", "sam", "Sue", "SAM", "Al", "al", "s"],
        ["óscar", "ísak", "sam", "al"],
        ["Sam Smith", "Sam", "sam", "Al", "Óscar"],
        ["Isak", "isak", "I", "i", "Kim", "sam"],
    ):
        for flags in (re.IGNORECASE, 0):
            for gap in (r"[ \t]+", r"\s+"):
                grouped = phrase_alternation(phrases, gap, ignore_case=flags != 0)
                a = re.compile(rf"(?<!\w)(?:{plain(phrases, gap)})(?!\w)", flags)
                b = re.compile(rf"(?<!\w)(?:{grouped})(?!\w)", flags)
                assert [m.span() for m in b.finditer(text)] == [m.span() for m in a.finditer(text)]


def test_url_look_ahead_changes_no_match() -> None:
    import regex as re
    from presidio_analyzer.predefined_recognizers import UrlRecognizer

    from qualkit.deid.analyzer import _quick_url_pattern

    text = (
        "See www.bbc.co.uk, foo.Com. or http://a.b.org/x?y and 'nhs.uk' e.g. i.e. the end."
        " ...com a..com -x.com 1.2.net WWW3.EXAMPLE.ORG/path"
    )
    flags = re.DOTALL | re.MULTILINE | re.IGNORECASE
    for pattern in UrlRecognizer.PATTERNS:
        quick = _quick_url_pattern(pattern)
        assert quick.regex != pattern.regex
        plain = [m.span() for m in re.compile(pattern.regex, flags).finditer(text)]
        assert [m.span() for m in re.compile(quick.regex, flags).finditer(text)] == plain
