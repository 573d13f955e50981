"""The re-identification key file: the pseudonym map, encrypted with a passphrase.

Format: a small JSON envelope (KDF parameters, salt, nonce) around AES-256-GCM
ciphertext; the key is derived from the passphrase with scrypt. The file must live apart
from the project database; without it a corpus cannot be extended consistently.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from qualkit.deid.anonymize import PseudonymMap
from qualkit.errors import InputError, QualkitError
from qualkit.files import write_atomically

KEY_FORMAT = "qualkit-deid-key"
KEY_VERSION = 1
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_AAD = b"qualkit-deid-key-v1"
#: The most work a key file may ask of scrypt: n * r * p (the defaults use 2**18), and the
#: most memory (128 * n * r bytes; the defaults use 32 MiB). A key file asking for more
#: has been tampered with; refusing it keeps a damaged file from taking minutes and GBs.
MAX_SCRYPT_WORK = 2**22
MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
NONCE_BYTES = 12
CANNOT_DECRYPT = "cannot decrypt: wrong passphrase or damaged key file"


class KeyFileError(InputError):
    """The key file cannot be opened (wrong passphrase, damaged, or not a key file)."""


class PassphraseError(QualkitError):
    """A passphrase is missing or unusable."""


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encrypt_mapping(mapping: PseudonymMap, passphrase: str) -> bytes:
    """The key file's bytes for ``mapping``."""
    import os

    if not passphrase:
        raise PassphraseError("a non-empty passphrase is needed for the key file")
    salt = os.urandom(16)
    nonce = os.urandom(12)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    plaintext = json.dumps(mapping.to_dict(), ensure_ascii=False).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _AAD)
    envelope: dict[str, Any] = {
        "format": KEY_FORMAT,
        "version": KEY_VERSION,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "ciphertext": _b64(ciphertext),
    }
    return (json.dumps(envelope, indent=2) + "\n").encode("ascii")


def decrypt_mapping(data: bytes, passphrase: str, path: str | Path = "<key>") -> PseudonymMap:
    """The pseudonym map inside key-file bytes; :class:`KeyFileError` if it cannot be read."""
    try:
        envelope = json.loads(data.decode("ascii"))
        if envelope.get("format") != KEY_FORMAT:
            raise ValueError
        kdf = envelope["kdf"]
        salt = base64.b64decode(kdf["salt"])
        nonce = base64.b64decode(envelope["cipher"]["nonce"])
        ciphertext = base64.b64decode(envelope["ciphertext"])
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise KeyFileError(path, "not a qualkit key file, or it is damaged") from None
    if envelope.get("version") != KEY_VERSION:
        raise KeyFileError(path, "unsupported key file version")
    if not _usable_parameters(n, r, p) or len(nonce) != NONCE_BYTES:
        raise KeyFileError(path, CANNOT_DECRYPT)
    try:
        key = _derive(passphrase, salt, n, r, p)
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, _AAD)
    except (InvalidTag, ValueError, OverflowError, MemoryError):
        raise KeyFileError(path, CANNOT_DECRYPT) from None
    try:
        return PseudonymMap.from_dict(json.loads(plaintext.decode("utf-8")))
    except (ValueError, UnicodeDecodeError, AttributeError):
        raise KeyFileError(path, "key file contents are not a pseudonym map") from None


def _usable_parameters(n: int, r: int, p: int) -> bool:
    """scrypt parameters qualkit itself could have written: n a power of two, bounded work."""
    if n < 2 or n & (n - 1) or r < 1 or p < 1:
        return False
    return n * r * p <= MAX_SCRYPT_WORK and 128 * n * r <= MAX_SCRYPT_MEMORY


def save_key(path: str | Path, mapping: PseudonymMap, passphrase: str) -> None:
    """Encrypt and write the key file (owner-only permissions, atomic)."""
    write_atomically(path, encrypt_mapping(mapping, passphrase), mode=0o600)


def load_key(path: str | Path, passphrase: str) -> PseudonymMap:
    """Read and decrypt a key file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise KeyFileError(p, f"cannot read key file ({exc.strerror or 'error'})") from None
    return decrypt_mapping(data, passphrase, p)


def load_or_new_key(path: str | Path, passphrase: str, style: str | None = None) -> PseudonymMap:
    """The key at ``path``, or a new empty map if there is no file yet."""
    p = Path(path)
    mapping = load_key(p, passphrase) if p.exists() else PseudonymMap()
    if style is not None and len(mapping) == 0:
        mapping.style = style
    return mapping
