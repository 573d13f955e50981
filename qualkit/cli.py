"""The ``qualkit`` command line. Each command is a thin shell over a library call.

PROJECT is a path to a SQLite project file (created by ``qualkit init``) or a database URL
such as ``postgresql://user@host/dbname``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from qualkit import __version__
from qualkit.cli_common import actor_opt, friendly_errors, open_store, project_arg
from qualkit.errors import QualkitError
from qualkit.model import Role


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualkit")
def cli() -> None:
    """qualkit: de-identify, code and report on peer-research interviews."""


# -- init / import ---------------------------------------------------------------------


@cli.command()
@project_arg
@click.option("--name", default=None, help="Project name (default: the file name).")
@click.option("--description", default="", help="One line about the study.")
@click.option(
    "--codebook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Codebook to start with (qualkit YAML or REFI-QDA .qdc).",
)
@click.option(
    "--replace-codebook",
    is_flag=True,
    help="Let --codebook replace the codebook of an existing project (codes it lacks are "
    "deactivated); `qualkit codebook import` is the usual way to change a codebook.",
)
@actor_opt
@friendly_errors
def init(
    project: str,
    name: str | None,
    description: str,
    codebook: Path | None,
    replace_codebook: bool,
    actor: str,
) -> None:
    """Create a project database at PROJECT."""
    from qualkit import limits
    from qualkit.project import init_project, load_codebook_file

    what = "--name" if name else "the project name (from PROJECT; give a shorter --name)"
    if problem := limits.too_long(name or Path(project).stem, limits.PROJECT_NAME, what):
        raise QualkitError(problem)
    cb = load_codebook_file(codebook) if codebook else None
    store = init_project(
        project,
        name or Path(project).stem,
        actor,
        description=description,
        codebook=cb,
        replace_codebook=replace_codebook,
    )
    n = len(store.codebook().codes)
    store.close()
    click.echo(f"Project ready at {project}" + (f" with {n} codes" if cb else ""))


@cli.command("import")
@project_arg
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="De-identification manifest that released these files.",
)
@click.option(
    "--not-identifiable",
    is_flag=True,
    help="State that the files hold no identifying data and skip the "
    "de-identification check. This is recorded in the event log.",
)
@click.option(
    "--participants",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of participant attributes (columns transcript, participant, role, ...).",
)
@click.option(
    "--interviewer",
    default=None,
    help="Speaker label of the interviewer, when it cannot be inferred.",
)
@click.option("--replace", is_flag=True, help="Replace transcripts that are already imported.")
@actor_opt
@friendly_errors
def import_(
    project: str,
    files: tuple[Path, ...],
    manifest: Path | None,
    not_identifiable: bool,
    participants: Path | None,
    interviewer: str | None,
    replace: bool,
    actor: str,
) -> None:
    """Import de-identified transcripts (.txt .md .docx .vtt .srt) or REFI-QDA .qdpx files.

    Files must be listed in a de-identification manifest (--manifest), or declared not
    identifiable (--not-identifiable). Transcripts are imported all or nothing. .qdpx files
    are imported together in one transaction: one file per coder is merged (the same source
    text becomes one transcript, each file's coders keep their own layers).
    """
    from qualkit.project import ImportGate, ManifestGate, NotIdentifiableGate, import_transcripts

    if manifest and not_identifiable:
        raise click.UsageError("give either --manifest or --not-identifiable, not both")
    gate: ImportGate
    if manifest:
        gate = ManifestGate(manifest)
    elif not_identifiable:
        gate = NotIdentifiableGate()
    else:
        raise click.UsageError(
            "transcripts must be released by de-identification first: pass --manifest "
            "FILE from `qualkit deid apply`, or --not-identifiable if they hold no "
            "identifying data"
        )
    projects = [f for f in files if f.suffix.lower() == ".qdpx"]
    transcripts = [f for f in files if f.suffix.lower() != ".qdpx"]
    with open_store(project) as store:
        store.project()
        if transcripts:
            with click.progressbar(
                length=len(transcripts), label="Reading", file=sys.stderr
            ) as bar:
                done = import_transcripts(
                    store,
                    transcripts,
                    actor,
                    gate,
                    participants_csv=participants,
                    interviewer=interviewer,
                    replace=replace,
                    progress=lambda _p: bar.update(1),
                )
            click.echo(f"Imported {len(done)} transcript(s).")
        if projects:
            from qualkit.refiqda import import_qdpx_files

            result = import_qdpx_files(store, projects, actor, gate)
            click.echo(result.summary())
            for note in result.notes:
                click.echo(f"note: {note}", err=True)


# -- transcripts -----------------------------------------------------------------------


@cli.group()
def transcripts() -> None:
    """List and read transcripts in a project."""


@transcripts.command("list")
@project_arg
@friendly_errors
def transcripts_list(project: str) -> None:
    """One line per transcript: id, participant, role, turns, speakers, title."""
    with open_store(project) as store:
        counts = store.turn_counts()
        roles = {p.pid: p.role for p in store.participants()}
        rows = store.transcripts()
    click.echo(f"{'id':<10} {'participant':<12} {'turns':>5} {'spk':>3}  title")
    for t in rows:
        n, k = counts.get(t.tid, (0, 0))
        pid = t.participant or "-"
        click.echo(
            f"{t.tid:<10} {pid:<12} {n:>5} {k:>3}  {t.title}"
            + (f"  ({roles[pid]})" if pid in roles else "")
        )


@transcripts.command("show")
@project_arg
@click.argument("tid")
@click.option("--limit", type=int, default=None, help="Show only the first N turns.")
@friendly_errors
def transcripts_show(project: str, tid: str, limit: int | None) -> None:
    """Print a transcript turn by turn with its speaker labels."""
    with open_store(project) as store:
        t = store.transcript(tid)
    click.echo(f"# {t.title} ({t.tid})")
    for k, v in t.metadata.items():
        click.echo(f"{k}: {v}")
    if t.content_notes:
        click.echo("Content notes: " + ", ".join(t.content_notes))
    for turn in t.turns[:limit]:
        ts = f"[{turn.timestamp}] " if turn.timestamp else ""
        click.echo(f"\n{ts}{turn.speaker} ({turn.kind.value}):\n{t.text[turn.start : turn.end]}")


# -- codebook --------------------------------------------------------------------------


@cli.group()
def codebook() -> None:
    """Check, import and export codebooks (qualkit YAML or REFI-QDA .qdc)."""


@codebook.command("validate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@friendly_errors
def codebook_validate(files: tuple[Path, ...]) -> None:
    """Check codebook files; report the file, line and problem of the first error."""
    from qualkit.project import load_codebook_file

    for f in files:
        cb = load_codebook_file(f)
        click.echo(f"{f}: ok, {len(cb.codes)} codes")


@codebook.command("import")
@project_arg
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_opt
@friendly_errors
def codebook_import(project: str, file: Path, actor: str) -> None:
    """Make FILE the project's codebook; changes are versioned in the project."""
    from qualkit.project import load_codebook_file

    with open_store(project) as store:
        cb = load_codebook_file(file, known_ids=store.codebook(include_inactive=True).by_id())
        changes = store.set_codebook(cb, actor)
    click.echo(f"Codebook {cb.name!r}: {len(cb.codes)} codes, {len(changes)} change(s).")


@codebook.command("export")
@project_arg
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .yaml/.yml for qualkit YAML, .qdc for REFI-QDA.",
)
@friendly_errors
def codebook_export(project: str, out: Path) -> None:
    """Write the project's codebook to a file."""
    from qualkit.exporting import write_atomically

    with open_store(project) as store:
        cb = store.codebook()
    if out.suffix.lower() == ".qdc":
        from qualkit.refiqda.qdc import export_qdc

        write_atomically(out, lambda f: export_qdc(cb, f))
    elif out.suffix.lower() in {".yaml", ".yml"}:
        from qualkit.codebook import dump_codebook

        write_atomically(out, lambda f: f.write(dump_codebook(cb).encode("utf-8")))
    else:
        raise click.UsageError("--out must end in .yaml, .yml or .qdc")
    click.echo(f"Wrote {out}")


