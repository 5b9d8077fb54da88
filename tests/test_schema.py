"""One declaration per field (generator/load/schema.py), and what is made from it: JSON Schemas
for editors, the README's field tables, the workspace README's reference, the profile template
and the options of `postrun new`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.load import PROFILE_FIELDS
from generator.load.describe import field_table, json_schema
from generator.load.schema import SCHEMAS

from .conftest import REPO, Workspace

KINDS = ("profile", "site", "protocol", "exercise", "protocol-texts")


class _Yaml12Loader(yaml.SafeLoader):
    """YAML as editors read it (1.2 core schema): dates and 07:30 stay text."""


_Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load12(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(kind: str, data: Any) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(data)]


def front_matter(path: Path) -> Any:
    return load12(path.read_text("utf-8").split("---\n", 2)[1])


def examples() -> list[tuple[str, Path]]:
    found = [("site", REPO / "content/site.yaml"), ("protocol", REPO / "content/protocol.yaml")]
    found += [("profile", p) for p in sorted((REPO / "profiles").glob("*.yaml"))]
    found += [("exercise", p) for p in sorted((REPO / "content/exercises").glob("*.md"))]
    found += [("protocol-texts", p) for p in sorted((REPO / "content").glob("protocol.*.yaml"))]
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_schema_command_prints_a_draft_2020_12_schema(runner: CliRunner, kind: str) -> None:
    result = runner.invoke(cli, ["schema", kind])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert all(p.get("description") for p in schema["properties"].values())


def test_schema_command_refuses_an_unknown_kind(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "profiles"])
    assert result.exit_code == 2
    assert "profile" in result.output
    assert runner.invoke(cli, ["schema"]).exit_code == 2


def test_schema_write_refreshes_an_older_workspace(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "schema", "--write"])
    assert result.exit_code == 0, result.output
    for kind in KINDS:
        assert json.loads((root / f".postrun/schema/{kind}.json").read_text("utf-8")) \
            == json_schema(kind)


@pytest.mark.parametrize(("kind", "path"), examples(), ids=lambda v: getattr(v, "name", v))
def test_every_shipped_example_validates_against_its_schema(kind: str, path: Path) -> None:
    data = front_matter(path) if kind == "exercise" else load12(path.read_text("utf-8"))
    assert errors(kind, data) == []


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        ("breastfeeding:", "breastfeding:", "breastfeding"),
        ("level: beginner", "level: expert", "expert"),
        ("runs_per_week: 3", "runs_per_week: 9", "9"),
        ("delivery_date: 2026-09-01", "delivery_date: 01/09/2026", "01/09/2026"),
        ("run_days: [tue, thu, sat]", "run_days: [tue, thurs, sat]", "thurs"),
    ],
    ids=["misspelt-key", "level-expert", "nine-runs", "date-format", "weekday"],
)
def test_profile_schema_rejects_what_check_rejects(old: str, new: str, word: str) -> None:
    text = (REPO / "profiles/sam-rivera.yaml").read_text("utf-8")
    assert old in text
    found = errors("profile", load12(text.replace(old, new, 1)))
    assert found and all(word in message for message in found), found


def test_profile_schema_knows_every_profile_field_and_the_nested_ones() -> None:
    schema = json_schema("profile")
    assert tuple(schema["properties"]) == PROFILE_FIELDS
    for key in ("session_time", "timezone", "reminder_minutes", "passphrase_env", "slug",
                "breaks", "readiness_checks"):
        assert key in schema["properties"]
    check_in = schema["properties"]["check_ins"]["items"]
    assert check_in["required"] == ["date", "symptoms"]
    assert check_in["additionalProperties"] is False
    assert errors("profile", {"name": "A", "delivery_date": "2026-01-01",
                              "clearance_date": "2026-03-01",
                              "check_ins": [{"date": "2026-04-01"}]})


def test_protocol_schema_has_every_clinical_number() -> None:
    props = json_schema("protocol")["properties"]
    for key in ("stop_symptoms", "readiness_retest_weeks", "break_step_back_days",
                "level_up_after_weeks", "max_bout_increase_seconds"):
        assert props[key]["description"], key
    assert props["hours_between_runs"]["minimum"] == 24


# ------------------------------------------------------------------ README tables


def _readme_table(kind: str) -> str:
    text = (REPO / "README.md").read_text("utf-8")
    match = re.search(rf"<!-- fields: {kind} -->\n(.*?)<!-- /fields -->", text, re.S)
    assert match, f"README has no `<!-- fields: {kind} -->` table"
    return match[1]


@pytest.mark.parametrize("kind", KINDS)
def test_readme_field_table_is_the_schema(kind: str) -> None:
    assert _readme_table(kind) == field_table(SCHEMAS[kind]), (
        "README table differs from the schema; paste this between the markers:\n"
        + field_table(SCHEMAS[kind]))


# ------------------------------------------------------------------ init and new


def _schema_target(profile: Path) -> Path:
    first = profile.read_text("utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    return (profile.parent / match[1]).resolve()


def test_init_writes_schemas_and_points_profiles_at_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "practice"
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    for kind in KINDS:
        written = json.loads((root / f".postrun/schema/{kind}.json").read_text("utf-8"))
        assert written == json_schema(kind)
    target = _schema_target(root / "profiles/sam-rivera.yaml")
    assert target == (root / ".postrun/schema/profile.json").resolve() and target.is_file()
    assert _schema_target(root / "content/site.yaml").name == "site.json"
    assert _schema_target(root / "content/protocol.de.yaml").name == "protocol-texts.json"
    readme = (root / "README.md").read_text("utf-8")
    assert field_table(SCHEMAS["profile"]) in readme
    assert field_table(SCHEMAS["protocol"]) in readme
    made = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                               "--delivery-date", "2026-08-01", "--clearance-date", "2026-09-20"])
    assert made.exit_code == 0, made.output
    assert _schema_target(root / "profiles/ana.yaml") == target
    assert runner.invoke(cli, ["-C", str(root), "check"]).exit_code == 0


def test_new_profile_shows_every_optional_field_commented_out(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                                 "--delivery-date", "2026-08-01", "--clearance-date",
                                 "2026-09-20"])
    assert result.exit_code == 0, result.output
    text = (root / "profiles/ana.yaml").read_text("utf-8")
    written = {line.split(":")[0] for line in text.splitlines() if re.match(r"[a-z_]+:", line)}
    assert written == {"name", "delivery_date", "clearance_date"}
    for key in PROFILE_FIELDS:
        if key not in written:
            assert f"\n# {key}:" in text, key
    assert all(len(line) <= 100 for line in text.splitlines())
    assert _schema_target(root / "profiles/ana.yaml").is_file()
    # Every commented example is itself valid: switched on, the profile still passes.
    switched = re.sub(r"^# ([a-z_]+:)", r"\1", text, flags=re.M)
    switched = re.sub(r"^#(   )", r"\1", switched, flags=re.M)
    assert errors("profile", load12(switched)) == []
