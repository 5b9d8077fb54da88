"""What the field declarations (:mod:`.schema`) say, written out for people and editors:
JSON Schemas (draft 2020-12) that editors check and complete fields with, and the Markdown
field tables of the README and of a new workspace's README.
"""

from __future__ import annotations

import json
from typing import Any

from .schema import DATE_PATTERN, SCHEMAS, FileSchema, Spec

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = ".postrun/schema"
"""Where ``postrun init`` writes the schemas, inside the workspace."""


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind (``profile``, ``site``, ``protocol``, ``exercise``,
    ``protocol-texts``)."""
    schema = SCHEMAS[kind]
    return {
        "$schema": JSON_SCHEMA_DRAFT,
        "title": f"postrun {schema.file}",
        "description": schema.title + ".",
        **_object(schema.fields),
    }


def json_schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def _object(fields: tuple[Spec, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "object",
        "properties": {spec.name: _property(spec) for spec in fields},
        "additionalProperties": False,
    }
    required = [spec.name for spec in fields if spec.required]
    if required:
        result["required"] = required
    return result


def _property(spec: Spec) -> dict[str, Any]:
    prop: dict[str, Any] = {"description": spec.help}
    kind = spec.kind
    if kind in ("text", "markdown"):
        prop["type"] = "string"
        if spec.pattern:
            prop["pattern"] = spec.pattern
    elif kind == "integer":
        prop.update(type="integer", minimum=spec.low, maximum=spec.high)
    elif kind == "boolean":
        prop["type"] = "boolean"
    elif kind == "date":
        prop.update(type="string", format="date", pattern=DATE_PATTERN)
    elif kind == "time":
        prop.update(type="string", pattern=r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
    elif kind == "choice":
        prop["enum"] = list(spec.choices)
    elif kind == "weekdays":
        prop.update(
            type="array",
            items={"enum": list(spec.choices)},
            uniqueItems=True,
            minItems=1,
            maxItems=7,
        )
    elif kind == "lines":
        prop.update(type="array", items={"type": "string"})
    elif kind == "mapping":
        prop.update(_object(spec.fields))
    elif kind == "by_id":
        prop.update(type="object", additionalProperties=_object(spec.fields))
        if spec.pattern:
            prop["propertyNames"] = {"pattern": spec.pattern}
    else:
        prop.update(type="array", items=_object(spec.fields))
    if spec.default not in (None, "", ()):
        prop["default"] = spec.default
    return prop


# ---------------------------------------------------------------- Markdown


def field_table(schema: FileSchema) -> str:
    """The README table of one file kind: every field, nested ones as ``goal.label``."""
    rows = ["| field | required | default | meaning |", "|---|---|---|---|"]
    for name, spec in _flat(schema.fields, ""):
        required = "yes" if spec.required else spec.required_when or "no"
        if spec.required and "." in name:
            parent = name.rsplit(".", 1)[0]
            required = (
                "in each item" if parent.endswith("[]") else f"with `{parent}`"
            )
        rows.append(f"| `{name}` | {required} | {_default(spec)} | {_meaning(spec)} |")
    return "\n".join(rows) + "\n"


def _flat(fields: tuple[Spec, ...], prefix: str) -> list[tuple[str, Spec]]:
    result: list[tuple[str, Spec]] = []
    for spec in fields:
        name = prefix + spec.name
        result.append((name, spec))
        if spec.kind == "mapping":
            result.extend(_flat(spec.fields, name + "."))
        elif spec.kind == "list":
            result.extend(_flat(spec.fields, name + "[]."))
        elif spec.kind == "by_id":
            result.extend(_flat(spec.fields, name + ".ID."))
    return result


def _default(spec: Spec) -> str:
    if spec.default_doc:
        return spec.default_doc
    if spec.default in (None, "", ()):
        return ""
    if isinstance(spec.default, bool):
        return f"`{str(spec.default).lower()}`"
    return f"`{spec.default}`"


def _meaning(spec: Spec) -> str:
    text = spec.help
    if spec.kind == "integer":
        text += f" {spec.range_doc or f'{spec.low} to {spec.high}'}."
    elif spec.kind == "choice":
        text += " " + ", ".join(f"`{c}`" for c in spec.choices) + "."
    elif spec.kind == "date":
        text += " `YYYY-MM-DD`."
    elif spec.kind == "weekdays":
        text += " Weekdays `mon` … `sun`."
    return text.replace("|", "\\|")


def field_reference() -> str:
    """Every file kind's table, for the README a new workspace gets."""
    parts = []
    for schema in SCHEMAS.values():
        parts.append(f"### {schema.file}\n\n{schema.title}.\n\n{field_table(schema)}")
    return "\n".join(parts)