@codebook.command("history")
@project_arg
@friendly_errors
def codebook_history(project: str) -> None:
    """Who changed which code, and when."""
    with open_store(project) as store:
        for at, who, changes in store.codebook_history():
            for c in changes:
                what = c["change"] + (f" {c['field']}" if "field" in c else "")
                click.echo(f"{at:%Y-%m-%d %H:%M} {who}: {c['code']} {what}")


# -- users -----------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Manage accounts (admin)."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


_invite_opt = click.option(
    "--invite",
    is_flag=True,
    help="Print a one-time link (valid 72 hours) where the person sets their own password.",
)
_url_opt = click.option(
    "--url",
    envvar="QUALKIT_URL",
    default="http://127.0.0.1:8501",
    show_default="$QUALKIT_URL or http://127.0.0.1:8501",
    help="The app's address, for the --invite link.",
)


def _echo_link(name: str, url: str, token: str, expires: Any) -> None:
    from qualkit.storage.invites import invite_link

    click.echo(
        f"Send {name} this link; it works once, until {expires:%d %b %Y %H:%M} UTC:\n"
        + invite_link(url, token)
    )


@users.command("add")
@project_arg
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.CODER.value,
    show_default=True,
    help="What the account may do.",
)
@click.option("--display-name", default="", help="Name shown in the app.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_invite_opt
@_url_opt
@actor_opt
@friendly_errors
def users_add(
    project: str,
    name: str,
    role: str,
    display_name: str,
    password_stdin: bool,
    invite: bool,
    url: str,
    actor: str,
) -> None:
    """Create an account NAME with a password, or with --invite a link to choose one."""
    from qualkit import limits
    from qualkit.auth import hash_password
    from qualkit.storage.invites import create_invite

    for value, limit, what in (
        (name, limits.USER_NAME, "NAME"),
        (display_name, limits.DISPLAY_NAME, "--display-name"),
    ):
        if problem := limits.too_long(value, limit, what):
            raise QualkitError(problem)
    if invite and password_stdin:
        raise QualkitError("give either --invite or --password-stdin, not both")
    pw = None if invite else hash_password(_read_password(password_stdin), name)
    with open_store(project) as store, store.transaction(actor):
        store.add_user(name, Role(role), actor, password_hash=pw, display_name=display_name)
        if invite:
            token, expires = create_invite(store, name, actor)
    click.echo(f"Added {role} {name}.")
    if invite:
        _echo_link(name, url, token, expires)


@users.command("reset")
@project_arg
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_invite_opt
@_url_opt
@actor_opt
@friendly_errors
def users_reset(
    project: str, name: str, password_stdin: bool, invite: bool, url: str, actor: str
) -> None:
    """Set a new password for NAME, who must change it at the next sign-in; or, with
    --invite, print a one-time link where NAME chooses a new password."""
    from qualkit.auth import hash_password
    from qualkit.storage.invites import create_invite, require_password_change

    if invite:
        with open_store(project) as store:
            token, expires = create_invite(store, name, actor, purpose="reset")
        _echo_link(name, url, token, expires)
        return
    pw = hash_password(_read_password(password_stdin), name)
    with open_store(project) as store, store.transaction(actor):
        store.set_password_hash(name, pw, actor)
        require_password_change(store, name, actor)
    click.echo(f"Password for {name} changed; {name} chooses a new one at the next sign-in.")


@users.command("list")
@project_arg
@friendly_errors
def users_list(project: str) -> None:
    """List accounts and their roles."""
    with open_store(project) as store:
        for u in store.users():
            click.echo(f"{u.name:<20} {u.role.value:<11} {u.display_name}")


# -- codings ---------------------------------------------------------------------------


@cli.group()
def codings() -> None:
    """Import and list codings."""


@codings.command("import")
@project_arg
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@actor_opt
@friendly_errors
def codings_import(project: str, files: tuple[Path, ...], actor: str) -> None:
    """Add codings from YAML files of quotes (see qualkit.codings_io)."""
    from qualkit.codings_io import import_coding_files

    with open_store(project) as store:
        added, missing = import_coding_files(store, list(files), actor)
    click.echo(f"Added {added} coding(s)" + (f"; {missing} quote(s) not found" if missing else ""))


@codings.command("list")
@project_arg
@click.option("--transcript", default=None, help="Only this transcript.")
@click.option("--coder", default=None, help="Only this coder.")
@friendly_errors
def codings_list(project: str, transcript: str | None, coder: str | None) -> None:
    """One line per coding: transcript, offsets, coder, code."""
    with open_store(project) as store:
        for c in store.codings(transcript=transcript, coder=coder):
            click.echo(f"{c.transcript:<8} {c.start:>7}-{c.end:<7} {c.coder:<12} {c.code}")


# -- agreement -------------------------------------------------------------------------


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="PROJECT|FILE.qdpx...")
@click.option(
    "--unit",
    type=click.Choice(["character", "sentence", "turn"]),
    default="character",
    show_default=True,
    help="What one unit of agreement is.",
)
@click.option("--coder", "coders", multiple=True, help="Compare only these coders (repeat).")
@click.option("--code", "codes", multiple=True, help="Only these codes (repeat).")
@click.option(
    "--min-overlap",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Segments match when they overlap by at least this share.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Resamples for the 95% confidence intervals (0: none).",
)
@click.option(
    "--seed", type=click.IntRange(0), default=0, show_default=True, help="Seed for the bootstrap."
)
@click.option(
    "--all-rows",
    is_flag=True,
    help="Print every code x transcript x coder-pair row, not just the summary.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every row to a .csv or .json file.",
)
@friendly_errors
def agreement(
    sources: tuple[str, ...],
    unit: str,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    min_overlap: float,
    bootstrap: int,
    seed: int,
    all_rows: bool,
    out: Path | None,
) -> None:
    """Inter-coder agreement per code, per transcript and overall.

    Reads a project, or REFI-QDA .qdpx files exported from NVivo, ATLAS.ti, MAXQDA or
    QualCoder (several files, one per coder, are merged as `qualkit import` merges them).
    Percent agreement and Cohen's kappa as NVivo computes them, Krippendorff's alpha,
    segment matching, and bootstrap confidence intervals.
    """
    from qualkit.agreement import format_table, summary, to_csv
    from qualkit.agreement.gather import project_agreement, qdpx_agreement
    from qualkit.exporting import write_atomically

    if out is not None and out.suffix.lower() not in {".csv", ".json"}:
        raise click.UsageError("--out must end in .csv or .json")
    options = {
        "unit": unit,
        "coders": coders or None,
        "codes": codes or None,
        "min_overlap": min_overlap,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    files = [Path(s) for s in sources if s.lower().endswith(".qdpx")]
    if files and len(files) != len(sources):
        raise click.UsageError("give one PROJECT, or one or more .qdpx files")
    if not files and len(sources) != 1:
        raise click.UsageError("give one PROJECT, or one or more .qdpx files")
    if files:
        report = qdpx_agreement(files, **options)
    else:
        with open_store(sources[0]) as store:
            report = project_agreement(store, **options)
    click.echo(format_table(report if all_rows else summary(report)))
    if out is not None:
        body = report.to_json() if out.suffix.lower() == ".json" else to_csv(report)
        write_atomically(out, lambda f: f.write(body.encode("utf-8")))
        click.echo(f"Wrote {out}", err=True)


# -- database --------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@project_arg
@friendly_errors
def db_upgrade(project: str) -> None:
    """Upgrade PROJECT's database schema to this version of qualkit (backs up SQLite first)."""
    from qualkit.storage import Store

    store = Store.open(project, create=False, auto_upgrade=True)
    store.close()
    click.echo("Database is up to date.")


@db_group.command("check")
@project_arg
@friendly_errors
def db_check(project: str) -> None:
    """Check PROJECT: integrity, foreign keys, schema version, event log continuity.

    Exits with status 1 when a check fails.
    """
    from qualkit.storage.check import check

    report = check(project)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@project_arg
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file to write (must not exist yet).",
)
@friendly_errors
def backup(project: str, out: Path) -> None:
    """Back up PROJECT to a new file while people keep working.

    SQLite: a copy of the database file; PostgreSQL: pg_dump's custom format (needs the
    PostgreSQL client tools). Restore with `qualkit restore`.
    """
    from qualkit.storage.backup import backup as make_backup

    info = make_backup(project, out)
    click.echo(f"Backed up to {out} ({info.kind}, schema {info.revision}).")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@project_arg
