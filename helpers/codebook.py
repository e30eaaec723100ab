"""Render the codebook (``data/datapackage.json``) as a Markdown page.

The page is generated, never edited by hand: ``nato-iraq build`` rewrites
``data/CODEBOOK.md`` and a test fails when the committed copy is stale.
"""

from __future__ import annotations

from helpers.datapackage import DataPackage, Field, Table


def _constraints(field: Field) -> str:
    parts = []
    c = field.constraints
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if field.is_date:
        parts.append("ISO date at source precision (YYYY, YYYY-MM or YYYY-MM-DD)")
    elif "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    for key, word in (("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    if field.unit:
        parts.append(f"unit: {field.unit}")
    return "; ".join(parts)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> str:
    """The codebook section of one table."""
    lines = [f"## `{table.path}`: {table.title}", "", table.description, ""]
    keys = [f"primary key: `{', '.join(table.primary_key)}`"] if table.primary_key else []
    keys += [
        f"`{', '.join(fk.fields)}` → `{fk.resource}.{', '.join(fk.reference_fields)}`"
        for fk in table.foreign_keys
    ]
    if table.cited:
        keys.append("every row is a fact cited in `citations.csv`")
    if keys:
        lines += ["Keys and rules: " + "; ".join(keys) + ".", ""]
    lines += ["| column | type | rules | meaning |", "| --- | --- | --- | --- |"]
    lines += [
        f"| `{f.name}` | {f.type} | {_escape(_constraints(f))} | {_escape(f.description)} |"
        for f in table.fields
    ]
    return "\n".join(lines) + "\n"


def codebook_markdown(pkg: DataPackage) -> str:
    """The whole codebook page."""
    d = pkg.descriptor
    head = [
        f"# Codebook: {d.get('title', d['name'])}",
        "",
        "Generated from `datapackage.json` by `nato-iraq build`; do not edit by hand.",
        "",
        d.get("description", ""),
        "",
        "| table | rows are | file |",
        "| --- | --- | --- |",
    ]
    head += [f"| {t.title} | {_escape(t.description)} | `{t.path}` |" for t in pkg.tables.values()]
    return "\n".join(head) + "\n\n" + "\n".join(table_markdown(t) for t in pkg.tables.values())
