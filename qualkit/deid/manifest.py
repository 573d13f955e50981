"""Release manifests: which de-identified files may be imported, by content hash.

A manifest holds, per output file, its name, SHA-256, source file name, date and the
qualkit version. It never holds transcript text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qualkit.errors import InputError
from qualkit.files import write_atomically

MANIFEST_FORMAT = "qualkit-deid-manifest"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    sha256: str
    source: str
    date: str
    qualkit_version: str


@dataclass
class Manifest:
    entries: list[ManifestEntry] = field(default_factory=list)
    created: str = ""
    qualkit_version: str = ""
    path: str = ""

    def by_name(self) -> dict[str, ManifestEntry]:
        return {e.file: e for e in self.entries}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "created": self.created,
            "qualkit_version": self.qualkit_version,
            "files": [
                {
                    "file": e.file,
                    "sha256": e.sha256,
                    "source": e.source,
                    "date": e.date,
                    "qualkit_version": e.qualkit_version,
                }
                for e in self.entries
            ],
        }


def qualkit_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("qualkit")
    except (ImportError, PackageNotFoundError):
        import qualkit

        return str(getattr(qualkit, "__version__", "0+unknown"))


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def build_manifest(files: list[tuple[Path, str]]) -> Manifest:
    """A manifest for ``(output path, source file name)`` pairs."""
    version = qualkit_version()
    stamp = now_iso()
    entries = [
        ManifestEntry(
            file=out.name,
            sha256=sha256_file(out),
            source=Path(source).name,
            date=stamp,
            qualkit_version=version,
        )
        for out, source in files
    ]
    return Manifest(entries=entries, created=stamp, qualkit_version=version)


def write_manifest(manifest: Manifest, path: str | Path) -> None:
    write_atomically(path, json.dumps(manifest.to_dict(), indent=2) + "\n", mode=0o644)


def load_manifest(path: str | Path) -> Manifest:
    """Read a manifest written by ``qualkit deid apply``."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(p, f"cannot read manifest ({exc.strerror or 'error'})") from None
    except json.JSONDecodeError as exc:
        raise InputError(p, "manifest is not valid JSON", line=exc.lineno) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise InputError(p, "not a qualkit de-identification manifest")
    files = data.get("files")
    if not isinstance(files, list):
        raise InputError(p, "manifest has no 'files' list")
    entries = []
    for i, item in enumerate(files):
        if not isinstance(item, dict):
            raise InputError(p, f"manifest entry {i + 1} is not an object")
        try:
            entries.append(
                ManifestEntry(
                    file=str(item["file"]),
                    sha256=str(item["sha256"]).lower(),
                    source=str(item.get("source", "")),
                    date=str(item.get("date", "")),
                    qualkit_version=str(item.get("qualkit_version", "")),
                )
            )
        except KeyError as exc:
            raise InputError(p, f"manifest entry {i + 1} lacks '{exc.args[0]}'") from None
    return Manifest(
        entries=entries,
        created=str(data.get("created", "")),
        qualkit_version=str(data.get("qualkit_version", "")),
        path=str(p),
    )


def manifest_allows(manifest: Manifest, file_path: str | Path) -> bool:
    """Whether ``file_path`` is listed in the manifest (by name) with a matching SHA-256."""
    p = Path(file_path)
    entry = manifest.by_name().get(p.name)
    if entry is None or not p.is_file():
        return False
    return sha256_file(p) == entry.sha256
