"""Safe YAML reading that remembers where every value came from.

PyYAML's ``compose`` gives nodes with line marks; we turn them into plain Python values inside
:class:`YMap` / :class:`YList` containers that keep the line of each key and item, so that
validation can point a coach at the exact line. Only plain data is accepted: explicit tags
(``!!python/object``), anchors and aliases (the "billion laughs" bomb) and duplicate keys are
refused with a clear problem instead of being executed, expanded or silently overwritten.
"""

from __future__ import annotations

from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problems

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


class _Reader:
    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.seen: set[int] = set()
        self.constructor = SafeConstructor()

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def convert(self, node: Node) -> Any:
        if id(node) in self.seen:
            raise _Refused(
                self.line(node),
                "anchors and aliases (& and *) are not allowed",
                "write the value out in full where it is needed",
            )
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(
                self.line(node),
                f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                "remove the tag; postrun reads plain text, numbers, dates, lists and mappings only",
            )
        if isinstance(node, MappingNode):
            return self._mapping(node)
        if isinstance(node, SequenceNode):
            items = YList()
            items.line = self.line(node)
            items.item_lines = []
            for child in node.value:
                items.append(self.convert(child))
                items.item_lines.append(self.line(child))
            return items
        assert isinstance(node, ScalarNode)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # e.g. 2026-02-30: shaped like a date but not one; validation explains it.
            return str(node.value)

    def _mapping(self, node: MappingNode) -> YMap:
        result = YMap()
        result.line = self.line(node)
        result.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise _Refused(
                    self.line(key_node),
                    "keys must be plain names",
                    "write `name: value`; merge keys (<<) and complex keys are not supported",
                )
            key = str(key_node.value)
            if key in result:
                raise _Refused(
                    self.line(key_node),
                    f"`{key}` appears twice in the same mapping (first on line "
                    f"{result.key_lines[key]})",
                    "keep one of them; YAML would silently use the last",
                )
            result.key_lines[key] = self.line(key_node)
            result[key] = self.convert(value_node)
        return result


def parse(text: str, file: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse one YAML document; on failure add a problem and return None.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file (front matter).
    An empty document yields None without a problem; callers decide whether that is allowed.
    """
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1 + line_offset
        what = exc.problem or exc.context or "not valid YAML"
        problems.add(
            file,
            line,
            None,
            f"YAML syntax error: {what}",
            "check indentation, a missing colon or an unclosed quote on or just above this line",
        )
        return None
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
        return None
    except yaml.YAMLError as exc:
        problems.add(file, None, None, f"YAML syntax error: {exc}", "check the file's structure")
        return None
    except RecursionError:
        problems.add(file, None, None, "the YAML is nested too deeply", "flatten the structure")
        return None
    if node is None:
        return None
    try:
        return _Reader(line_offset).convert(node)
    except _Refused as exc:
        problems.add(file, exc.line, None, exc.message, exc.hint)
        return None
    except RecursionError:
        problems.add(file, None, None, "the YAML is nested too deeply", "flatten the structure")
        return None
