"""Fuzzing every reader with hostile and broken input (issue 13, "Also").

Hypothesis mutates small valid files of each kind (cuts them short, flips and deletes
bytes, copies slices, splices in hostile snippets: XML entities and external references,
YAML aliases and tags, deep nesting, NUL bytes, broken UTF-8, huge fields; for ZIP files
the members as well as the archive) and feeds them to the reader, under a memory and a
time cap. Each input must either load, or raise a :class:`QualkitError` whose message is
one line, names the file and quotes none of the text; a reader that writes to a project
must leave the database exactly as it was when it fails.

Slow suite; CI runs a fixed sequence of examples (``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import resource
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.errors import QualkitError
from qualkit.model import Code, Codebook, Coding, Role
from qualkit.project import NotIdentifiableGate, import_transcripts, load_codebook_file
from qualkit.storage import Store

pytestmark = pytest.mark.slow

#: Transcript text that must never appear in an error message (the windows below).
SECRET = "Zelda Quornbury told me about the magpie at Wexcombe Lane"
WINDOW = 16
#: Memory a single reader may use on top of what the process already has, and time per input.
MEMORY_CAP = 1024 * 1024 * 1024
SECONDS_PER_INPUT = 10

FUZZ = settings(
    max_examples=50,
    deadline=None,  # the per-input cap below is a hard one
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one project per test, checked per example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

TRANSCRIPT = (
    "Interview ID: FZ-01\n"
    "Interviewer: How did you first get in touch with the service?\n"
    f"Participant: {SECRET}, and then the outreach team came round.\n"
    "Interviewer: What happened next?\n"
    "Participant: I waited months on the list and nobody rang me back.\n"
)

# -- hostile snippets --------------------------------------------------------------------

COMMON: list[bytes] = [
    b"\x00",
    b"\xff\xfe\xfd",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x8b" * 50,
    b"\r",
    b"\n" * 200,
    b"\t",
    "\u202e".encode(),
    b"A" * 100_000,
    b'"',
    b"'",
    b"\\",
]
XML: list[bytes] = [
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"&xxe;",
    b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    b"&d;",
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
    b"<a>" * 5000,
    b"<![CDATA[",
    b"]]>",
    b'<?qualkit {"a": ' + b"[" * 5000 + b"?>",
    b' startPosition="-5" ',
    b' endPosition="99999999999999999999" ',
    b' guid="not-a-guid" ',
    b"</",
]
YAML: list[bytes] = [
    b"&a [x, y]",
    b"*a",
    b"!!python/object/apply:os.system ['true']",
    b"!!binary AAAA",
    b"[" * 1000,
    b"{" * 1000,
    b": :",
    b"- - - -",
    b"? ",
    b"%YAML 9.9\n---\n",
    b"2001-02-30",
    b"9" * 5000,
    b"<<: *a",
]
CSV: list[bytes] = [b",", b'"', b'""', b"\r\n", b",,,,,,", b'"' + b"x" * 200_000]
JSON: list[bytes] = [b"[" * 100_000, b"NaN", b"1e999999", b'{"a":', b"null", b"-0", b'"\\ud800"']
VTT: list[bytes] = [b"-->", b"00:00:00.000 --> 99:99:99.999", b"WEBVTT", b"NOTE", b"1\n"]


# -- mutation ----------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, base: bytes, snippets: list[bytes]) -> bytes:
    """``base`` with one to four hostile edits, or (rarely) random bytes instead."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        n = len(data)
        at = draw(st.integers(0, n))
        op = draw(st.sampled_from(["cut", "flip", "delete", "copy", "snippet", "snippet"]))
        if op == "cut":
            del data[at:]
        elif op == "flip" and n:
            data[min(at, n - 1)] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "copy" and n:
            start = draw(st.integers(0, n - 1))
            piece = data[start : start + draw(st.integers(1, 200))]
            data[at:at] = piece * draw(st.integers(1, 3))
        else:
            data[at:at] = draw(st.sampled_from(snippets + COMMON))
    return bytes(data)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@st.composite
def mutated_zip(draw: st.DrawFn, members: dict[str, bytes], snippets: list[bytes]) -> bytes:
    """The archive with one member mutated (or a hostile member added), or its bytes mutated."""
    how = draw(st.sampled_from(["member", "member", "extra", "archive"]))
    if how == "archive":
        return draw(mutated(zip_bytes(members), snippets))
    out = dict(members)
    if how == "extra":
        name = draw(
            st.sampled_from(
                ["../../evil.txt", "/etc/evil", "sources/../../x.txt", "sources/", "project.qde"]
            )
        )
        out[name] = draw(st.sampled_from([b"", b"x" * 1000, b"\x00\xff"]))
        return zip_bytes(out)
    name = draw(st.sampled_from(sorted(members)))
    out[name] = draw(mutated(members[name], snippets))
    return zip_bytes(out)


# -- caps and checks ---------------------------------------------------------------------


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class TookTooLong(Exception):
    """An input took longer than SECONDS_PER_INPUT."""


