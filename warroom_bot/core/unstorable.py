"""Text no database column can hold, found before anything stores or echoes it.

A NUL character is refused by PostgreSQL's text columns, and half of a UTF-16 surrogate pair (what
JSON's `"\\ud800"` escape decodes to) has no UTF-8 encoding at all: SQLite's driver, asyncpg and a
JSON response all fail on it. Neither ever appears in text a person typed, so both are refused
wherever text comes in: the REST API (422 naming the field) and Slack (an ephemeral refusal).
"""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REFUSAL = "holds a character that cannot be stored (a NUL or half of a surrogate pair)"

Where = tuple[str | int, ...]


def find(value: Any) -> Where | None:
    """The path to the first string, or object key, in a parsed JSON value that holds a NUL or a
    lone surrogate; None when there is none. Iterative, so any nesting depth is safe."""
    stack: list[tuple[Any, Where]] = [(value, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return where
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if isinstance(key, str) and UNSTORABLE.search(key):
                    return (*where, key)
                children.append((child, (*where, key)))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, (*where, index)) for index, child in enumerate(item)]))
    return None


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0, `[1]` is 1)."""
    level, current = 0, [value]
    while containers := [item for item in current if isinstance(item, dict | list)]:
        level += 1
        current = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return level


def may_hold(json_text: str) -> bool:
    """Whether JSON text, already decoded as strict UTF-8, can decode to unstorable text at all.

    Strict UTF-8 has no surrogates, and JSON has no raw control characters in its strings, so the
    only way in is an escape: `\\u0000`, or `\\ud800` to `\\udfff` (which also starts every escaped
    emoji, so a True here only means that `find` has to look)."""
    return _ESCAPE.search(json_text) is not None


_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def dotted(where: Where) -> str:
    """`readings[3].dimension` for ("readings", 3, "dimension"); an unstorable character in a key
    is shown as U+FFFD, so that the name can be echoed safely."""
    text = ""
    for part in where:
        name = UNSTORABLE.sub("\ufffd", part) if isinstance(part, str) else part
        text += f"[{name}]" if isinstance(name, int) else (f".{name}" if text else name)
    return text or "the body"
