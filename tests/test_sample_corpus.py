"""The sample corpus: rendered transcripts are up to date, parse as their layout implies,
and every gold span points at its text.

Expected turns, speakers, interviewer and metadata are derived from each source file with
simple layout-specific rules, independently of :mod:`qualkit.importers.turns`. The same
checks run on ``corpora/sample`` and on a tiny corpus in ``tests/fixtures/importers/sample``
that is built into a temporary folder (it exercises merged cues, .vtt header notes,
look-alike words and escaping).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from qualkit.importers import parse_turns, read_text
from qualkit.model import SpeakerKind

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "sample"
FIXTURE_SAMPLE = Path(__file__).parent / "fixtures" / "importers" / "sample"
SOURCES = sorted((SAMPLE / "source").glob("t[0-9]*.txt"))
FIXTURE_SOURCES = sorted((FIXTURE_SAMPLE / "source").glob("t[0-9]*.txt"))
CASES = [("sample", p) for p in SOURCES] + [("fixture", p) for p in FIXTURE_SOURCES]
MARK = re.compile(r"\{\{([A-Z_]+)\|([^{}|]*)\}\}")
DIRECT = {
    "PERSON",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "UK_POSTCODE",
    "UK_NHS",
    "UK_NINO",
    "STREET_ADDRESS",
    "URL",
    "SOCIAL_HANDLE",
}
QUASI = {"LOCATION", "ORGANIZATION", "DATE_TIME", "AGE"}
HEADER_KEYS = {"interview id", "date", "mode", "length", "duration", "location", "interviewer"}
INTERVIEWER_NAMES = {"interviewer", "int", "q", "i", "researcher", "peer researcher"}


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_sample", ROOT / "corpora" / "build_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_sample", module)
    spec.loader.exec_module(module)
    return module


class Source:
    """A source file read with plain string handling."""

    def __init__(self, path: Path) -> None:
        raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        _, front, body = raw.split("---\n", 2)
        self.front = {
            k.strip(): re.sub(r"\s+#.*$", "", v).strip()
            for k, v in (line.split(":", 1) for line in front.splitlines() if ":" in line)
        }
        self.marked = body.strip("\n")
        self.plain = MARK.sub(lambda m: m.group(2), self.marked)
        lines = self.plain.split("\n")
        self.title: str | None = None
        if lines and lines[0].startswith("# "):
            self.title = lines[0][2:].strip()
            lines = lines[1:]
            while lines and not lines[0].strip():
                lines.pop(0)
        head: list[str] = []
        for line in lines:
            if not line.strip():
                break
            head.append(line)
        keys = [h.split(":", 1)[0].strip().lower() for h in head if ": " in h]
        if (
            head
            and len(keys) == len(head)
            and any(k in HEADER_KEYS - {"interviewer"} for k in keys)
        ):
            self.header = {
                re.sub(r"\W+", "_", h.split(":", 1)[0].strip().lower()): h.split(":", 1)[1].strip()
                for h in head
            }
            lines = lines[len(head) :]
        else:
            self.header = {}
        self.body_lines = lines

    @property
    def fmt(self) -> str:
        return self.front["format"]

    @property
    def layout(self) -> str:
        return self.front["layout"]

    def turns(self) -> list[tuple[str, str]]:
        """(speaker, first line of text) for each turn the layout implies."""
        lines = self.body_lines
        out: list[tuple[str, str]] = []
        if self.layout in ("labels", "int-p", "qa", "cues"):
            labelled = []
            for line in lines:
                m = re.match(r"^(\*\*)?([^:*]{1,30}?)(\*\*)?:(\*\*)? (.*)$", line)
                labelled.append((m.group(2), m.group(5)) if m else None)
            counts = Counter(x[0] for x in labelled if x)
            for item in labelled:
                if item and counts[item[0]] >= 2:
                    if self.layout == "cues" and out and out[-1][0] == item[0]:
                        continue  # .vtt/.srt readers merge consecutive cues by one speaker
                    out.append(item)
        elif self.layout == "bracket-ts":
            for i, line in enumerate(lines):
                if re.fullmatch(r"\[\d\d:\d\d:\d\d\]", line.strip()):
                    out.append((lines[i + 1].strip(), lines[i + 2].strip()))
        elif self.layout == "rev":
            for i, line in enumerate(lines):
                if m := re.fullmatch(r"(.+) \(\d\d:\d\d:\d\d\):\s*(.*)", line):
                    out.append((m.group(1), m.group(2) or lines[i + 1].strip()))
        elif self.layout == "otter":
            for i, line in enumerate(lines):
                if m := re.fullmatch(r"(.+?)  \d{1,2}:\d\d(?::\d\d)?", line):
                    out.append((m.group(1), lines[i + 1].strip()))
        elif self.layout == "paragraphs":
            blocks = "\n".join(lines).split("\n\n")
            out = [("Participant", b.strip().split("\n")[0]) for b in blocks if b.strip()]
        else:
            raise AssertionError(f"unknown layout {self.layout}")
        return out

    def interviewer(self) -> str | None:
        turns = self.turns()
        speakers = list(dict.fromkeys(s for s, _ in turns))
        named = [s for s in speakers if s.lower() in INTERVIEWER_NAMES]
        if named:
            return named[0]
        if len(speakers) < 2:
            return None
        asks = Counter(s for s, first in turns if first.rstrip().endswith("?"))
        totals = Counter(s for s, _ in turns)
        return max(speakers, key=lambda s: asks[s] / totals[s])

    def expected_layout(self) -> str:
        if self.fmt == "md" and any(line.startswith("**") for line in self.body_lines):
            return "markdown"
        return self.layout


def _ids(cases: list[tuple[str, Path]]) -> list[str]:
    return [f"{kind}-{p.stem}" for kind, p in cases]


@pytest.fixture(scope="module")
def fixture_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture corpus, built into a temporary folder."""
    sample = tmp_path_factory.mktemp("sample")
    shutil.copytree(FIXTURE_SAMPLE / "source", sample / "source")
    _build_module().build(sample)
    return sample


