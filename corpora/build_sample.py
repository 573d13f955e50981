"""Build the sample corpus: render transcripts and gold spans from marked-up sources.

For every ``corpora/sample/source/tNN.txt`` (front matter, then a body with
``{{TYPE|text}}`` and ``{{KEEP|text}}`` markup) this writes

* ``corpora/sample/transcripts/tNN.<format>``: the body without markup, as .txt/.md (the body
  as is), .docx (one paragraph per non-blank body line, ``Label:`` in bold), .vtt or .srt
  (one or more cues per body line, split at sentence boundaries, with increasing times);
* ``corpora/sample/gold/tNN.json``: every marked span located in the text that
  :func:`qualkit.importers.read_text` returns for the rendered file.

Output is byte-for-byte deterministic. ``--check`` writes nothing and exits 1 when any output
is missing, stale or left over from a removed source. Coding files are not touched.

Usage: ``python corpora/build_sample.py [--check] [--sample DIR]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qualkit.importers import read_text  # noqa: E402
from qualkit.importers.turns import HEADER_KEYS  # noqa: E402
from qualkit.text import normalise  # noqa: E402

SAMPLE = ROOT / "corpora" / "sample"
FORMATS = ("txt", "md", "docx", "vtt", "srt")
DIRECT = frozenset(
    {
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
)
QUASI = frozenset({"LOCATION", "ORGANIZATION", "DATE_TIME", "AGE"})
KEEP = "KEEP"

MARK_RE = re.compile(r"\{\{([A-Za-z_]+)\|([^{}|]*)\}\}")
# A ``Label: text`` body line: a label of 1-4 words, at most 30 characters.
LABEL_LINE_RE = re.compile(r"^([^\W\d_][\w'’.\-]*(?: [\w'’.\-]+){0,3}):(?: |$)")
SENTENCE_END_RE = re.compile(r"(?<=[.?!…])[ ]+(?=\S)")
FIXED_TIME = datetime(2024, 5, 1, 9, 0, 0, tzinfo=UTC)
ZIP_TIME = (2024, 5, 1, 9, 0, 0)
CUE_TARGET_CHARS = 90


class BuildError(Exception):
    """A source is malformed or a marked span cannot be located."""


@dataclass
class Mark:
    type: str
    text: str
    start: int  # offsets in the plain body
    end: int
    line: int  # 1-based line in the source file


@dataclass
class Source:
    path: Path
    tid: str
    title: str
    format: str
    layout: str
    participant: str
    body: str  # markup removed
    marks: list[Mark]


def parse_source(path: Path) -> Source:
    """Front matter and plain body of a source, with every mark's offsets in the body."""
    raw = normalise(path.read_text(encoding="utf-8"))
    lines = raw.split("\n")
    if not lines or lines[0].strip() != "---":
        raise BuildError(f"{path}:1: expected front matter starting with ---")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise BuildError(f"{path}: front matter is not closed with ---") from None
    front: dict[str, str] = {}
    for n, line in enumerate(lines[1:close], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise BuildError(f"{path}:{n}: expected 'key: value' in front matter")
        front[key.strip()] = re.sub(r"\s+#\s.*$", "", value).strip()
    for key in ("id", "format", "layout"):
        if not front.get(key):
            raise BuildError(f"{path}: front matter lacks '{key}'")
    if front["id"] != path.stem:
        raise BuildError(f"{path}: id '{front['id']}' does not match the file name")
    if front["format"] not in FORMATS:
        raise BuildError(f"{path}: format must be one of {', '.join(FORMATS)}")

    body_lines = lines[close + 1 :]
    first_line = close + 2
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
        first_line += 1
    marked = "\n".join(body_lines).rstrip() + "\n"

    plain: list[str] = []
    marks: list[Mark] = []
    pos = 0
    length = 0
    for m in MARK_RE.finditer(marked):
        plain.append(marked[pos : m.start()])
        length += m.start() - pos
        kind, surface = m.group(1), m.group(2)
        line_no = first_line + marked.count("\n", 0, m.start())
        if kind not in DIRECT | QUASI | {KEEP}:
            raise BuildError(f"{path}:{line_no}: unknown mark type {kind}")
        if not surface.strip() or surface != surface.strip():
            raise BuildError(f"{path}:{line_no}: empty mark or mark with outer spaces")
        marks.append(Mark(kind, surface, length, length + len(surface), line_no))
        plain.append(surface)
        length += len(surface)
        pos = m.end()
    plain.append(marked[pos:])
    body = "".join(plain)
    for token in ("{{", "}}"):
        if token in body:
            at = first_line + marked.count("\n", 0, marked.index(token))
            raise BuildError(f"{path}:{at}: unbalanced or malformed markup")
    return Source(
        path=path,
        tid=front["id"],
        title=front.get("title", front["id"]),
        format=front["format"],
        layout=front["layout"],
        participant=front.get("participant", ""),
        body=body,
        marks=marks,
    )


# ----------------------------------------------------------------------------- body lines


@dataclass
class BodyLine:
    start: int  # offset of the line in the plain body
    text: str
    label: str | None
    text_from: int  # offset where the spoken text starts (after "Label: ")


def body_lines(body: str) -> list[BodyLine]:
    out: list[BodyLine] = []
    pos = 0
    for line in body.split("\n"):
        if line.strip():
            m = LABEL_LINE_RE.match(line)
            label = m.group(1) if m and len(m.group(1)) <= 30 else None
            skip = m.end() if label is not None and m else 0
            out.append(BodyLine(pos, line, label, pos + skip))
        pos += len(line) + 1
    return out


def header_lines(lines: list[BodyLine], body: str) -> list[BodyLine]:
    """Leading ``Key: value`` lines (before the first blank line) with a known header key."""
    block: list[BodyLine] = []
    for bl in lines:
        if block and body[block[-1].start + len(block[-1].text) : bl.start].count("\n") > 1:
            break
        if bl.label is None:
            break
        block.append(bl)
    if block and any(bl.label and bl.label.casefold() in HEADER_KEYS for bl in block):
        nxt = block[-1].start + len(block[-1].text)
        if body[nxt : nxt + 2] == "\n\n":
            return block
    return []


# ----------------------------------------------------------------------------- renderers


def render_text(src: Source) -> bytes:
    return src.body.encode("utf-8")


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def render_docx(src: Source) -> bytes:
    import docx

    document = docx.Document()
    for bl in body_lines(src.body):
        paragraph = document.add_paragraph()
        if bl.label is not None:
            cut = len(bl.label) + 1
            paragraph.add_run(bl.text[:cut]).bold = True
            if bl.text[cut:]:
                paragraph.add_run(bl.text[cut:])
        else:
            paragraph.add_run(bl.text)
    props = document.core_properties
    props.author = "qualkit sample corpus"
    props.last_modified_by = "qualkit sample corpus"
    props.title = src.title
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic_zip(buffer.getvalue())


@dataclass
class CueOut:
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str


def _sentence_groups(text: str) -> list[str]:
    sentences = SENTENCE_END_RE.split(text.strip())
    groups: list[str] = []
    for s in sentences:
        if groups and len(groups[-1]) + 1 + len(s) <= CUE_TARGET_CHARS:
            groups[-1] = f"{groups[-1]} {s}"
        else:
            groups.append(s)
    return groups


def make_cues(src: Source) -> tuple[list[BodyLine], list[CueOut]]:
    lines = body_lines(src.body)
    header = header_lines(lines, src.body)
    cues: list[CueOut] = []
    t = 1000
    previous: str | None = None
    for bl in lines[len(header) :]:
        speaker = bl.label
        spoken = src.body[bl.text_from : bl.start + len(bl.text)]
        if speaker is not None and previous is not None and speaker != previous:
            t += 600
        for group in _sentence_groups(spoken):
            duration = max(1200, 380 * len(group.split()))
            cues.append(CueOut(t, t + duration, speaker, group))
            t += duration + 200
        if speaker is not None:
            previous = speaker
    return header, cues


def _stamp(ms: int, sep: str) -> str:
    s, ms = divmod(ms, 1000)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}{sep}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(src: Source) -> bytes:
    header, cues = make_cues(src)
    parts = ["WEBVTT", ""]
    if header:
        parts += ["NOTE", *(bl.text for bl in header), ""]
    for n, cue in enumerate(cues, start=1):
        voice = f"<v {cue.speaker}>" if cue.speaker else ""
        parts += [
            str(n),
            f"{_stamp(cue.start_ms, '.')} --> {_stamp(cue.end_ms, '.')}",
            voice + _vtt_escape(cue.text),
            "",
        ]
    return "\n".join(parts).encode("utf-8")


