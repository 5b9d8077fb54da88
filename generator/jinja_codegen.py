"""Compiled templates that write a page in fewer, larger pieces (the same bytes).

Jinja2 compiles each piece of a template's output to its own ``yield``: a page of 25 KB is
some 500 of them, and each passes up through every template it is nested in (a page block,
the page template, the layout) before it is joined. This code generator writes the pieces
between two tags as one joined string instead, and merges the output of ``{% trans %}`` with
the text around it (the parser keeps those apart), so a page is a few dozen yields.

Each ``{{ value }}`` is escaped by :func:`html_escape`: markupsafe's own escaping, without
wrapping every piece in a new ``Markup`` only to join it a moment later.

Nothing else changes: the same templates, the same output, the same lines named in errors
(every piece keeps its own line in the compiled code).
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup, escape

try:  # MarkupSafe 3: its C escaping of a str, under the Python wrapper that makes a Markup
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - no C speedups, or an older MarkupSafe

    def _escape_inner(s: str, /) -> str:
        return str(escape(s))


__all__ = ["JoiningCodeGenerator", "html_escape"]

CODEGEN_VERSION = "1"
"""Part of the compiled-template cache's name: compiled code from another generator is not
reused."""


def html_escape(value: Any) -> str:
    """``markupsafe.escape(value)`` as a plain str, for output that is only joined."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    return str(escape(value))


def _merge_outputs(node: nodes.Node) -> None:
    """Merge neighbouring Output nodes in every body of the tree (order kept)."""
    for field in node.fields:
        value = getattr(node, field, None)
        if isinstance(value, list) and any(isinstance(v, nodes.Output) for v in value):
            merged: list[Any] = []
            for item in value:
                if isinstance(item, nodes.Output) and merged and isinstance(
                    merged[-1], nodes.Output
                ):
                    first = merged[-1]
                    merged[-1] = nodes.Output(first.nodes + item.nodes, lineno=first.lineno)
                else:
                    merged.append(item)
            setattr(node, field, merged)
    for child in node.iter_child_nodes():
        _merge_outputs(child)


class JoiningCodeGenerator(CodeGenerator):
    """Jinja2's code generator, writing each run of output as one joined ``yield``."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _merge_outputs(node)
        super().visit_Template(node, frame)
        self.writeline(f"from {__name__} import html_escape")

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None:  # a macro's or a {% set %}'s: one extend((…)) already
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:
            if self.has_known_extends:
                return  # output outside the blocks of a template that extends another
            self.writeline("if parent_template is None:")
            self.indent()
        finalize = self._make_finalize()
        body: list[Any] = []  # runs of constant text (lists), and expressions
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)  # evaluated when the page is written
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if not body:
            self.writeline("pass")
        elif len(body) == 1 and isinstance(body[0], list):
            self.writeline("yield " + self._output_const_repr(body[0]), node)
        elif len(body) == 1:
            self.writeline("yield ", body[0])
            self._output_child_pre(body[0], frame, finalize)
            self.visit(body[0], frame)
            self._output_child_post(body[0], frame, finalize)
        else:
            self.writeline("yield concat((", node)
            self.indent()
            for item in body:
                if isinstance(item, list):
                    self.writeline(self._output_const_repr(item) + ",")
                else:
                    self.newline(item)
                    self._output_child_pre(item, frame, finalize)
                    self.visit(item, frame)
                    self._output_child_post(item, frame, finalize)
                    self.write(",")
            self.outdent()
            self.writeline("))")
        if frame.require_output_check:
            self.outdent()

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("html_escape(")
        else:
            super()._output_child_pre(node, frame, finalize)