@click.option("--force", is_flag=True, help="Replace a project that already holds data.")
@friendly_errors
def restore(file: Path, project: str, force: bool) -> None:
    """Restore the backup FILE into PROJECT (refuses a project with data unless --force)."""
    from qualkit.storage.backup import restore as restore_backup

    info = restore_backup(file, project, force=force)
    click.echo(f"Restored {file} into {project} (schema {info.revision}).")


# -- demo and app ----------------------------------------------------------------------


@cli.command()
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
@click.option(
    "--app/--no-app",
    default=True,
    show_default=True,
    help="Start the Streamlit app when the project is built.",
)
@click.option("--port", type=int, default=8501, show_default=True, help="Port for the app.")
@click.option(
    "--themes/--no-themes",
    default=True,
    show_default=True,
    help="Find candidate themes for review (needs the topics extra).",
)
@friendly_errors
def demo(workdir: Path, corpus: Path | None, app: bool, port: int, themes: bool) -> None:
    """Build a demo project from the bundled sample corpus, then start the app."""
    from qualkit.demo import build_demo

    result = build_demo(
        workdir, corpus=corpus, themes=themes, echo=lambda m: click.echo(m, err=True)
    )
    click.echo(result.summary())
    if app:
        _run_app(result.project, port)


@cli.command()
@project_arg
@click.option("--port", type=int, default=8501, show_default=True, help="Port to listen on.")
@click.option(
    "--review-dir",
    "review_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder written by `qualkit deid run` that the Review de-identification page may "
    "open (repeatable; none by default).",
)
@friendly_errors
def app(project: str, port: int, review_dirs: tuple[Path, ...]) -> None:
    """Start the Streamlit coding app for PROJECT on localhost."""
    _run_app(project, port, review_dirs)


