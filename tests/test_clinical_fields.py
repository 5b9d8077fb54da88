"""The clinical inputs a coach records: check-ins that say what she reported, readiness results,
breaks, stop symptoms in the protocol, and the coach's e-mail and phone for her one-tap links."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import cli
from generator.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
SAM = "profiles/sam-rivera.yaml"
Workspace = Callable[..., Path]


def sam_with(old: str, new: str) -> dict[str, str | bytes | None]:
    text = (REPO / SAM).read_text("utf-8")
    assert old in text
    return {SAM: text.replace(old, new, 1)}


def check(runner: CliRunner, root: Path) -> Result:
    return runner.invoke(cli, ["-C", str(root), "check"])


def line_in(root: Path, rel: str, fragment: str) -> int:
    lines = (root / rel).read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


def test_a_check_in_without_symptoms_is_an_error_naming_its_line(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(sam_with("symptoms: [], note:", "note:"))
    result = check(runner, root)
    assert result.exit_code == 1, result.output
    line = line_in(root, SAM, "Core work going well")
    assert f"{SAM}:{line}: check_ins[0]: `check_ins[0].symptoms` is required" in result.output
    assert "symptoms: []" in result.output
    assert "Traceback" not in result.output


def test_stop_symptoms_are_known_symptoms_for_check_ins(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(sam_with("symptoms: []", "symptoms: [bowel]"))
    assert check(runner, root).exit_code == 0
    ws, _ = load_workspace(root)
    assert "bowel" in {s.id for s in ws.content.protocol.stop_symptoms}
    sam = next(p for p in ws.profiles if p.file == SAM)
    assert sam.check_ins[0].symptoms == ("bowel",)


def test_readiness_results_and_breaks_are_read_sorted(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(
        sam_with(
            "check_ins:",
            "readiness_checks:\n"
            "  - {date: 2026-12-20, failed: []}\n"
            "  - {date: 2026-12-06, failed: [test-single-leg-hops]}\n"
            "breaks:\n"
            "  - {start: 2027-01-10, end: 2027-01-20, reason: flu}\n"
            "  - {start: 2026-12-24, end: 2026-12-27, reason: travel}\n"
            "check_ins:",
        )
    )
    assert check(runner, root).exit_code == 0
    ws, _ = load_workspace(root)
    sam = next(p for p in ws.profiles if p.file == SAM)
    assert [c.failed for c in sam.readiness_checks] == [("test-single-leg-hops",), ()]
    assert [b.reason for b in sam.breaks] == ["travel", "flu"]


def test_unknown_readiness_test_and_bad_breaks_are_errors(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(
        sam_with(
            "check_ins:",
            "readiness_checks:\n"
            "  - {date: 2026-12-06, failed: [test-single-leg-hop]}\n"
            "  - {date: 2026-12-08}\n"
            "breaks:\n"
            "  - {start: 2027-01-10, end: 2027-01-01}\n"
            "  - {start: 2027-02-01, end: 2027-02-10}\n"
            "  - {start: 2027-02-05, end: 2027-02-12}\n"
            "check_ins:",
        )
    )
    result = check(runner, root)
    assert result.exit_code == 1
    out = result.output
    assert "unknown readiness test `test-single-leg-hop`" in out
    assert "did you mean `test-single-leg-hops`" in out
    assert "`readiness_checks[1].failed` is required" in out
    assert "breaks[0].end 2027-01-01 is before its start 2027-01-10" in out
    assert "overlaps the one from 2027-02-01" in out
    assert f"{SAM}:{line_in(root, SAM, '2027-02-05')}:" in out


def test_site_email_and_phone_are_checked(runner: CliRunner, workspace: Workspace) -> None:
    site = "".join(
        line
        for line in (REPO / "content/site.yaml").read_text("utf-8").splitlines(keepends=True)
        if not line.startswith(("email:", "phone:"))
    )
    root = workspace(
        {"content/site.yaml": site + "email: coach@example.com\nphone: +44 20 7946 0000\n"}
    )
    assert check(runner, root).exit_code == 0
    ws, _ = load_workspace(root)
    assert (ws.content.site.email, ws.content.site.phone) == (
        "coach@example.com",
        "+44 20 7946 0000",
    )
    (root / "content/site.yaml").write_text(site + "email: not an address\nphone: call me\n")
    result = check(runner, root)
    assert result.exit_code == 1
    assert "`email` must be one e-mail address" in result.output
    assert "`phone` must be a phone number" in result.output
