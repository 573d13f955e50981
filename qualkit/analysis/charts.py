"""Charts where people would rather look than read, as Vega-Lite specs built with Altair.

Every chart has a title, axis labels in plain words, a text alternative (``alt_text``, also
the spec's ``description``, which the SVG carries as its ARIA label) and colours from the
Okabe–Ito palette, which people with the common forms of colour blindness can tell apart.
Colour never carries meaning alone: bars are also split into labelled panels, heat-map
cells print their numbers, and counts are written beside bars. The app shows the spec
with Streamlit's own Vega-Lite support; ``to_svg``/``to_png`` render it on this machine
with ``vl-convert`` (nothing is fetched from the network).

Kinds (:data:`KINDS`):
``codes``        how many participants (or codings) had each code, by theme and role
``cooccurrence`` a heat map of codes found together (same turn, or overlapping spans)
``agreement``    kappa per code with its 95% bootstrap interval
``progress``     coding progress per coder: transcripts done, started, not started, declined
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualkit.errors import MissingExtra, QualkitError

if TYPE_CHECKING:
    from qualkit.analysis.frames import Study

KINDS = ("codes", "cooccurrence", "agreement", "progress")
#: Okabe & Ito (2008), "Color Universal Design": eight colours for categories.
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
#: A sequential scheme that stays readable in grey and for colour-blind readers.
SEQUENTIAL = "viridis"
FONT = "sans-serif"
#: The name of the dataset a chart made of several panels shares.
DATA = "qualkit"


def _altair() -> Any:
    try:
        import altair as alt
    except ImportError:
        raise MissingExtra("altair", "analysis") from None
    return alt


@dataclass
class Chart:
    """An Altair chart with its title, text alternative and the table it draws."""

    kind: str
    title: str
    alt_text: str
    chart: Any
    data: pd.DataFrame

    def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> Any:
        """A notebook shows the Altair chart itself."""
        return self.chart._repr_mimebundle_(*args, **kwargs)

    _spec: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _spec_of: Any = field(default=None, init=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The Vega-Lite spec (data inlined), a copy the caller may change."""
        return copy.deepcopy(self._validated_spec())

    def _validated_spec(self) -> dict[str, Any]:
        """The spec, validated by Altair once per chart object and kept for every drawing
        (validation costs more than drawing a small chart). Assigning another Altair chart
        to ``chart`` makes the next drawing use it."""
        if self._spec is None or self._spec_of is not self.chart:
            self._spec = self.chart.to_dict()
            self._spec_of = self.chart
        return self._spec

    def to_svg(self) -> str:
        return str(_vl().vegalite_to_svg(self._validated_spec()))

    def to_png(self, scale: float = 2.0) -> bytes:
        return bytes(_vl().vegalite_to_png(self._validated_spec(), scale=scale))

    def write(self, fmt: str, f: Any) -> None:
        """Write as ``"svg"`` or ``"png"`` to a binary file object."""
        if fmt == "svg":
            f.write(self.to_svg().encode("utf-8"))
        elif fmt == "png":
            f.write(self.to_png())
        else:
            raise QualkitError(f"charts are written as png or svg, not {fmt!r}")


def _vl() -> Any:
    try:
        import vl_convert
    except ImportError:
        raise MissingExtra("vl-convert-python", "analysis") from None
    return vl_convert


def _finish(chart: Any, title: str, alt_text: str) -> Any:
    """Title, text alternative and shared styles. Each Altair call copies the whole chart,
    so they are set in as few calls as possible."""
    alt = _altair()
    chart = chart.copy(deep=False)
    chart.title = title
    chart.description = alt_text
    chart.config = alt.Config(
        font=FONT,
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=13, labelLimit=320),
        header=alt.HeaderConfig(labelFontSize=12, titleFontSize=13, labelLimit=320),
        title=alt.TitleConfig(fontSize=16, anchor="start"),
        legend=alt.LegendConfig(labelFontSize=12, titleFontSize=13, labelLimit=320),
    )
    return chart


def _top(items: list[tuple[str, float]], n: int = 3) -> str:
    best = sorted(items, key=lambda x: -x[1])[:n]
    return "; ".join(f"{name} ({value:g})" for name, value in best)


# -- code frequency ----------------------------------------------------------------------


