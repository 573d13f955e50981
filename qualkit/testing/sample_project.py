"""A small synthetic project for trying the coding app, its tests and its benchmark.

Everything in it is invented: two short interviews (no identifiers), a codebook (the
bundled ``codebooks/multiple-disadvantage.yaml`` when present, otherwise a small one), and
accounts for an admin, a researcher, two coders and a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualkit.auth import hash_password
from qualkit.model import Code, Codebook, Role
from qualkit.project import NotIdentifiableGate, import_transcripts, init_project
from qualkit.storage import Store

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_FILE = ROOT / "codebooks" / "multiple-disadvantage.yaml"

#: Two short synthetic, de-identified interviews. The emoji (outside the Basic Multilingual
#: Plane) checks that browser selections are converted from UTF-16 to code points.
SAMPLE_TRANSCRIPTS: dict[str, str] = {
    "t01": (
        "Title: Getting help after the hostel\n"
        "Mode: Telephone\n"
        "\n"
        "Interviewer: How did it go when you first asked for help? 🙂\n"
        "Participant: I was on the waiting list for months. Nobody rang me back. "
        "Then the doctor at the GP helped me fill in the forms.\n"
        "Interviewer: What made the difference in the end?\n"
        "Participant: A worker who listened to me. She treated me like a person, "
        "not a case number.\n"
        "Interviewer: Is there anything you would change?\n"
        "Participant: Fewer forms. And letters you can actually read.\n"
    ),
    "t02": (
        "Title: Working on the front line\n"
        "Mode: Video call\n"
        "\n"
        "Interviewer: What is your caseload like at the moment?\n"
        "Participant: Too big. I have forty people and two days a week for them.\n"
        "Interviewer: What happens when someone relapses?\n"
        "Participant: Some services close the case. We try not to. One man had an overdose "
        "last winter and we kept his place open.\n"
        "Interviewer: What would help you most?\n"
        "Participant: Longer contracts. Every year we wait to hear if the money continues.\n"
    ),
}

USERS: dict[str, tuple[Role, str]] = {
    "admin": (Role.ADMIN, "Admin"),
    "rita": (Role.RESEARCHER, "Rita"),
    "casey": (Role.CODER, "Casey"),
    "dev": (Role.CODER, "Dev"),
    "robin": (Role.READER, "Robin"),
}


def small_codebook() -> Codebook:
    return Codebook(
        name="Small test codebook",
        codes=[
            Code("access", "Access and transitions", "Getting into services.", codable=False),
            Code(
                "access.waiting",
                "Waiting times",
                "Waiting lists and delays.",
                "access",
                include="Waiting for a service to start.",
                exclude="Paperwork.",
            ),
            Code("access.paperwork", "Paperwork", "Forms, letters, phones and ID.", "access"),
            Code("practitioners", "Practitioners", "People who work in services.", codable=False),
            Code(
                "practitioners.relationship",
                "Trusting relationship with a worker",
                "Being listened to and treated as a person.",
                "practitioners",
            ),
            Code(
                "practitioners.caseloads",
                "Caseloads and time",
                "How many people a worker has and the time they get.",
                "practitioners",
            ),
            Code("funding", "Funding", "Money and contracts.", codable=False),
            Code("funding.shortterm", "Short-term contracts", "Money that may stop.", "funding"),
        ],
    )


def load_sample_codebook() -> Codebook:
    """The bundled codebook when it exists, else :func:`small_codebook`."""
    if CODEBOOK_FILE.exists():
        from qualkit.project import load_codebook_file

        return load_codebook_file(CODEBOOK_FILE)
    return small_codebook()


@dataclass
class SampleProject:
    target: str
    password: str
    users: dict[str, tuple[Role, str]] = field(default_factory=lambda: dict(USERS))
    transcripts: list[str] = field(default_factory=list)


def build_sample_project(
    target: str | Path,
    workdir: Path,
    *,
    password: str = "correct horse battery",
    assign: bool = True,
    transcripts: dict[str, str] | None = None,
) -> SampleProject:
    """Create a project at ``target`` (SQLite path or URL) with users, codebook and the
    sample transcripts (written to ``workdir`` and imported through the normal import path).
    """
    texts = transcripts or SAMPLE_TRANSCRIPTS
    workdir.mkdir(parents=True, exist_ok=True)
    store: Store = init_project(
        target,
        "Sample peer research",
        "setup",
        description="Synthetic interviews for trying the app.",
        codebook=load_sample_codebook(),
    )
    try:
        pw = hash_password(password)
        with store.transaction("setup"):
            for name, (role, display) in USERS.items():
                store.add_user(name, role, "setup", password_hash=pw, display_name=display)
        paths = []
        for tid, text in texts.items():
            p = workdir / f"{tid}.txt"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        done = import_transcripts(store, paths, "setup", NotIdentifiableGate())
        if assign:
            with store.transaction("rita"):
                for tid in done:
                    store.assign(tid, "casey", "rita")
                    store.assign(tid, "dev", "rita")
    finally:
        store.close()
    return SampleProject(str(target), password, transcripts=list(done))
