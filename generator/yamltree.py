"""Safe YAML reading that remembers where every value came from.

PyYAML's ``compose`` gives nodes with line marks; we turn them into plain Python values inside
:class:`YMap` / :class:`YList` containers that keep the line of each key and item, so that
validation can point a coach at the exact line. Only plain data is accepted: explicit tags
(``!!python/object``), anchors and aliases (the "billion laughs" bomb) and duplicate keys are
refused with a clear problem instead of being executed, expanded or silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .errors import Problems, cut

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings read (postrun's own files need 5)."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


# LibYAML's parser when PyYAML was built with it (it usually is): same nodes and marks, faster.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict[str, Any]):
    """A mapping read from YAML; ``line`` is where it starts, ``key_lines`` where each key is."""

    line: int
    key_lines: dict[str, int]


class YList(list[Any]):
    """A sequence read from YAML; ``line`` is where it starts, ``item_lines`` per item."""

    line: int
    item_lines: list[int]


class _Refused(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Open:
    """A mapping or sequence being filled while its events arrive."""

    __slots__ = ("key", "key_line", "value")

    def __init__(self, value: YMap | YList) -> None:
        self.value = value
        self.key: str | None = None
        self.key_line = 0


class _Composer:
    """Plain values from LibYAML's event stream, with an explicit stack instead of recursion.

    PyYAML's own composer recurses once per nesting level (LibYAML's crashes the process at a
    few ten thousand levels); here depth is only a counter, refused past :data:`MAX_DEPTH`.
    """

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.constructor = SafeConstructor()
        self.resolver = Resolver()

    def line(self, event: Any) -> int:
        return int(event.start_mark.line) + 1 + self.offset

    def run(self, events: Iterator[Any]) -> Any:
        stack: list[_Open] = []
        result: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused(
                        self.line(event),
                        "the file holds more than one YAML document",
                        "remove the `---` line: one file holds one set of fields",
                    )
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(
                    self.line(event),
                    "anchors and aliases (& and *) are not allowed",
                    "write the value out in full where it is needed",
                )
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop().value
                if not stack:
                    result = done
                else:
                    self._place(stack[-1], done, done.line)
                continue
            top = stack[-1] if stack else None
            if top is not None and isinstance(top.value, YMap) and top.key is None:
                self._key(top, event)
                continue
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                kind = MappingNode if isinstance(event, yaml.MappingStartEvent) else SequenceNode
                self._tag(event, self._resolve(kind, None, event))
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(
                        self.line(event),
                        f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)",
                        "flatten the structure",
                    )
                value: YMap | YList = YMap() if kind is MappingNode else YList()
                value.line = self.line(event)
                if isinstance(value, YMap):
                    value.key_lines = {}
                else:
                    value.item_lines = []
                stack.append(_Open(value))
                continue
            assert isinstance(event, yaml.ScalarEvent)
            scalar = self._scalar(event)
            if top is None:
                result = scalar
            else:
                self._place(top, scalar, self.line(event))
        return result

    def _resolve(self, kind: type[Node], value: str | None, event: Any) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(kind, value, event.implicit)  # type: ignore[no-untyped-call]
        return str(tag)

    def _tag(self, event: Any, tag: str) -> None:
        if tag not in _PLAIN_TAGS:
            raise _Refused(
                self.line(event),
                f"the YAML tag {cut(tag.replace('tag:yaml.org,2002:', '!!'), 60)} is not allowed",
                "remove the tag; postrun reads plain text, numbers, dates, lists and mappings only",
            )

    def _scalar(self, event: Any) -> Any:
        tag = self._resolve(ScalarNode, event.value, event)
        self._tag(event, tag)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            if event.tag is None or event.tag == "!":
                # e.g. 2026-02-30: shaped like a date but not one; validation explains it.
                return str(event.value)
        except Exception:  # PyYAML's constructors fail in many ways on odd tagged input
            pass
        short = tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(
            self.line(event),
            f"{cut(repr(event.value), 60)} is not a valid {short} value",
            f"remove the {short} tag and write the value plainly",
        )

    def _key(self, top: _Open, event: Any) -> None:
        tag = (
            self._resolve(ScalarNode, event.value, event)
            if isinstance(event, yaml.ScalarEvent)
            else None
        )
        if tag not in _PLAIN_TAGS:
            raise _Refused(
                self.line(event),
                "keys must be plain names",
                "write `name: value`; merge keys (<<) and complex keys are not supported",
            )
        key = str(event.value)
        mapping = top.value
        assert isinstance(mapping, YMap)
        if key in mapping.key_lines:
            raise _Refused(
                self.line(event),
                f"`{cut(key, 60)}` appears twice in the same mapping (first on line "
                f"{mapping.key_lines[key]})",
                "keep one of them; YAML would silently use the last",
            )
        top.key, top.key_line = key, self.line(event)

    @staticmethod
    def _place(top: _Open, value: Any, line: int) -> None:
        if isinstance(top.value, YMap):
            assert top.key is not None
            top.value.key_lines[top.key] = top.key_line
            top.value[top.key] = value
            top.key = None
        else:
            top.value.append(value)
            top.value.item_lines.append(line)


def _tab_line(text: str, at: int | None, named: bool) -> int | None:
    """The 0-based line whose indentation holds a tab: the error's own line, or (when the
    parser named a tab) the first such line."""
    lines = text.splitlines()
    indented = [i for i, ln in enumerate(lines) if "\t" in ln[: len(ln) - len(ln.lstrip())]]
    if at is not None and at in indented:
        return at
    return indented[0] if named and indented else None


def parse(text: str, file: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse one YAML document; on failure add a problem and return None.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file (front matter).
    An empty document yields None without a problem; callers decide whether that is allowed.
    """
    try:
        return _Composer(line_offset).run(yaml.parse(text, Loader=_LOADER))
    except _Refused as exc:
        problems.add(file, exc.line, None, exc.message, exc.hint)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1 + line_offset
        what = exc.problem or exc.context or "not valid YAML"
        tab = _tab_line(text, None if mark is None else mark.line, "tab" in what)
        if tab is not None:
            line = tab + 1 + line_offset
            problems.add(
                file,
                line,
                None,
                f"a tab character at line {line}: YAML indents with spaces",
                "replace the tab with spaces (two for each level of indentation)",
            )
            return None
        problems.add(
            file,
            line,
            None,
            f"YAML syntax error: {what}",
            "check indentation, a missing colon or an unclosed quote on or just above this line",
        )
    except yaml.reader.ReaderError as exc:
        # A control character or similar: PyYAML gives a character position, not a line.
        line = text[: exc.position].count("\n") + 1 + line_offset
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problems.add(
            file,
            line,
            None,
            f"the file contains a character that is not allowed (#x{code:04x})",
            "delete the invisible character on this line (retype the line if unsure)",
        )
    except yaml.YAMLError as exc:
        problems.add(
            file, None, None, f"YAML syntax error: {cut(str(exc))}", "check the file's structure"
        )
    return None