def code_frequency(study: Study, *, count: str = "participants", **options: Any) -> Chart:
    """Bars: how often each code occurs, one panel per role, codes grouped by theme."""
    alt = _altair()
    m = study.matrix("code", "role", count=count, **options)
    k = m.suppress_below
    rows = []
    for i in m.counts.index:
        for role in m.counts.columns:
            v = m.counts.at[i, role]
            hidden = v is pd.NA
            rows.append(
                {
                    "theme": m.themes.get(i, ""),
                    "code": m.labels.get(i, i),
                    "role": str(role),
                    "value": 0 if hidden else int(v),
                    "label": f"<{k}" if hidden else str(int(v)),
                }
            )
    data = pd.DataFrame(rows, columns=["theme", "code", "role", "value", "label"])
    themes = list(dict.fromkeys(data["theme"]))
    what = {"participants": "Participants", "transcripts": "Transcripts", "codings": "Codings"}[
        count
    ]
    title = f"{what} with each code, by theme and role"
    shown = [(f"{r.code}, {r.role}", r.value) for r in data.itertuples() if r.label[0] != "<"]
    alt_text = (
        f"Bar chart: {what.lower()} with each of {data['code'].nunique()} codes, one panel "
        f"per role ({', '.join(map(str, m.counts.columns)) or 'none'}). "
        + (f"Highest: {_top(shown)}. " if shown else "No codings match these choices. ")
        + (f"Cells from fewer than {k} participants are hidden. " if m.suppressed else "")
    ).strip()
    roles = [str(r) for r in m.counts.columns]
    top = max(1, int(data["value"].max()) if len(data) else 1)
    y = alt.Y("code:N", title=None, sort=None)
    x = alt.X(
        "value:Q",
        title=f"Number of {what.lower()}",
        scale=alt.Scale(domain=[0, top]),
        axis=alt.Axis(tickMinStep=1, format="d", tickCount=min(top, 10)),
    )
    colour = alt.Color(
        "role:N",
        title="Role",
        scale=alt.Scale(domain=roles or ["(none)"], range=OKABE_ITO),
        legend=alt.Legend(orient="bottom"),
    )
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(y=y, x=x, color=colour, tooltip=["code:N", "role:N", "label:N"])
    )
    text = alt.Chart().mark_text(align="left", dx=3).encode(y=y, x=x, text="label:N")
    # One panel per theme, stacked in codebook order (concatenation keeps the order as
    # given), each split into a column per role with the role's name above it. The rows
    # are one named dataset that each panel filters: Altair copies inline data at every
    # step, which for many panels costs more than the chart.
    base = alt.layer(bars, text).properties(width=220)
    column = alt.Column("role:N", title=None, sort=roles)
    panels = [
        base.transform_filter(alt.FieldEqualPredicate(field="theme", equal=theme)).facet(
            column=column,
            data=alt.NamedData(name=DATA),
            title=alt.TitleParams(theme, anchor="start", fontSize=14),
        )
        for theme in themes
    ]
    chart = (
        alt.vconcat(*panels, spacing=18).properties(datasets={DATA: data.to_dict(orient="records")})
        if panels
        else alt.Chart(pd.DataFrame({"t": ["No codings match these choices."]}))
        .mark_text()
        .encode(text="t:N")
    )
    return Chart("codes", title, alt_text, _finish(chart, title, alt_text), data)


# -- co-occurrence heat map -------------------------------------------------------------


