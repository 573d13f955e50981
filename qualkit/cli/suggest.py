"""``qualkit suggest``: theme discovery, code suggestions and their evaluation.

Each command is a thin shell over :mod:`qualkit.topics`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from qualkit.cli.common import (
    actor_opt,
    file_opt,
    flag,
    open_store,
    out_opt,
    project_arg,
    qualkit_group,
    switch_opt,
    write_text,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@qualkit_group("suggest")
def group() -> None:
    """Suggest themes and codes from the text, for people to confirm."""


def _short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _theme_line(t: object) -> str:
    from qualkit.storage.store import ThemeRecord

    assert isinstance(t, ThemeRecord)
    extra = ""
    if t.status == "merged":
        extra = f" → {'code ' + t.code if t.code else 'theme ' + str(t.merged_into)}"
    elif t.status == "accepted" and t.code:
        extra = f" → code {t.code}"
    return f"{t.id:>4}  {t.status:<9} {t.size:>5}  {t.label}{extra}"


@group.command("themes")
@project_arg
@actor_opt
def themes_cmd(project: str, actor: str) -> None:
    """Find candidate themes in PROJECT's transcripts and store them for review.

    Earlier decisions (accepted, rejected, merged, renamed) carry over to matching themes.
    """
    from qualkit.topics.themes import run_themes

    with open_store(project) as store:
        store.project()
        stored = run_themes(store, actor, progress=lambda m: click.echo(m + "...", err=True))
    click.echo(f"{len(stored)} candidate theme(s). Review them with `qualkit suggest review`.")
    click.echo(f"{'id':>4}  {'status':<9} {'size':>5}  label")
    for t in stored:
        click.echo(_theme_line(t))


@group.command("review")
@project_arg
@click.option("--quotes", "n_quotes", type=int, default=3, show_default=True, help="Quotes shown.")
@flag("--all", "show_all", help="Include themes of earlier runs.")
def review_cmd(project: str, n_quotes: int, show_all: bool) -> None:
    """List candidate themes with keywords, sources and quotes."""
    with open_store(project) as store:
        themes = store.themes(current=None if show_all else True)
    if not themes:
        click.echo("No themes yet: run `qualkit suggest themes PROJECT` first.")
        return
    for t in themes:
        click.echo(_theme_line(t) + ("" if t.current else "  (earlier run)"))
        click.echo(f"      keywords: {', '.join(t.keywords)}")
        roles = ", ".join(f"{r} {n}" for r, n in t.roles.items())
        click.echo(f"      from {len(t.transcripts)} transcript(s); {roles}")
        if t.seed:
            click.echo(f"      seeded by codebook: {t.seed}")
        for q in t.quotes[:n_quotes]:
            click.echo(f'      [{q["transcript"]}] "{_short(q["text"])}"')
        click.echo("")


@group.command("decide")
@project_arg
@click.argument("theme_id", type=int)
@click.argument("action", type=click.Choice(["accept", "reject", "merge", "rename"]))
@click.option("--name", default=None, help="accept: name of the new code; rename: new label.")
@click.option("--definition", default=None, help="accept: definition of the new code.")
@click.option("--id", "cid", default=None, help="accept: id of the new code.")
@click.option("--parent", default=None, help="accept: put the new code under this code id.")
@click.option(
    "--example",
    "examples",
    multiple=True,
    help="accept: an example quote for the new code (repeat for more; default: the first "
    "sentence of the theme's first three quotes).",
)
@flag("--no-examples", help="accept: give the new code no examples.")
@click.option("--into-code", default=None, help="merge: the existing code that covers it.")
@click.option("--into-theme", type=int, default=None, help="merge: the theme to fold it into.")
@click.option("--reason", default="", help="reject: why (kept with the decision).")
@actor_opt
def decide_cmd(project: str, theme_id: int, action: str, actor: str, **how: Any) -> None:
    """Decide on theme THEME_ID: accept it as a new code, reject it, merge it into a code
    or another theme, or rename it. Every decision is logged and survives re-runs."""
    with open_store(project) as store:
        click.echo(_decide(store, theme_id, action, actor, **how))


def _decide(
    store: Any,
    theme_id: int,
    action: str,
    actor: str,
    *,
    name: str | None,
    definition: str | None,
    cid: str | None,
    parent: str | None,
    examples: tuple[str, ...],
    no_examples: bool,
    into_code: str | None,
    into_theme: int | None,
    reason: str,
) -> str:
    """Carry out ``qualkit suggest decide``; returns the line that says what was done."""
    from qualkit.topics import themes as th

    if action == "accept":
        chosen = [] if no_examples else (list(examples) or None)
        code = th.accept_theme(
            store,
            theme_id,
            actor,
            name=name,
            definition=definition,
            cid=cid,
            parent=parent,
            examples=chosen,
        )
        return f"Theme {theme_id} accepted as new code {code.cid} ({code.name})."
    if action == "reject":
        th.reject_theme(store, theme_id, actor, reason)
        return f"Theme {theme_id} rejected."
    if action == "merge":
        if (into_code is None) == (into_theme is None):
            raise click.UsageError("merge needs exactly one of --into-code or --into-theme")
        if into_code is not None:
            th.merge_theme_into_code(store, theme_id, into_code, actor)
            return f"Theme {theme_id} merged into code {into_code}."
        assert into_theme is not None
        th.merge_themes(store, theme_id, into_theme, actor)
        return f"Theme {theme_id} merged into theme {into_theme}."
    if not name:
        raise click.UsageError("rename needs --name")
    th.rename_theme(store, theme_id, name, actor)
    return f"Theme {theme_id} renamed."


@group.command("codes")
@file_opt("--codebook", required=True, help="Codebook: qualkit YAML or REFI-QDA .qdc.")
@file_opt("--passages", required=True, help="CSV with columns id,text (UTF-8).")
@out_opt("Output CSV: id,rank,code,score.")
@click.option("--top", type=int, default=3, show_default=True, help="Codes per passage.")
@click.option(
    "--model",
    default=None,
    help="Embedding model: all-MiniLM-L6-v2 (default) or all-mpnet-base-v2 (if installed).",
)
def codes_cmd(codebook: Path, passages: Path, out: Path, top: int, model: str | None) -> None:
    """Suggest codes for passages, outside any project.

    Writes TOP rows per passage (columns id,rank,code,score,confidence; rank 1 is best;
    score is the calibrated probability, between 0 and 1, that a coder would apply the
    code; confidence says it in words: likely, possible or unlikely), in the order of the
    input. Only codable codes are suggested.
    """
    from qualkit.topics.suggest_csv import suggest_codes_file

    n = suggest_codes_file(codebook, passages, out, top=top, model=model)
    click.echo(f"Wrote {n * top} suggestion(s) for {n} passage(s) to {out}")


@group.command("model")
@project_arg
@click.argument("name", required=False)
@actor_opt
def model_cmd(project: str, name: str | None, actor: str) -> None:
    """Show or set the embedding model PROJECT's code suggestions use.

    NAME is all-MiniLM-L6-v2 (the default) or all-mpnet-base-v2 (slower; its packages
    must be installed). Embeddings are cached per model, so switching back is quick.
    """
    from qualkit.topics.embed import MODEL_NAME, MODEL_SETTING, model_dir, model_spec

    with open_store(project) as store:
        if name is None:
            current = store.settings().get(MODEL_SETTING) or MODEL_NAME
            click.echo(f"Code suggestions use the embedding model {current}.")
            return
        spec = model_spec(name)
        model_dir(spec.name)  # a missing package fails here, before the setting changes
        store.update_settings(actor, **{MODEL_SETTING: spec.name})
    click.echo(f"Code suggestions now use the embedding model {spec.name}.")


@group.command("prepare")
@project_arg
@click.option(
    "--transcript",
    "tids",
    multiple=True,
    metavar="ID",
    help="Only this transcript (repeat for more); default: every transcript.",
)
def prepare_cmd(project: str, tids: tuple[str, ...]) -> None:
    """Get PROJECT's suggested codes ready for coders: embed every turn and sentence of
    its transcripts and keep the embeddings in the project, so that a coder's first
    suggestions appear without waiting for the text model. Assigning transcripts in the
    app does this too.
    """
    from qualkit.topics.project_suggest import prepare_hints

    with open_store(project) as store:
        chosen = list(tids) or [t.tid for t in store.transcripts()]
        with click.progressbar(length=len(chosen), label="Preparing", file=sys.stderr) as bar:
            n = prepare_hints(store, chosen, progress=lambda _tid: bar.update(1))
    click.echo(
        f"Prepared suggested codes for {n} turns and sentences in {len(chosen)} transcript(s)."
    )


@group.command("evaluate")
@project_arg
@out_opt("Also write the figures as JSON.", required=False, decls=("--json", "json_out"))
@switch_opt("--themes/--no-themes", default=True, help="Evaluate themes.")
def evaluate_cmd(project: str, json_out: Path | None, themes: bool) -> None:
    """Measure suggestions against the team's coding (consensus layer if there is one).

    Code suggestions: top-1 and top-3 accuracy over coded passages, leave-one-transcript-
    out. Themes: NMI and ARI of discovered themes with the coded top-level themes, and the
    share of passages left unassigned.
    """
    from qualkit.topics.evaluate import evaluate

    with open_store(project) as store:
        result = evaluate(store, themes=themes)
    click.echo(result.report())
    if json_out is not None:
        write_text(json_out, json.dumps(result.as_dict(), indent=2, sort_keys=True))


COMMANDS: list[click.Command] = [group]
