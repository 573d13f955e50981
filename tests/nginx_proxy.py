"""The reverse-proxy recipe of ``deploy/nginx/qualkit.conf``, started for tests and
benchmarks: a throwaway self-signed certificate, the site file with local ports and the
certificate put in, and nginx running it in the foreground from a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qualkit.errors import QualkitError

#: The site file in a checkout (tests and benchmarks run from one).
SITE = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "qualkit.conf"


def find_nginx() -> str | None:
    """The nginx binary, or None."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if os.access(p, os.X_OK)), None
    )


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def site_file(
    app_port: int, http_port: int, https_port: int, cert: Path, key: Path, site: Path = SITE
) -> str:
    """The site file with this machine's ports and certificate put in; every value it
    replaces must be in the file, so a change to the recipe shows up here."""
    text = site.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("/etc/letsencrypt/live/qualkit.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/qualkit.example.org/privkey.pem", str(key)),
    ):
        if old not in text:
            raise QualkitError(f"{site} no longer says {old!r}")
        text = text.replace(old, new)
    return text


def insecure_context() -> ssl.SSLContext:
    """TLS without checking the throwaway certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True)
class Proxy:
    https_url: str
    http_url: str
    folder: Path


@contextmanager
def nginx_in_front(
    app_port: int, folder: Path, *, health: str = "/_qualkit/health"
) -> Iterator[Proxy]:
    """nginx with the site file, in front of an app on ``127.0.0.1:app_port``, until the
    block ends. Raises :class:`QualkitError` when nginx is missing or refuses the file."""
    from qualkit.ui.server import free_port

    nginx = find_nginx()
    if nginx is None:
        raise QualkitError("nginx not found: install it with `apt-get install nginx`")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder)
    http_port, https_port = free_port(), free_port()
    (folder / "qualkit.conf").write_text(site_file(app_port, http_port, https_port, cert, key))
    temp = "\n".join(
        f"    {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log {folder}/access.log;\n{temp}\n"
        f"    include {folder}/qualkit.conf;\n}}\n"
    )
    command = [nginx, "-p", f"{folder}/", "-e", f"{folder}/error.log", "-c", f"{folder}/nginx.conf"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise QualkitError(f"nginx refused the site file: {checked.stderr.strip()[-500:]}")
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url = f"https://127.0.0.1:{https_port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"{url}{health}", context=insecure_context(), timeout=2
                ):
                    break
            except (OSError, urllib.error.HTTPError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log = folder / "error.log"
                raise QualkitError(
                    "nginx did not answer: " + (log.read_text()[-1000:] if log.exists() else "")
                )
            time.sleep(0.2)
        yield Proxy(url, f"http://127.0.0.1:{http_port}", folder)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def serve_behind_nginx(
    project: str, work: Path, *, timeout: float = 90
) -> Iterator[tuple[int, Proxy]]:
    """``qualkit serve`` for ``project`` (started in ``work``, its log ``work/serve.log``)
    with nginx in front (in ``work/nginx``); yields the app's own port and the proxy."""
    from qualkit.ui.server import ServeOptions, free_port, serving

    port = free_port()
    command = [sys.executable, "-m", "qualkit", "serve", "--port", str(port)]
    with (
        serving(
            project,
            work / "serve.log",
            command=command,
            options=ServeOptions(port=port),
            cwd=work,
            timeout=timeout,
        ),
        nginx_in_front(port, work / "nginx") as proxy,
    ):
        yield port, proxy


__all__ = [
    "SITE",
    "Proxy",
    "find_nginx",
    "insecure_context",
    "nginx_in_front",
    "self_signed",
    "serve_behind_nginx",
    "site_file",
]
