"""The house rules of issue #13, kept cheaply (ast only, no build): no module in generator/
over 520 lines, no function over 80 lines of logic (its lines without the docstring, blank
lines and comment lines). The list names every offender."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
MAX_MODULE_LINES = 520
MAX_FUNCTION_LINES = 80

ALLOWED: frozenset[str] = frozenset(
    {
        # Add "module" or "module.function" here only for code that cannot reasonably be
        # split, with a comment saying why.
    }
)


def _modules() -> list[Path]:
    return sorted(p for p in GENERATOR.rglob("*.py") if "defaults" not in p.parts)


def _logic_lines(source: str) -> set[int]:
    """Line numbers that hold code: not blank, not only a comment."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        return set(range(first.lineno, first.end_lineno + 1))
    return set()


def _functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((prefix + child.name, child))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _offenders() -> list[str]:
    offenders: list[str] = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(GENERATOR).with_suffix("").as_posix().replace("/", ".")
        total = source.count("\n")
        if total > MAX_MODULE_LINES and rel not in ALLOWED:
            offenders.append(f"generator/{path.relative_to(GENERATOR)}: {total} lines")
        logic = _logic_lines(source)
        for name, node in _functions(ast.parse(source)):
            assert node.end_lineno is not None
            span = set(range(node.lineno, node.end_lineno + 1)) - _docstring_lines(node)
            count = len(span & logic)
            if count > MAX_FUNCTION_LINES and f"{rel}.{name}" not in ALLOWED:
                offenders.append(f"{rel}.{name}: {count} lines of logic")
    return offenders


def test_no_module_or_function_is_too_long() -> None:
    offenders = _offenders()
    assert not offenders, (
        f"over the size rules (modules {MAX_MODULE_LINES} lines, functions "
        f"{MAX_FUNCTION_LINES} lines of logic): split them\n" + "\n".join(offenders)
    )


def test_the_rules_see_a_long_function() -> None:
    """The counter itself: a 90-line function is seen, blank and comment lines are not."""
    body = "\n".join(f"    x{i} = {i}\n    # a comment\n" for i in range(90))
    source = f'def long() -> None:\n    """Doc."""\n{body}\n'
    logic = _logic_lines(source)
    (name, node), = _functions(ast.parse(source))
    assert node.end_lineno is not None
    span = set(range(node.lineno, node.end_lineno + 1)) - _docstring_lines(node)
    assert name == "long"
    assert len(span & logic) == 91