@pytest.fixture
def sample_dir(request: pytest.FixtureRequest, fixture_sample: Path) -> Callable[[str], Path]:
    return lambda kind: SAMPLE if kind == "sample" else fixture_sample


@pytest.mark.skipif(not SOURCES, reason="no sample sources yet")
def test_build_is_up_to_date() -> None:
    build = _build_module()
    stale = build.build(SAMPLE, check=True)
    assert stale == [], "run: python corpora/build_sample.py"


@pytest.mark.skipif(not SOURCES, reason="no sample sources yet")
def test_build_is_deterministic() -> None:
    build = _build_module()
    assert build.build_outputs(SAMPLE) == build.build_outputs(SAMPLE)


@pytest.mark.parametrize(("kind", "source_path"), CASES, ids=_ids(CASES))
def test_transcript_parses_as_its_layout_implies(
    kind: str, source_path: Path, sample_dir: Callable[[str], Path]
) -> None:
    src = Source(source_path)
    path = sample_dir(kind) / "transcripts" / f"{source_path.stem}.{src.fmt}"
    text = read_text(path)
    parsed = parse_turns(text)
    expected = src.turns()
    assert parsed.layout == src.expected_layout()
    assert len(parsed.turns) == len(expected)
    assert [t.speaker for t in parsed.turns] == [s for s, _ in expected]
    for turn, (_, first_line) in zip(parsed.turns, expected, strict=True):
        spoken = text[turn.start : turn.end]
        # .vtt/.srt text is re-flowed into one line per turn; other formats keep lines.
        assert " ".join(spoken.split()).startswith(" ".join(first_line.split()))
    assert parsed.interviewer == src.interviewer()
    kinds = {t.speaker: t.kind for t in parsed.turns}
    interviewer = src.interviewer()
    if interviewer is not None:
        assert kinds[interviewer] is SpeakerKind.INTERVIEWER
        assert sum(k is SpeakerKind.INTERVIEWER for k in kinds.values()) == 1
    expected_meta = dict(src.header)
    if src.title:
        expected_meta["title"] = src.title
    assert parsed.metadata == expected_meta


@pytest.mark.parametrize(("kind", "source_path"), CASES, ids=_ids(CASES))
def test_gold_spans_point_at_their_text(
    kind: str, source_path: Path, sample_dir: Callable[[str], Path]
) -> None:
    src = Source(source_path)
    sample = sample_dir(kind)
    gold = json.loads((sample / "gold" / f"{source_path.stem}.json").read_text("utf-8"))
    assert gold["file"] == f"transcripts/{source_path.stem}.{src.fmt}"
    text = read_text(sample / gold["file"])
    for span in gold["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert span["type"] in DIRECT | QUASI
        assert span["identifier"] == ("direct" if span["type"] in DIRECT else "quasi")
    for keep in gold["keep"]:
        assert text[keep["start"] : keep["end"]] == keep["text"]

    found = sorted(
        [(s["start"], s["end"], s["type"], s["text"]) for s in gold["spans"]]
        + [(k["start"], k["end"], "KEEP", k["text"]) for k in gold["keep"]]
    )
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(found)), "spans overlap"
    marks = [(m.group(1), m.group(2)) for m in MARK.finditer(src.marked)]
    if src.fmt in ("vtt", "srt"):
        # A repeated speaker label is merged away; every other mark must be present.
        assert len(found) <= len(marks)
        it = iter(marks)
        assert all(any(m == (f[2], f[3]) for m in it) for f in found)
    else:
        assert [(f[2], f[3]) for f in found] == marks
    # Each span sits among the same words as in the source line it came from.
    cues = src.fmt in ("vtt", "srt")
    plain_lines = src.plain.split("\n")
    if cues:
        plain_lines = [re.sub(r"^[^:]{1,30}: ", "", line) for line in plain_lines]
    plain_words = re.findall(r"\w+", "\n".join(plain_lines))
    for start, end, _, surface in found:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end) % (len(text) + 1)
        before, after = text[line_start:start], text[end:line_end]
        if cues:
            if re.fullmatch(r"(\[\d\d:\d\d:\d\d\] )?[^:]*", before):
                continue  # inside a speaker label or header key
            before = re.sub(r"^(\[\d\d:\d\d:\d\d\] )?([^:]{1,30}: )?", "", before)
        window = [
            *re.findall(r"\w+", before)[-2:],
            *re.findall(r"\w+", surface),
            *re.findall(r"\w+", after)[:2],
        ]
        assert any(plain_words[i : i + len(window)] == window for i in range(len(plain_words))), (
            f"span at {start} is not among its source words"
        )