def cooccurrence_heatmap(study: Study, *, by: str = "turn", **options: Any) -> Chart:
    """A heat map of code × code counts, every cell labelled with its number."""
    alt = _altair()
    co = study.cooccurrence(by=by, **options)
    long = co.long()
    k = co.suppress_below
    data = pd.DataFrame(
        {
            "code": [co.labels.get(c, c) for c in long["code"]],
            "other": [co.labels.get(c, c) for c in long["other"]],
            "count": [0 if v is pd.NA else int(v) for v in long["count"]],
            "label": [f"<{k}" if v is pd.NA else str(int(v)) for v in long["count"]],
            "jaccard": [None if v is pd.NA else round(float(v), 2) for v in long["jaccard"]],
        }
    )
    # The diagonal (a code with itself) says how often the code occurs; shading it would
    # swamp the pairs, so only pairs are shaded.
    data["shade"] = [
        None if a == b or lab[0] == "<" else c
        for a, b, c, lab in zip(
            long["code"], long["other"], data["count"], data["label"], strict=True
        )
    ]
    unit = {"turn": "turns", "passage": "passages"}.get(by, "overlapping codings")
    where = {"turn": "same turn", "passage": "same passage"}.get(by, "overlapping spans")
    title = f"Codes found together ({where})"
    pairs = [
        (f"{r.code} with {r.other}", r.count)
        for r in data.itertuples()
        if r.code < r.other and r.label[0] != "<"
    ]
    alt_text = (
        f"Heat map of {len(co.labels)} codes against each other; each cell gives the number "
        f"of {unit} with both codes, shaded from dark purple (few) to yellow (many); the "
        "diagonal, not shaded, gives each code's own count. "
        + (f"Most often together: {_top(pairs)}. " if pairs else "No pairs of codes. ")
        + (f"Cells from fewer than {k} participants are hidden." if co.suppressed else "")
    ).strip()
    order = list(co.labels.values())
    x = alt.X("other:N", title="Code", sort=order, axis=alt.Axis(labelAngle=-40))
    y = alt.Y("code:N", title="Code", sort=order)
    rect = (
        alt.Chart()
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "shade:Q", title=f"Number of {unit}", scale=alt.Scale(scheme=SEQUENTIAL)
            ),
            tooltip=["code", "other", "label", "jaccard"],
        )
    )
    text = (
        alt.Chart()
        .mark_text(fontSize=11)
        .encode(
            x=x,
            y=y,
            text="label:N",
            color=alt.condition(
                f"datum.shade == null || datum.shade > {_half(data['shade'])}",
                alt.value("black"),
                alt.value("white"),
            ),
        )
    )
    chart = alt.layer(rect, text, data=data).properties(
        width=max(200, 28 * len(order)), height=max(200, 24 * len(order))
    )
    return Chart("cooccurrence", title, alt_text, _finish(chart, title, alt_text), data)


def _half(values: pd.Series) -> float:
    top = pd.to_numeric(values, errors="coerce").max()
    return float(top) / 2 if pd.notna(top) and top > 0 else 0.5


# -- agreement ----------------------------------------------------------------------------


def agreement_chart(
    study: Study,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    frame: pd.DataFrame | None = None,
    **options: Any,
) -> Chart:
    """Kappa per code with its bootstrap interval (between all coders); ``frame`` is a
    :meth:`Study.agreement` table already worked out, else it is worked out here."""
    alt = _altair()
    if frame is None:
        frame = study.agreement(bootstrap=bootstrap, seed=seed, **options)
    data = pd.DataFrame(
        {
            "code": frame["code_name"].astype(str),
            "kappa": frame["kappa"].astype("float"),
            "low": frame["kappa_low"].astype("float"),
            "high": frame["kappa_high"].astype("float"),
        }
    ).dropna(subset=["kappa"])
    data["label"] = [f"{v:.2f}" for v in data["kappa"]]
    title = "Agreement between coders for each code (Cohen's kappa, 95% interval)"
    low = sorted(zip(data["code"], data["kappa"], strict=True), key=lambda x: x[1])[:3]
    alt_text = (
        f"Dot plot of Cohen's kappa for {len(data)} codes, each with a line for its 95% "
        "bootstrap interval; 1 is perfect agreement, 0 no better than chance. "
        + (
            "Lowest: " + "; ".join(f"{c} ({v:.2f})" for c, v in low) + "."
            if low
            else "No codes were compared (agreement needs two coders)."
        )
    )
    y = alt.Y("code:N", title="Code", sort="x")
    scale = alt.Scale(domain=[-0.2, 1.0])
    rule = (
        alt.Chart()
        .mark_rule(color=OKABE_ITO[0], strokeWidth=2)
        .encode(
            y=y,
            x=alt.X("low:Q", title="Cohen's kappa (1 = perfect agreement)", scale=scale),
            x2="high:Q",
        )
    )
    point = (
        alt.Chart()
        .mark_point(filled=True, size=70, shape="diamond", color="black")
        .encode(y=y, x=alt.X("kappa:Q", scale=scale), tooltip=["code", "label", "low", "high"])
    )
    text = (
        alt.Chart()
        .mark_text(align="left", dx=8, dy=-8)
        .encode(y=y, x=alt.X("kappa:Q", scale=scale), text="label:N")
    )
    chart = alt.layer(rule, point, text, data=data).properties(
        width=420, height=max(120, 22 * len(data))
    )
    return Chart("agreement", title, alt_text, _finish(chart, title, alt_text), data)


