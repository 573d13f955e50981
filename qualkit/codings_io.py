"""Read codings written as quotes (YAML) and anchor them in stored transcript text.

A coding file names a transcript and lists codings by coder, code id and an exact quote::

    transcript: t01
    codings:
      - coder: coder_a
        code: access.waiting
        quote: "on that waiting list for months"
        occurrence: 1        # optional: which match of the quote, counting from 1

Quotes are located in the project's de-identified text, so a coding file can be written
against the raw transcript as long as its quotes hold no identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml import SequenceNode

from qualkit import limits
from qualkit.errors import InputError, NotFoundError
from qualkit.model import Coding, Provenance
from qualkit.safe_yaml import compose_yaml
from qualkit.storage import Store


@dataclass
class QuoteCoding:
    coder: str
    code: str
    quote: str
    occurrence: int = 1
    line: int | None = None


@dataclass
class CodingFile:
    transcript: str
    codings: list[QuoteCoding]


def read_coding_file(path: Path) -> CodingFile:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    node, data = compose_yaml(raw, path)
    if not isinstance(data, dict) or "transcript" not in data or "codings" not in data:
        raise InputError(path, "expected keys 'transcript' and 'codings'")
    if not isinstance(data["codings"], list | None):
        raise InputError(path, "'codings' must be a list")
    if problem := limits.too_long(str(data["transcript"]), limits.TRANSCRIPT_ID, "transcript"):
        raise InputError(path, problem)
    lines: list[int | None] = [None] * len(data["codings"] or [])
    if node is not None:
        # The last "codings" key gives the list, as in ``data`` (a repeated key may give a
        # mapping first); its items give the lines.
        found = [v for k, v in node.value if k.value == "codings"]
        if found and isinstance(found[-1], SequenceNode) and len(found[-1].value) == len(lines):
            lines = [item.start_mark.line + 1 for item in found[-1].value]
    out = []
    for i, item in enumerate(data["codings"] or []):
        if not isinstance(item, dict) or not {"coder", "code", "quote"} <= set(item):
            raise InputError(path, "each coding needs coder, code and quote", lines[i])
        coder, code = str(item["coder"]), str(item["code"])
        for value, limit, what in (
            (coder, limits.USER_NAME, "coder"),
            (code, limits.CODE_ID, "code"),
        ):
            if problem := limits.too_long(value, limit, what):
                raise InputError(path, problem, lines[i])
        occurrence = item.get("occurrence", 1)
        if isinstance(occurrence, bool) or not isinstance(occurrence, int):
            raise InputError(path, "occurrence must be a whole number", lines[i])
        out.append(
            QuoteCoding(
                coder=coder,
                code=code,
                quote=str(item["quote"]),
                occurrence=occurrence,
                line=lines[i],
            )
        )
    return CodingFile(transcript=str(data["transcript"]), codings=out)


def anchor(text: str, tid: str, qc: QuoteCoding) -> Coding | None:
    """The coding for ``qc`` in ``text``, or None when the quote is not found there."""
    pos = -1
    for _ in range(max(1, qc.occurrence)):
        pos = text.find(qc.quote, pos + 1)
        if pos < 0:
            return None
    return Coding(
        coder=qc.coder,
        transcript=tid,
        start=pos,
        end=pos + len(qc.quote),
        code=qc.code,
        quote=qc.quote,
        provenance=Provenance.IMPORTED,
    )


def import_coding_files(store: Store, paths: list[Path], actor: str) -> tuple[int, int]:
    """Anchor and store every coding in ``paths`` in one transaction.

    Returns (codings added, quotes not found in the stored text). A quote is not found
    when de-identification changed a word inside it.
    """
    texts: dict[str, str] = {}
    found: list[Coding] = []
    missing = 0
    known_codes = {c.cid for c in store.codebook(include_inactive=True).codes}
    for path in paths:
        cf = read_coding_file(path)
        for qc in cf.codings:
            if qc.code not in known_codes:
                raise InputError(path, f"no code with id {qc.code!r} in the project", qc.line)
        if cf.transcript not in texts:
            try:
                texts[cf.transcript] = store.transcript(cf.transcript).text
            except NotFoundError:
                raise InputError(
                    path, f"transcript {cf.transcript!r} is not in the project"
                ) from None
        for qc in cf.codings:
            c = anchor(texts[cf.transcript], cf.transcript, qc)
            if c is None:
                missing += 1
            else:
                found.append(c)
    store.add_codings(found, actor)
    return len(found), missing