@contextmanager
def capped() -> Iterator[None]:
    """At most MEMORY_CAP more address space, and SECONDS_PER_INPUT of wall time."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + MEMORY_CAP
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)

    def alarm(_signum: int, _frame: FrameType | None) -> None:
        raise TookTooLong(f"more than {SECONDS_PER_INPUT} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_INPUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


def quotes_text(message: str) -> str | None:
    """The piece of SECRET the message quotes, if any."""
    for i in range(len(SECRET) - WINDOW + 1):
        if SECRET[i : i + WINDOW] in message:
            return SECRET[i : i + WINDOW]
    return None


def loads_or_fails_cleanly(
    path: Path,
    read: Callable[[], Any],
    store: Store | None = None,
    known: tuple[type[Exception], ...] = (),
) -> None:
    """``read()`` succeeds, or raises a clean QualkitError and leaves ``store`` as it was.

    ``known`` errors (reported, not yet fixed) are raised as they are, for an xfail.
    """
    before = snapshot(store) if store is not None else None
    try:
        with capped():
            read()
    except QualkitError as e:
        if isinstance(e, known):
            raise
        message = str(e)
        assert "\n" not in message.strip(), f"not one line: {message!r}"
        assert path.name in message, f"does not name the file: {message!r}"
        assert quotes_text(message) is None, f"quotes the text: {message!r}"
        if store is not None:
            assert snapshot(store) == before, f"the database changed: {message!r}"


def snapshot(store: Store) -> tuple[Any, ...]:
    return (
        store.last_event_id(),
        [(t.tid, t.text_hash) for t in store.transcripts()],
        [(c.coder, c.transcript, c.start, c.end, c.code) for c in store.codings()],
        [(u.name, u.role) for u in store.users()],
        [(c.cid, c.name) for c in store.codebook(include_inactive=True).codes],
        [(p.pid, p.role) for p in store.participants()],
        [m.text for m in store.memos()],
    )


_names = itertools.count()


def write_input(folder: Path, suffix: str, data: bytes, stem: str = "f") -> Path:
    """A fresh file for each input (so one that loads does not clash with the next)."""
    path = folder / f"{stem}{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def fuzz_reader(
    folder: Path,
    base: bytes,
    snippets: list[bytes],
    suffix: str,
    read: Callable[[Path], Any],
    store: Store | None = None,
    *,
    stem: str = "f",
) -> None:
    """Give ``read`` files named ``*suffix`` holding ``base`` with hostile edits; each must
    load or fail cleanly (:func:`loads_or_fails_cleanly`)."""

    @FUZZ
    @given(data=mutated(base, snippets))
    def check(data: bytes) -> None:
        path = write_input(folder, suffix, data, stem=stem)
        loads_or_fails_cleanly(path, lambda: read(path), store)

    check()


# -- valid starting points ---------------------------------------------------------------


def small_codebook() -> Codebook:
    return Codebook(
        name="Fuzz",
        codes=[
            Code("access", "Access", "Getting into services.", codable=False),
            Code("access.waiting", "Waiting", f"Waiting for help, as in {SECRET}.", "access"),
        ],
    )


def docx_bytes(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_members(text: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes(text))) as z:
        return {name: z.read(name) for name in z.namelist()}


TRANSCRIPT_BASES: dict[str, tuple[bytes, list[bytes]]] = {
    ".txt": (TRANSCRIPT.encode(), YAML[:0]),
    ".md": (TRANSCRIPT.replace("Interviewer:", "**Interviewer:**").encode(), [b"**", b"#"]),
    ".vtt": (
        (
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How did it start?\n\n"
            f"2\n00:00:05.000 --> 00:00:09.000\n<v Participant>{SECRET}.\n"
        ).encode(),
        VTT,
    ),
    ".srt": (
        (
            "1\n00:00:01,000 --> 00:00:04,000\nInterviewer: How did it start?\n\n"
            f"2\n00:00:05,000 --> 00:00:09,000\nParticipant: {SECRET}.\n"
        ).encode(),
        VTT,
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


# -- transcripts and participants (written to a project) --------------------------------


@pytest.mark.parametrize("suffix", sorted(TRANSCRIPT_BASES))
def test_transcript_readers(store: Store, folder: Path, suffix: str) -> None:
    base, snippets = TRANSCRIPT_BASES[suffix]
    fuzz_reader(
        folder,
        base,
        snippets,
        suffix,
        lambda path: import_transcripts(store, [path], "fuzz", NotIdentifiableGate()),
        store,
    )


def test_docx_reader(store: Store, folder: Path) -> None:
    members = docx_members(TRANSCRIPT)

    @FUZZ
    @given(data=mutated_zip(members, XML))
    def check(data: bytes) -> None:
        path = write_input(folder, ".docx", data)
        loads_or_fails_cleanly(
            path, lambda: import_transcripts(store, [path], "fuzz", NotIdentifiableGate()), store
        )

    check()


def test_participants_csv(store: Store, folder: Path) -> None:
    base = (
        "transcript,participant,role,borough\n"
        f"f,P01,Person accessing support,{SECRET}\n"
        "g,P02,Person working in the system,Lambeth\n"
    ).encode()

    @FUZZ
    @given(data=mutated(base, CSV))
    def check(data: bytes) -> None:
        transcript = write_input(folder, ".txt", TRANSCRIPT.encode())
        path = write_input(
            folder, ".csv", data.replace(b"f,P01", f"{transcript.stem},P01".encode())
        )
        loads_or_fails_cleanly(
            path,
            lambda: import_transcripts(
                store, [transcript], "fuzz", NotIdentifiableGate(), participants_csv=path
            ),
            store,
        )

    check()


# -- codebooks (read only) ---------------------------------------------------------------


def test_yaml_codebook(folder: Path) -> None:
    base = (
        "name: Fuzz\n"
        "codes:\n"
        "  - id: access\n"
        "    name: Access\n"
        "    codable: false\n"
        "    codes:\n"
        "      - id: access.waiting\n"
        "        name: Waiting\n"
        f"        definition: {SECRET}\n"
        "        examples:\n"
        f'          - "{SECRET}"\n'
    ).encode()

    fuzz_reader(folder, base, YAML, ".yaml", load_codebook_file)


def test_qdc_codebook(folder: Path) -> None:
    from qualkit.refiqda import qdc_bytes

    base = qdc_bytes(small_codebook())

    fuzz_reader(folder, base, XML, ".qdc", load_codebook_file)


# -- .qdpx projects (written to a project) -----------------------------------------------


@pytest.fixture
def qdpx_members(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from qualkit.refiqda import export_qdpx

    where = tmp_path_factory.mktemp("qdpx_source")
    source = where / "source.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    with Store.open(where / "source.db") as s:
        s.init_project("Source", "", "fuzz")
        s.set_codebook(small_codebook(), "fuzz")
        import_transcripts(s, [source], "fuzz", NotIdentifiableGate())
        s.add_user("amara", Role.CODER, "fuzz")
        start = TRANSCRIPT.index(SECRET)
        s.add_coding(Coding("amara", "source", start, start + 20, "access.waiting", memo="m"))
        buf = io.BytesIO()
        export_qdpx(s, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_qdpx_import(store: Store, folder: Path, qdpx_members: dict[str, bytes]) -> None:
    from qualkit.refiqda import import_qdpx_files

    @settings(FUZZ)
    @given(data=mutated_zip(qdpx_members, XML))
    def check(data: bytes) -> None:
        path = write_input(folder, ".qdpx", data)
        loads_or_fails_cleanly(
            path,
            lambda: import_qdpx_files(store, [path], "fuzz", NotIdentifiableGate()),
            store,
        )

    check()


# -- review files, codings files, passages (read; codings are written) -------------------


def test_review_files(folder: Path) -> None:
    from qualkit.ui.deid_review import load_review
    from tests.test_ui_deid_review import TEXT, make_doc

    text = TEXT + f"Participant: {SECRET}\n"
    base = json.dumps(make_doc(text), indent=1, ensure_ascii=False).encode()

    fuzz_reader(folder, base, JSON, ".review.json", load_review, stem="t")


def test_codings_files(store: Store, folder: Path) -> None:
    from qualkit.codings_io import import_coding_files

    store.set_codebook(small_codebook(), "fuzz")
    transcript = folder / "t01.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    import_transcripts(store, [transcript], "fuzz", NotIdentifiableGate())
    base = (
        "transcript: t01\n"
        "codings:\n"
        "  - coder: amara\n"
        "    code: access.waiting\n"
        f'    quote: "{SECRET}"\n'
        "    memo: a memo\n"
        "  - coder: ben\n"
        "    code: access.waiting\n"
        "    quote: nobody rang me back\n"
    ).encode()

    fuzz_reader(
        folder, base, YAML, ".yaml", lambda path: import_coding_files(store, [path], "fuzz"), store
    )


def test_passages_csv(folder: Path) -> None:
    from qualkit.topics.suggest_csv import read_passages_csv

    base = f'id,text,notes\np1,"{SECRET}",x\np2,I waited months on the list,y\n'.encode()

    fuzz_reader(folder, base, CSV, ".csv", read_passages_csv)


def test_the_checks_catch_what_they_should(folder: Path) -> None:
    """The checks themselves: a message that quotes text or misses the file fails them."""
    path = folder / "x.txt"

    def quoting() -> None:
        raise QualkitError(f"{path}: bad line {SECRET[:20]!r}")

    def nameless() -> None:
        raise QualkitError("bad file")

    def unexpected() -> None:
        raise ValueError("boom")

    for bad in (quoting, nameless):
        with pytest.raises(AssertionError):
            loads_or_fails_cleanly(path, bad)
    with pytest.raises(ValueError):
        loads_or_fails_cleanly(path, unexpected)
    with pytest.raises(MemoryError):
        loads_or_fails_cleanly(path, lambda: bytearray(2 * MEMORY_CAP))
    assert re.fullmatch(r"\d+", str(SECONDS_PER_INPUT))