# -- progress -----------------------------------------------------------------------------

STATUSES = ("Done", "Started", "Not started", "Declined")


def progress_frame(study: Study) -> pd.DataFrame:
    """Per coder and status, how many transcripts (assigned ones, and any they coded)."""
    from qualkit.storage import CONSENSUS_CODER

    coded: set[tuple[str, str]] = {(r[2], r[1]) for r in study._coding_rows}
    status: dict[tuple[str, str], str] = {}
    for tid, user, state in study.store.assignments():
        if state == "declined":
            status[(user, tid)] = "Declined"
        elif state == "done":
            status[(user, tid)] = "Done"
        else:
            status[(user, tid)] = "Started" if (user, tid) in coded else "Not started"
    for user, tid in coded:
        status.setdefault((user, tid), "Started")
    counts: dict[tuple[str, str], int] = {}
    for (user, _tid), state in status.items():
        if user != CONSENSUS_CODER:
            counts[(user, state)] = counts.get((user, state), 0) + 1
    coders = sorted({u for u, _ in counts})
    rows = [
        {"coder": u, "status": s, "transcripts": counts.get((u, s), 0)}
        for u in coders
        for s in STATUSES
    ]
    frame = pd.DataFrame(rows, columns=["coder", "status", "transcripts"])
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    return frame


def progress_chart(study: Study) -> Chart:
    """Bars per coder: transcripts done, started, not started and declined (one panel each)."""
    alt = _altair()
    data = progress_frame(study)
    data["status"] = data["status"].astype(str)
    title = "Coding progress for each coder"
    per = [
        f"{c}: "
        + ", ".join(
            f"{int(r.transcripts)} {r.status.lower()}"
            for r in data[data["coder"] == c].itertuples()
            if r.transcripts
        )
        for c in dict.fromkeys(data["coder"])
    ]
    alt_text = (
        "Bar chart of transcripts per coder in four panels: done, started, not started, "
        "declined. " + ("; ".join(per) + "." if per else "Nobody has transcripts yet.")
    )
    y = alt.Y("coder:N", title="Coder")
    x = alt.X("transcripts:Q", title="Number of transcripts", axis=alt.Axis(tickMinStep=1))
    colour = alt.Color(
        "status:N",
        title="Status",
        sort=list(STATUSES),
        scale=alt.Scale(domain=list(STATUSES), range=OKABE_ITO[:4]),
        legend=alt.Legend(orient="bottom"),
    )
    bars = alt.Chart().mark_bar().encode(y=y, x=x, color=colour, tooltip=list(data.columns))
    text = alt.Chart().mark_text(align="left", dx=3).encode(y=y, x=x, text="transcripts:Q")
    chart = (
        alt.layer(bars, text, data=data)
        .properties(width=160)
        .facet(column=alt.Column("status:N", title="Status", sort=list(STATUSES)))
    )
    return Chart("progress", title, alt_text, _finish(chart, title, alt_text), data)


def chart(study: Study, kind: str, **options: Any) -> Chart:
    """One chart by kind (:data:`KINDS`); ``options`` go to its function."""
    if kind == "codes":
        return code_frequency(study, **options)
    if kind == "cooccurrence":
        return cooccurrence_heatmap(study, **options)
    if kind == "agreement":
        return agreement_chart(study, **options)
    if kind == "progress":
        if options:
            raise QualkitError("the progress chart takes no filters")
        return progress_chart(study)
    raise QualkitError(f"no chart called {kind!r}; charts: {', '.join(KINDS)}")


def chart_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg"}:
        raise QualkitError(f"{path}: a chart is written as .png or .svg")
    return fmt


__all__ = [
    "KINDS",
    "OKABE_ITO",
    "Chart",
    "agreement_chart",
    "chart",
    "chart_format",
    "code_frequency",
    "cooccurrence_heatmap",
    "progress_chart",
    "progress_frame",
]