def render_srt(src: Source) -> bytes:
    header, cues = make_cues(src)
    if header:
        raise BuildError(f"{src.path}: .srt cannot carry header lines; remove them or use .vtt")
    parts: list[str] = []
    for n, cue in enumerate(cues, start=1):
        label = f"{cue.speaker}: " if cue.speaker else ""
        parts += [
            str(n),
            f"{_stamp(cue.start_ms, ',')} --> {_stamp(cue.end_ms, ',')}",
            label + cue.text,
            "",
        ]
    return "\n".join(parts).encode("utf-8")


RENDERERS = {
    "txt": render_text,
    "md": render_text,
    "docx": render_docx,
    "vtt": render_vtt,
    "srt": render_srt,
}


# ----------------------------------------------------------------------------- gold


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _dropped_label_marks(src: Source) -> set[int]:
    """Marks inside a repeated speaker label, which .vtt/.srt reading merges away."""
    if src.format not in ("vtt", "srt"):
        return set()
    dropped: set[int] = set()
    lines = body_lines(src.body)
    header = header_lines(lines, src.body)
    previous: str | None = None
    for bl in lines[len(header) :]:
        if bl.label is None:
            continue
        if previous is not None and bl.label.casefold() == previous.casefold():
            for i, mark in enumerate(src.marks):
                if bl.start <= mark.start < bl.text_from:
                    dropped.add(i)
        previous = bl.label
    return dropped


