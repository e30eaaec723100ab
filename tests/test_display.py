"""Tables and charts as the chapters show them: headings in words, sharp charts with alt text."""

from __future__ import annotations

import pandas as pd

from helpers.display import SHOWN_DPI, STORED_DPI, chart_png, table_html


def test_a_table_reads_in_words_without_row_numbers_or_na() -> None:
    frame = pd.DataFrame(
        {"start_date": ["2004", None], "mis-ntm-i": [1, 2], "note": ["<b>x</b>", pd.NA]}
    ).astype({"start_date": "string", "note": "string"})
    html = table_html(frame)
    assert "<th>Start date</th>" in html and "<th>NTM-I</th>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html  # data is text
    assert "&lt;NA&gt;" not in html and "<NA>" not in html and "None" not in html
    assert "<th>0</th>" not in html and "<th></th>" not in html  # no row numbers


def test_a_named_index_becomes_a_column() -> None:
    frame = pd.DataFrame({"records": [3]}, index=pd.Index(["events"], name="table_name"))
    assert "<th>Table name</th>" in table_html(frame)


def test_charts_are_stored_at_twice_their_shown_size_with_alt_text() -> None:
    from helpers.charts.commanders import commanders_chart
    from helpers.data import load

    fig = commanders_chart(load(), "mis-nmi")
    png, meta = chart_png(fig)
    width_in = fig.get_size_inches()[0]
    assert meta["width"] == round(width_in * SHOWN_DPI)
    assert png[16:20] == round(width_in * STORED_DPI).to_bytes(4, "big")  # PNG header width
    assert len(meta["alt"]) >= 60 and meta["title"] == "Commanders of NATO Mission Iraq"


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_a_stored_chart_has_matplotlibs_pixels_without_an_alpha_channel() -> None:
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from helpers.display import png_bytes

    fig = Figure(figsize=(3.33, 2.1), dpi=100)  # a width that is not a whole number of pixels
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1], lw=3)
    ax.set_title("Pixels kept")
    reference = io.BytesIO()
    fig.savefig(reference, format="png", dpi=STORED_DPI)
    ours = png_bytes(fig, STORED_DPI)
    assert Image.open(io.BytesIO(ours)).mode == "RGB"
    assert (_pixels(ours) == _pixels(reference.getvalue())).all()


def test_a_transparent_chart_keeps_its_alpha_channel() -> None:
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from helpers.display import png_bytes

    fig = Figure(figsize=(2, 1), dpi=100)
    fig.patch.set_alpha(0)
    fig.add_subplot().plot([0, 1], [0, 1])
    ours = png_bytes(fig, STORED_DPI)
    assert Image.open(io.BytesIO(ours)).mode == "RGBA"
    assert _pixels(ours)[0, 0, 3] == 0
