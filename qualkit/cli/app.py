"""``qualkit app``, ``qualkit serve`` and ``qualkit demo``: start the coding app.

The app process is started only by :mod:`qualkit.ui.server` (its checks before the start,
its command line, signals passed on); these commands exit with the app's status.
"""

from __future__ import annotations

from pathlib import Path

import click

from qualkit.cli.common import echo_err, port_opt, project_arg, switch_opt


@click.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Where to build the demo.",
)
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Sample corpus folder (default: corpora/sample).",
)
@switch_opt(
    "--app/--no-app", default=True, help="Start the Streamlit app when the project is built."
)
@port_opt("Port for the app.")
@switch_opt(
    "--themes/--no-themes",
    default=True,
    help="Find candidate themes for review (needs the topics extra).",
)
def demo(workdir: Path, corpus: Path | None, app: bool, port: int, themes: bool) -> None:
    """Build a demo project from the bundled sample corpus, then start the app."""
    from qualkit.demo import build_demo

    result = build_demo(workdir, corpus=corpus, themes=themes, echo=echo_err)
    click.echo(result.summary())
    if app:
        _run_app(result.project, port)


@click.command()
@project_arg
@port_opt("Port to listen on.")
@click.option(
    "--review-dir",
    "review_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder written by `qualkit deid run` that the Review de-identification page may "
    "open (repeatable; none by default).",
)
def app(project: str, port: int, review_dirs: tuple[Path, ...]) -> None:
    """Start the Streamlit coding app for PROJECT on localhost."""
    _run_app(project, port, review_dirs)


def _run_app(project: str | Path, port: int, review_dirs: tuple[Path, ...] = ()) -> None:
    from qualkit.ui.server import run_app

    raise SystemExit(run_app(project, port, echo=echo_err, review_dirs=review_dirs))


@click.command()
@click.option(
    "--project",
    envvar="QUALKIT_PROJECT",
    required=True,
    help="The project (SQLite file or database URL); default: $QUALKIT_PROJECT.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@port_opt("Port to listen on.")
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="A reverse proxy with HTTPS is the only way in (needed for a --host other than "
    "this machine's own).",
)
@click.option(
    "--max-upload-mb", type=int, default=50, show_default=True, help="Largest upload (MB)."
)
def serve(project: str, host: str, port: int, behind_proxy: bool, max_upload_mb: int) -> None:
    """Serve the app for a team, behind a reverse proxy (see deploy/README.md).

    Health check: GET /_qualkit/health (200 when the project database answers).
    """
    from qualkit.ui.server import ServeOptions
    from qualkit.ui.server import serve as serve_app

    options = ServeOptions(host, port, behind_proxy=behind_proxy, max_upload_mb=max_upload_mb)
    raise SystemExit(serve_app(project, options, echo=echo_err))


COMMANDS: list[click.Command] = [demo, app, serve]