def _run_app(project: str | Path, port: int, review_dirs: tuple[Path, ...] = ()) -> None:
    from qualkit.ui.server import run_app

    raise SystemExit(
        run_app(project, port, echo=lambda m: click.echo(m, err=True), review_dirs=review_dirs)
    )


@cli.command()
@click.option(
    "--project",
    envvar="QUALKIT_PROJECT",
    required=True,
    help="The project (SQLite file or database URL); default: $QUALKIT_PROJECT.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8501, show_default=True, help="Port to listen on.")
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="A reverse proxy with HTTPS is the only way in (needed for a --host other than "
    "this machine's own).",
)
@click.option(
    "--max-upload-mb", type=int, default=50, show_default=True, help="Largest upload (MB)."
)
@friendly_errors
def serve(project: str, host: str, port: int, behind_proxy: bool, max_upload_mb: int) -> None:
    """Serve the app for a team, behind a reverse proxy (see deploy/README.md).

    Health check: GET /_qualkit/health (200 when the project database answers).
    """
    from qualkit.ui.server import ServeOptions
    from qualkit.ui.server import serve as serve_app

    options = ServeOptions(host, port, behind_proxy=behind_proxy, max_upload_mb=max_upload_mb)
    raise SystemExit(serve_app(project, options, echo=lambda m: click.echo(m, err=True)))


def register(group: click.Group) -> None:
    """Add a command group from another module to the main CLI."""
    cli.add_command(group)


def _register_groups() -> None:
    from qualkit import cli_deid, cli_export, cli_suggest

    for mod in (cli_deid, cli_export, cli_suggest):
        register(mod.group)
    from qualkit import cli_analyse

    register(cli_analyse.group)


_register_groups()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
