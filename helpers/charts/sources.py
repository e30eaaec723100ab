"""The sources behind the dataset: of which kinds and languages, and how much rests on each.

:func:`source_profile` draws two panels side by side:

- left, the sources by kind (official NATO, official national, agency,
  reference, press, other), each bar split by the language of the texts;
- right, the records by the best kind of source that states them: a fact
  that a NATO release states counts as "official NATO" even when a blog
  repeats it, and the records that rest on one source only, and that not an
  official one, are marked apart.

:func:`source_counts` and :func:`record_support` give the same numbers as
tables.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from helpers.charts._alt import compose, listing, plural
from helpers.charts.figures import FIG_WIDTH_IN, MARGIN_IN, add_title, footer_inches, inch_axes
from helpers.citations import OFFICIAL_TYPES, SOURCE_TYPE_RANK, single_source_records
from helpers.data import Dataset
from helpers.style import NEUTRAL, OKABE_ITO, TEXT_GREY, finish, house_style, new_figure

#: How each kind of source reads on the chart, in rank order.
KIND_LABELS = {
    "official_nato": "Official NATO",
    "official_national": "Official national",
    "agency": "News agency",
    "reference": "Reference work",
    "press": "Press",
    "other": "Other (blogs, reposts, think tanks)",
}
#: Languages drawn in a colour of their own; the rest share one grey.
LANGUAGE_COLOURS = ["blue", "orange", "green", "vermillion", "purple", "sky", "yellow"]
LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "it": "Italian", "es": "Spanish", "ar": "Arabic",
    "nl": "Dutch", "da": "Danish", "de": "German", "pl": "Polish", "fa": "Persian",
    "ru": "Russian", "sv": "Swedish", "ca": "Catalan", "ro": "Romanian", "tr": "Turkish",
}  # fmt: skip
OTHER_LANGUAGES = "other languages"
DATASET_LINE = "this dataset (sources.csv, citations.csv)"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def source_counts(ds: Dataset) -> pd.DataFrame:
    """Sources cited by the dataset, by kind (rows, in rank order) and language (columns)."""
    cited = ds.sources[ds.sources["source_id"].isin(ds.citations["source_id"])]
    table = pd.crosstab(cited["source_type"], cited["language"])
    kinds = [k for k in SOURCE_TYPE_RANK if k in table.index]
    languages = table.sum().sort_values(ascending=False, kind="stable").index
    return table.loc[kinds, languages]


def record_support(ds: Dataset) -> pd.DataFrame:
    """Records by the best kind of source that states them, with those resting on one source.

    Columns: ``records`` (all records whose best source is of that kind) and
    ``one_source`` (of those, the records cited by a single source).
    """
    cites = ds.citations.merge(ds.sources[["source_id", "source_type"]], on="source_id")
    best = (
        cites.assign(rank=cites["source_type"].map(SOURCE_TYPE_RANK))
        .groupby("record_id")["rank"]
        .min()
    )
    kinds = {rank: kind for kind, rank in SOURCE_TYPE_RANK.items()}
    by_kind = best.map(kinds).value_counts()
    alone = single_source_records(ds)["source_type"].value_counts()
    frame = pd.DataFrame({"records": by_kind, "one_source": alone}).fillna(0).astype(int)
    frame = frame.reindex([k for k in SOURCE_TYPE_RANK if k in frame.index])
    frame.loc[frame.index.isin(OFFICIAL_TYPES), "one_source"] = 0  # official: not counted apart
    return frame


def _language_colours(languages: list[str]) -> dict[str, str]:
    named = languages[: len(LANGUAGE_COLOURS)]
    colours = {lang: OKABE_ITO[c] for lang, c in zip(named, LANGUAGE_COLOURS, strict=False)}
    return colours | dict.fromkeys(languages[len(named) :], "#bbbbbb")


def _alt_text(counts: pd.DataFrame, support: pd.DataFrame, kinds: list[str]) -> str:
    """Alt text of the chart: sources by kind and the leading languages (left), records
    by the best kind of source and those resting on one non-official source (right)."""
    by_kind = counts.sum(axis=1)
    by_language = counts.sum(axis=0)  # most used first (see source_counts)
    languages = [f"{language_name(lang)} ({int(n)})" for lang, n in by_language.items()]
    label = {k: KIND_LABELS[k].split(" (")[0] for k in kinds}  # 'Other', not its examples
    sources = [f"{label[k]} {int(by_kind.get(k, 0))}" for k in kinds]
    records = [
        f"{label[k]} {int(support.loc[k, 'records']) if k in support.index else 0}" for k in kinds
    ]
    alone = [
        f"{label[k].lower()} {int(support.loc[k, 'one_source'])}"
        for k in kinds
        if k in support.index and support.loc[k, "one_source"]
    ]
    return compose(
        [
            f"Two horizontal bar charts by kind of source. Left, the"
            f" {plural(int(by_kind.sum()), 'source')} cited, each bar split by language:"
            f" {listing(sources, 200, sep='; ')}",
            f"{plural(len(languages), 'language')}: {listing(languages, 60)}"
            if len(languages) > 1
            else f"All in {listing(languages)}",
            f"Right, the {plural(int(support['records'].sum()), 'record')} by the best kind of"
            f" source that states them: {listing(records, 200, sep='; ')}",
            f"Hatched, records resting on one source only, not an official one:"
            f" {listing(alone, 120, sep='; ')}"
            if alone
            else "",
        ]
    )


@house_style
def source_profile(
    ds: Dataset,
    title: str = "The sources behind the dataset: kinds, languages and what rests on them",
    note: str | None = None,
) -> Figure:
    """Sources by kind and language (left); records by the best kind of source (right)."""
    counts = source_counts(ds)
    support = record_support(ds)
    kinds = list(dict.fromkeys([*counts.index, *support.index]))
    languages = list(counts.columns)
    colours = _language_colours(languages)
    note = note or (
        "A record counts under the best kind of source that states it. Hatched: records that"
        " rest on one source only, and that not an official one. Kinds are the project's"
        " reading of each publisher."
    )
    rows = len(kinds)
    plot_h = 0.42 * rows + 0.4
    top_in = 1.35
    fig_h = top_in + plot_h + 0.55 + footer_inches([DATASET_LINE], note)
    fig = new_figure(FIG_WIDTH_IN, fig_h)
    add_title(
        fig,
        title,
        f"{int(counts.to_numpy().sum())} sources cited, in {len(languages)} languages;"
        f" {int(support['records'].sum())} records.",
    )
    label_w = 2.5
    panel_w = (FIG_WIDTH_IN - 2 * MARGIN_IN - label_w - 0.5) / 2
    bottom = fig_h - top_in - plot_h
    left_ax = inch_axes(fig, MARGIN_IN + label_w, bottom, panel_w, plot_h)
    right_ax = inch_axes(fig, MARGIN_IN + label_w + panel_w + 0.5, bottom, panel_w, plot_h)

    ys = {kind: i for i, kind in enumerate(kinds)}
    for kind in kinds:
        start = 0
        row = counts.loc[kind] if kind in counts.index else pd.Series(dtype=int)
        for lang in languages:
            n = int(row.get(lang, 0))
            if n:
                left_ax.barh(ys[kind], n, left=start, color=colours[lang], height=0.62)
                start += n
        left_ax.annotate(
            f"{start}", (start, ys[kind]), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=9, color=TEXT_GREY,
        )  # fmt: skip
    left_ax.set_title("Sources, by kind and language", loc="left", fontsize=10.5)
    left_ax.set_xlabel("Sources cited")

    for kind in kinds:
        total = int(support.loc[kind, "records"]) if kind in support.index else 0
        alone = int(support.loc[kind, "one_source"]) if kind in support.index else 0
        right_ax.barh(ys[kind], total, color=NEUTRAL, height=0.62, alpha=0.35)
        if alone:
            right_ax.barh(
                ys[kind], alone, color="white", edgecolor=NEUTRAL, hatch="////", height=0.62
            )
        label = f"{total}" + (f" ({alone} on one source)" if alone else "")
        right_ax.annotate(
            label, (total, ys[kind]), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=9, color=TEXT_GREY,
        )  # fmt: skip
    right_ax.set_title("Records, by the best kind of source", loc="left", fontsize=10.5)
    right_ax.set_xlabel("Records")

    for ax in (left_ax, right_ax):
        ax.set_ylim(rows - 0.5, -0.5)
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, ax.get_xlim()[1] * 1.3)  # room for the counts
    left_ax.set_yticks(range(rows), [KIND_LABELS[k] for k in kinds])
    right_ax.set_yticks(range(rows), [])
    left_ax.set_ylabel("Kind of source")

    handles = [Patch(color=colours[lang], label=language_name(lang)) for lang in languages[:7]]
    if len(languages) > 7:
        handles.append(Patch(color="#bbbbbb", label=f"{len(languages) - 7} {OTHER_LANGUAGES}"))
    handles.append(Patch(facecolor="white", edgecolor=NEUTRAL, hatch="////", label="one source"))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(MARGIN_IN / FIG_WIDTH_IN, 1 - 0.85 / fig_h),
        ncol=min(len(handles), 9),
        fontsize=8.5,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    return finish(fig, [DATASET_LINE], note, alt=_alt_text(counts, support, kinds))
