"""Build a demo project from the bundled sample corpus, the way a study team would.

1. De-identify the raw sample transcripts with the study's lists (``deid-lists.yaml``:
   the study boroughs are allowed), accept every detection, then apply. Review files and
   the encrypted re-identification key stay in ``<workdir>/researcher/``, which plays the
   researcher's own machine.
2. Create the project with the shipped codebook and import the released transcripts
   through the manifest gate, with participant attributes.
3. Add demo accounts, assign transcripts, and load the sample coders' codings.
4. Optionally, find candidate themes for the team to review.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualkit.model import Role

if TYPE_CHECKING:
    from qualkit.storage import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "sample"
CODEBOOK = ROOT / "codebooks" / "multiple-disadvantage.yaml"
ACTOR = "demo"
#: Demo passphrase for the key file; set QUALKIT_DEID_PASSPHRASE (the variable
#: ``qualkit deid`` reads) to use your own.
DEMO_PASSPHRASE = "demo key passphrase, not for real studies"
PASSPHRASE_ENV = "QUALKIT_DEID_PASSPHRASE"
#: The name the demo used to read; still accepted.
OLD_PASSPHRASE_ENV = "QUALKIT_KEY_PASSPHRASE"

#: name → (role, password). Demo only: real accounts are made with `qualkit users add`.
DEMO_USERS: dict[str, tuple[Role, str]] = {
    "admin": (Role.ADMIN, "admin-demo-pass"),
    "researcher": (Role.RESEARCHER, "researcher-demo-pass"),
    "coder_a": (Role.CODER, "coder-a-demo-pass"),
    "coder_b": (Role.CODER, "coder-b-demo-pass"),
    "coder_c": (Role.CODER, "coder-c-demo-pass"),
    "reader": (Role.READER, "reader-demo-pass"),
}


@dataclass
class DemoResult:
    project: Path
    release_dir: Path
    researcher_dir: Path
    transcripts: int = 0
    codings: int = 0
    quotes_not_found: int = 0
    detections: int = 0
    themes: int = 0
    users: dict[str, tuple[Role, str]] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"Demo project: {self.project}",
            f"  {self.transcripts} transcripts de-identified ({self.detections} detections "
            f"accepted) and imported; {self.codings} sample codings loaded"
            + (
                f" ({self.quotes_not_found} quotes changed by de-identification were skipped)"
                if self.quotes_not_found
                else ""
            ),
            *([f"  {self.themes} candidate themes waiting for review"] if self.themes else []),
            f"  Researcher-only files (review files, encrypted key): {self.researcher_dir}",
            "Demo accounts (name / password):",
        ]
        lines += [f"  {name:<11} {role.value:<11} {pw}" for name, (role, pw) in self.users.items()]
        return "\n".join(lines)


def demo_passphrase() -> str:
    """``$QUALKIT_DEID_PASSPHRASE``, else ``$QUALKIT_KEY_PASSPHRASE``, else the demo's own."""
    return os.environ.get(PASSPHRASE_ENV) or os.environ.get(OLD_PASSPHRASE_ENV) or DEMO_PASSPHRASE


def sample_transcripts(corpus: Path = SAMPLE) -> list[Path]:
    from qualkit.importers import supported_suffixes

    suffixes = set(supported_suffixes())
    return sorted(p for p in (corpus / "transcripts").iterdir() if p.suffix.lower() in suffixes)


def _clear_previous(workdir: Path, release: Path, review_dir: Path, key_path: Path) -> None:
    """A fresh project each time; detection results are cached under researcher/."""
    for stale in (release, review_dir):
        if stale.exists():
            for f in stale.glob("*"):
                if f.is_file():
                    f.unlink()
    for f in workdir.glob("project.db*"):
        f.unlink()
    if key_path.exists():
        key_path.unlink()


def _add_demo_users(store: Store) -> None:
    """The demo accounts of :data:`DEMO_USERS`, in one transaction."""
    from qualkit.auth import hash_password

    hashes = {name: hash_password(pw) for name, (_role, pw) in DEMO_USERS.items()}
    with store.transaction(ACTOR):
        for name, (role, _pw) in DEMO_USERS.items():
            store.add_user(name, role, ACTOR, password_hash=hashes[name])


def _code_and_assign(store: Store, corpus: Path) -> tuple[int, int]:
    """Imports the sample codings and assigns every transcript to coder_a and coder_b
    (and to coder_c where nothing is coded yet); returns (codings added, quotes not found)."""
    from qualkit.codings_io import import_coding_files

    coding_files = sorted((corpus / "codings").glob("*.yaml"))
    added, missing = import_coding_files(store, coding_files, ACTOR)
    coded = {p.stem for p in coding_files}
    with store.transaction("researcher"):
        for t in store.transcripts():
            for coder in ("coder_a", "coder_b"):
                store.assign(t.tid, coder, "researcher")
            if t.tid not in coded:
                store.assign(t.tid, "coder_c", "researcher")
    return added, missing


def build_demo(
    workdir: Path,
    *,
    corpus: Path | None = None,
    codebook: Path = CODEBOOK,
    echo: Callable[[str], None] = lambda _m: None,
    progress: bool = True,
    themes: bool = False,
) -> DemoResult:
    """(Re)build the demo project in ``workdir``; returns where everything went."""
    from qualkit.deid import load_lists, pipeline
    from qualkit.project import ManifestGate, import_transcripts, init_project, load_codebook_file

    corpus = corpus or SAMPLE
    workdir = Path(workdir)
    researcher = workdir / "researcher"
    review_dir = researcher / "review"
    key_path = researcher / "reidentification.key"
    release = workdir / "released"
    project = workdir / "project.db"
    passphrase = demo_passphrase()

    _clear_previous(workdir, release, review_dir, key_path)
    raw = sample_transcripts(corpus)
    lists_file = corpus / "deid-lists.yaml"
    lists = load_lists(lists_file) if lists_file.exists() else None
    echo(f"De-identifying {len(raw)} sample transcripts...")
    run = pipeline.run(raw, review_dir, key_path, passphrase, lists=lists, progress=progress)
    applied = pipeline.apply(review_dir, key_path, passphrase, release_dir=release)

    echo("Creating the project and importing released transcripts...")
    store = init_project(
        project,
        "Demo: multiple-disadvantage peer research",
        ACTOR,
        description="Synthetic sample interviews from three South London boroughs.",
        codebook=load_codebook_file(codebook),
    )
    try:
        released = sorted(release.glob("*.txt"))
        participants = corpus / "participants.csv"
        import_transcripts(
            store,
            released,
            ACTOR,
            ManifestGate(Path(applied.manifest)),
            participants_csv=participants if participants.exists() else None,
        )
        _add_demo_users(store)
        added, missing = _code_and_assign(store, corpus)
        n = len(store.transcripts())
        n_themes = 0
        if themes:
            from qualkit.topics.project_suggest import prepare_hints
            from qualkit.topics.themes import run_themes

            echo("Finding candidate themes for the team to review...")
            n_themes = len(run_themes(store, ACTOR))
            echo("Getting suggested codes ready for the coders...")
            prepare_hints(store)
    finally:
        store.close()
    shutil.copy2(codebook, workdir / codebook.name)
    return DemoResult(
        project=project,
        release_dir=release,
        researcher_dir=researcher,
        transcripts=n,
        codings=added,
        quotes_not_found=missing,
        detections=run.detections,
        themes=n_themes,
        users=dict(DEMO_USERS),
    )
