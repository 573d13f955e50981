"""The faster paths of detection give what spaCy's own code gives: the attribute ruler's
array matching, and the scorer's token table."""

from __future__ import annotations

import spacy

from qualkit.deid.nlp import DEFAULT_MODEL, UNNEEDED_PIPES, load_spacy
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
