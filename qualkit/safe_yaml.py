"""The one way qualkit reads YAML: safe tags only, no aliases, bounded nesting.

PyYAML's ``SafeLoader`` builds only plain values, but it still follows aliases: a few
hundred bytes of anchors (``&a``) and aliases (``*a``), each naming the one before several
times, stand for billions of nodes (a "billion laughs" file), and anything that walks or
constructs them runs out of memory. Deeply nested brackets exhaust the stack instead.
No qualkit file needs either, so :class:`SafeLoader` refuses every alias and any nesting
deeper than :data:`MAX_DEPTH` while composing, before anything is expanded or built.

Every YAML input (codebooks, codings, de-identification lists) goes through this module:
:class:`SafeLoader` for the codebook reader, which reports its own errors from the node
tree; :func:`compose_yaml` for the node tree (line numbers) and the value together; and
:func:`load_yaml` for the value alone. Their errors are :class:`InputError` naming the file
and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualkit.errors import InputError

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted (codes nested 20 levels deep use 42)."""


class YAMLRefused(yaml.MarkedYAMLError):
    """A YAML construct qualkit does not read (an alias, or nesting past the limit)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(None, None, problem, mark)

    @property
    def line(self) -> int | None:
        """1-based line of the refused construct."""
        return self.problem_mark.line + 1 if self.problem_mark is not None else None


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases and deep nesting while composing, and
    reports impossible dates and overlong numbers as :class:`YAMLRefused` with their line
    instead of a bare ``ValueError``."""

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YAMLRefused(
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLRefused(
                    f"lists and mappings are nested more than {MAX_DEPTH} deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):
            # An impossible date (2024-13-45) or an integer too long for Python to convert.
            raise YAMLRefused(
                "a date or number here cannot be read; put it in quotes to keep it as text",
                node.start_mark,
            ) from None


def compose_yaml(text: str, source: str | Path) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the plain value of one YAML document.

    Raises :class:`InputError` naming ``source`` and the line; never quotes the text.
    """
    try:
        loader = SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _unprintable(exc, text, source) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except YAMLRefused as exc:
        raise InputError(source, str(exc.problem), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            source, "not valid YAML", mark.line + 1 if mark is not None else None
        ) from None
    except yaml.reader.ReaderError as exc:
        raise _unprintable(exc, text, source) from None
    except yaml.YAMLError:
        raise InputError(source, "not valid YAML") from None
    finally:
        loader.dispose()
    return node, data


def _unprintable(exc: yaml.reader.ReaderError, text: str, source: str | Path) -> InputError:
    line = text[: exc.position].count("\n") + 1
    return InputError(source, f"YAML cannot hold the character U+{exc.character:04X}", line)


def load_yaml(text: str, source: str | Path) -> Any:
    """The plain value of one YAML document (``None`` when it is empty).

    Raises :class:`InputError` naming ``source`` and the line; never quotes the text.
    """
    return compose_yaml(text, source)[1]
