"""Render the codebook (``data/datapackage.json``) as a Markdown page.

The page is generated, never edited by hand: ``nato-iraq build`` rewrites
``data/CODEBOOK.md`` and a test fails when the committed copy is stale.
"""

from __future__ import annotations

from helpers.datapackage import DataPackage, Field, Table
from helpers.untrusted import markdown_text


def _constraints(field: Field) -> str:
    parts = []
    c = field.constraints
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if field.is_date:
        parts.append(
            "date at source precision (EDTF subset: YYYY, YYYY-MM, YYYY-MM-DD, season"
            " YYYY-21..24, quarter YYYY-33..36, half YYYY-40/41; trailing ? ~ %)"
        )
    elif "pattern" in c:
        parts.append(f"pattern {_code(c['pattern'])}")
    if "enum" in c:
        parts.append("one of " + ", ".join(_code(str(v)) for v in c["enum"]))
    for key, word in (("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            parts.append(f"{word} {_escape(str(c[key]))}")
    if field.unit:
        parts.append(f"unit: {_escape(field.unit)}")
    return "; ".join(parts)


def _escape(text: str) -> str:
    """Codebook text is data too: literal in the page, whatever characters it holds."""
    return markdown_text(text)


def _code(text: str) -> str:
    """``text`` as a code span (shown literally), escaped for a table cell.

    A code span cannot hold a backtick or a line break; such text is shown
    escaped instead.
    """
    if "`" in text or "\n" in text or "\r" in text:
        return _escape(text)
    return "`" + text.replace("|", "\\|") + "`"


def table_markdown(table: Table) -> str:
    """The codebook section of one table."""
    lines = [f"## {_code(table.path)}: {_escape(table.title)}", "", _escape(table.description), ""]
    keys = [f"primary key: {_code(', '.join(table.primary_key))}"] if table.primary_key else []
    for fk in table.foreign_keys:
        target = f"{fk.resource}.{', '.join(fk.reference_fields)}"
        keys.append(f"{_code(', '.join(fk.fields))} → {_code(target)}")
    if table.cited:
        keys.append("every row is a fact cited in `citations.csv`")
    if keys:
        lines += ["Keys and rules: " + "; ".join(keys) + ".", ""]
    lines += ["| column | type | rules | meaning |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {_code(f.name)} | {_escape(f.type)} | {_constraints(f)} | {_escape(f.description)} |"
        for f in table.fields
    ]
    return "\n".join(lines) + "\n"


def codebook_markdown(pkg: DataPackage) -> str:
    """The whole codebook page."""
    d = pkg.descriptor
    head = [
        f"# Codebook: {_escape(d.get('title', d['name']))}",
        "",
        "Generated from `datapackage.json` by `nato-iraq build`; do not edit by hand.",
        "",
        _escape(d.get("description", "")),
        "",
        "| table | rows are | file |",
        "| --- | --- | --- |",
    ]
    head += [
        f"| {_escape(t.title)} | {_escape(t.description)} | {_code(t.path)} |"
        for t in pkg.tables.values()
    ]
    return "\n".join(head) + "\n\n" + "\n".join(table_markdown(t) for t in pkg.tables.values())