def locate(src: Source, text: str) -> list[tuple[Mark, int, int]]:
    """Find every mark in ``text`` in order, each after the previous one.

    A match must not sit inside a longer word, and the words just before it on the same
    source line must also be just before it in ``text``.
    """
    dropped = _dropped_label_marks(src)
    line_starts = {bl.start: bl for bl in body_lines(src.body)}
    found: list[tuple[Mark, int, int]] = []
    pos = 0
    prev_plain_end = 0
    for i, mark in enumerate(src.marks):
        if i in dropped:
            prev_plain_end = mark.end
            continue
        line_start = src.body.rfind("\n", 0, mark.start) + 1
        bl = line_starts.get(line_start)
        if bl is not None and src.format in ("vtt", "srt") and mark.start >= bl.text_from:
            line_start = bl.text_from
        context = _words(src.body[max(prev_plain_end, line_start) : mark.start])[-3:]
        at = pos
        while True:
            at = text.find(mark.text, at)
            if at < 0:
                raise BuildError(
                    f"{src.path}:{mark.line}: marked {mark.type} span not found in the "
                    f"rendered .{src.format} text"
                )
            end = at + len(mark.text)
            inside_word = (mark.text[0].isalnum() and at > 0 and text[at - 1].isalnum()) or (
                mark.text[-1].isalnum() and end < len(text) and text[end].isalnum()
            )
            before = _words(text[max(pos, at - 200) : at])
            if not inside_word and (not context or before[-len(context) :] == context):
                break
            at += 1
        found.append((mark, at, end))
        pos = end
        prev_plain_end = mark.end
    return found


def gold_json(src: Source, rel_file: str, text: str) -> bytes:
    spans: list[dict[str, object]] = []
    keep: list[dict[str, object]] = []
    for mark, start, end in locate(src, text):
        if text[start:end] != mark.text:
            raise BuildError(f"{src.path}:{mark.line}: located span does not match")
        if mark.type == KEEP:
            keep.append({"start": start, "end": end, "text": mark.text})
        else:
            spans.append(
                {
                    "start": start,
                    "end": end,
                    "text": mark.text,
                    "type": mark.type,
                    "identifier": "direct" if mark.type in DIRECT else "quasi",
                }
            )
    doc = {"file": rel_file, "spans": spans, "keep": keep}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- build


def build_outputs(sample: Path) -> dict[Path, bytes]:
    """Every output file's path and bytes, computed without writing anything."""
    sources = sorted((sample / "source").glob("t[0-9]*.txt"))
    if not sources:
        raise BuildError(f"{sample / 'source'}: no tNN.txt sources")
    outputs: dict[Path, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sources:
            src = parse_source(path)
            rel = f"transcripts/{src.tid}.{src.format}"
            data = RENDERERS[src.format](src)
            scratch = Path(tmp) / f"{src.tid}.{src.format}"
            scratch.write_bytes(data)
            text = read_text(scratch)
            outputs[sample / rel] = data
            outputs[sample / "gold" / f"{src.tid}.json"] = gold_json(src, rel, text)
    return outputs


def stale_files(sample: Path, outputs: dict[Path, bytes]) -> list[Path]:
    """Outputs that differ from disk, plus generated files no source produces any more."""
    stale = [p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data]
    for folder, pattern in (("transcripts", "t[0-9]*.*"), ("gold", "t[0-9]*.json")):
        for p in sorted((sample / folder).glob(pattern)):
            if p not in outputs and p.suffix.lstrip(".") in (*FORMATS, "json"):
                stale.append(p)
    return stale


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(sample: Path = SAMPLE, check: bool = False) -> list[Path]:
    """Write (or with ``check``, only compare) the outputs; return the stale files found."""
    outputs = build_outputs(sample)
    stale = stale_files(sample, outputs)
    if not check:
        for p in stale:
            if p in outputs:
                _write_atomic(p, outputs[p])
            else:
                p.unlink()
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if outputs are stale")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="sample corpus folder")
    args = parser.parse_args(argv)
    try:
        stale = build(args.sample, check=args.check)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(args.sample)}", file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        print(f"wrote: {p.relative_to(args.sample)}" if p.exists() else f"removed: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
