"""The sources chart: kinds and languages of the sources, and what rests on them."""

from __future__ import annotations

import pytest

from helpers.charts.sources import KIND_LABELS, record_support, source_counts, source_profile
from helpers.citations import single_source_records
from helpers.data import load
from helpers.style import text_outside, text_overlaps


@pytest.fixture(scope="module")
def ds():
    return load()


def test_source_counts_cover_every_cited_source_once(ds) -> None:
    counts = source_counts(ds)
    cited = set(ds.citations["source_id"])
    assert int(counts.to_numpy().sum()) == len(cited)
    assert list(counts.index) == [k for k in KIND_LABELS if k in counts.index]


def test_record_support_counts_each_record_once_under_its_best_kind(ds) -> None:
    support = record_support(ds)
    assert int(support["records"].sum()) == ds.citations["record_id"].nunique()
    alone = single_source_records(ds)
    assert int(support["one_source"].sum()) == len(alone)
    assert (support["one_source"] <= support["records"]).all()


def test_the_chart_draws_what_the_tables_hold(ds) -> None:
    fig = source_profile(ds)
    left, right = fig.axes[:2]
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert labels == [KIND_LABELS[k] for k in record_support(ds).index]
    assert left.get_xlabel() == "Sources cited" and right.get_xlabel() == "Records"
    assert left.get_ylabel() == "Kind of source"
    widths = {}
    for bar in left.patches:
        y = round(bar.get_y() + bar.get_height() / 2)
        widths[y] = widths.get(y, 0) + bar.get_width()
    counts = source_counts(ds).sum(axis=1)
    assert [widths.get(i, 0) for i in range(len(labels))] == [
        counts.get(k, 0) for k in record_support(ds).index
    ]
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith("Sources: this dataset") for t in texts)
    assert text_overlaps(fig) == [] and text_outside(fig) == []
