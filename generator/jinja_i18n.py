"""Templates translated when they are compiled, not when every page is written.

Jinja2's i18n extension turns ``{% trans %}…{% endtrans %}`` and ``_("…")`` into a call of
``gettext`` on every render. postrun compiles one Environment per language in use instead, and
this extension looks each message up once, at compile time, leaving a constant in the
compiled template: a translated page costs what an English one does. Messages with a plural
(``{% pluralize %}``) and ``_()`` of a variable stay runtime calls (rare).

``pybabel extract -F babel.cfg`` reads the same tags (babel.cfg names this extension's base).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from typing import Any

from jinja2 import Environment, nodes
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token, TokenStream

_CALL = ("name", "lparen", "string", "rparen")
_PLACE = re.compile(r"%\((\w+)\)s|%%")


def _call_prefix(buf: list[Token]) -> bool:
    """Whether ``buf`` begins ``_("literal")`` (or ``gettext("literal")``)."""
    if buf[0].value not in ("_", "gettext"):
        return False
    return all(t.type == kind for t, kind in zip(buf, _CALL, strict=False))


class CompiledTranslations(InternationalizationExtension):
    """``{% trans %}`` and ``_("literal")`` folded to constants of the environment's language
    (``environment.postrun_translations``, set by :func:`install`)."""

    def _translations(self) -> gettext.NullTranslations | None:
        """The language of the environment; None while ``pybabel extract`` reads the
        templates (it needs the calls, not their results)."""
        found: gettext.NullTranslations | None = getattr(
            self.environment, "postrun_translations", None
        )
        return found

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """``_ ( "literal" )`` -> ``"translated"``, as tokens, before the parser sees it."""
        tr = self._translations()
        if tr is None:
            yield from stream
            return
        buf: list[Token] = []
        for token in stream:
            buf.append(token)
            while buf and not _call_prefix(buf):
                yield buf.pop(0)
            if len(buf) == len(_CALL):
                yield Token(buf[0].lineno, "string", tr.gettext(buf[2].value))
                buf = []
        yield from buf

    def _make_node(
        self,
        singular: str,
        plural: str | None,
        context: str | None,
        variables: dict[str, nodes.Expr],
        plural_expr: nodes.Expr | None,
        vars_referenced: bool,
        num_called_num: bool,
    ) -> nodes.Output:
        tr = self._translations()
        if plural_expr is not None or context is not None or tr is None:
            return super()._make_node(
                singular, plural, context, variables, plural_expr, vars_referenced,
                num_called_num,
            )
        if not vars_referenced:
            return nodes.Output([nodes.TemplateData(tr.gettext(singular.replace("%%", "%")))])
        # The translation laid out as the template would be had it been written in this
        # language: its text as template data, each %(name)s as {{ name }} (escaped as any
        # output is). No string formatting is left for each render.
        parts: list[nodes.Node] = []
        text = tr.gettext(singular)
        at = 0
        for match in _PLACE.finditer(text):
            if match.start() > at:
                parts.append(nodes.TemplateData(text[at : match.start()]))
            name = match.group(1)
            if name is None:
                parts.append(nodes.TemplateData("%"))
            elif name in variables:
                parts.append(variables[name])
            else:
                parts.append(nodes.TemplateData(match.group(0)))
            at = match.end()
        if at < len(text):
            parts.append(nodes.TemplateData(text[at:]))
        return nodes.Output(parts)


def install(env: Environment, translations: gettext.NullTranslations) -> None:
    """Give ``env`` (made with :class:`CompiledTranslations`) its language: compile-time
    lookups, and the runtime ``gettext``/``ngettext`` for what cannot be folded."""
    env.postrun_translations = translations  # type: ignore[attr-defined]
    install_fn: Any = env.install_gettext_translations  # type: ignore[attr-defined]
    install_fn(translations, newstyle=False)
    env.policies["ext.i18n.trimmed"] = False