def test_participants_table_covers_every_source() -> None:
    from qualkit.importers import read_participants_csv

    table = SAMPLE / "participants.csv"
    if not table.exists():
        pytest.skip("no participants.csv yet")
    people = read_participants_csv(table)
    for path in SOURCES:
        src = Source(path)
        assert people[src.front["id"]].pid == src.front["participant"]


def test_fixture_gold_details(fixture_sample: Path) -> None:
    """Look-alike words are skipped and merged cue labels are left out of the gold."""
    t01 = json.loads((fixture_sample / "gold" / "t01.json").read_text("utf-8"))
    text = read_text(fixture_sample / "transcripts" / "t01.txt")
    ann = [s for s in t01["spans"] if s["text"] == "Ann"]
    assert [text[s["start"] - 5 : s["end"]] for s in ann] == ["that Ann", "said Ann"]
    hope = [k["start"] for k in t01["keep"] if k["text"] == "hope"]
    assert text[hope[1] - 7 : hope[1]] == "and in "
    t02 = json.loads((fixture_sample / "gold" / "t02.json").read_text("utf-8"))
    micks = [s for s in t02["spans"] if s["text"] == "Mick"]
    # Three "Mick:" lines, but the second follows the first and merges into its turn.
    assert (FIXTURE_SAMPLE / "source" / "t02.txt").read_text().count("{{PERSON|Mick}}:") == 3
    assert len(micks) == 2
    vtt = (fixture_sample / "transcripts" / "t02.vtt").read_text("utf-8")
    assert "&amp; yours" in vtt and "&lt;that&gt;" in vtt and vtt.count("<v Mick>") >= 3
    text = read_text(fixture_sample / "transcripts" / "t02.vtt")
    assert "& yours" in text and "Not <that> number." in text


def test_check_mode_and_stale_outputs(tmp_path: Path) -> None:
    build = _build_module()
    sample = tmp_path / "sample"
    shutil.copytree(FIXTURE_SAMPLE / "source", sample / "source")
    assert build.main(["--check", "--sample", str(sample)]) == 1
    assert build.main(["--sample", str(sample)]) == 0
    assert build.main(["--check", "--sample", str(sample)]) == 0
    first = {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()}
    assert build.main(["--sample", str(sample)]) == 0
    assert {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()} == first

    source = sample / "source" / "t01.txt"
    source.write_text(source.read_text().replace("Kestrel Road", "Kestrel Lane"))
    assert build.build(sample, check=True) == [
        sample / "transcripts" / "t01.txt",
        sample / "gold" / "t01.json",
    ]
    orphan = sample / "transcripts" / "t09.txt"
    orphan.write_text("left over")
    assert orphan in build.build(sample, check=True)
    build.build(sample)
    assert not orphan.exists()
    assert build.build(sample, check=True) == []


def test_bad_sources_fail_loudly(tmp_path: Path) -> None:
    build = _build_module()
    sample = tmp_path / "sample"
    (sample / "source").mkdir(parents=True)
    good = (FIXTURE_SAMPLE / "source" / "t03.txt").read_text()
    bad = sample / "source" / "t03.txt"
    for broken, problem in [
        (good.replace("{{PERSON|Rose}}", "{{PERSON|Rose}"), "markup"),
        (good.replace("{{PERSON|Rose}}", "{{NAME|Rose}}"), "unknown mark type"),
        (good.replace("id: t03", "id: t04"), "does not match"),
    ]:
        bad.write_text(broken)
        with pytest.raises(build.BuildError, match=problem):
            build.build(sample, check=True)
    srt_header = good.replace("---\nQ: Where", "---\nInterview ID: XX-03\n\nQ: Where")
    bad.write_text(srt_header)
    with pytest.raises(build.BuildError, match="cannot carry header"):
        build.build(sample, check=True)
