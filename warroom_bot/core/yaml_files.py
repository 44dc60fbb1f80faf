"""A team's YAML file (emergency plans, the countdown template) read into its pydantic schema,
refused as a whole with every mistake named by its line.

Safe loading only; anchors and aliases are refused outright (a file that expands a few lines into
millions of nodes is the classic YAML bomb), and the file's size is capped by its caller's limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from warroom_bot.core.errors import UserError

Schema = TypeVar("Schema", bound=BaseModel)
Parsed = TypeVar("Parsed")


class FileProblems(ValueError):
    """A file that cannot be loaded; `problems` name the line of each mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load(text: str, schema: type[Schema], *, list_key: str, max_bytes: int) -> Schema:
    """`text` as `schema` (a mapping whose `list_key` holds the items), or `FileProblems`."""
    if len(text.encode()) > max_bytes:
        raise FileProblems([f"the file is larger than {max_bytes // 1024} KiB"])
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise FileProblems([f"line {line}: anchors and aliases (*name) are not accepted"])
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f"line {mark.line + 1}: " if mark else ""
        raise FileProblems([f"{line}not valid YAML: {error.problem}"]) from None
    except yaml.YAMLError as error:
        raise FileProblems([f"not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise FileProblems([f"line 1: the file must be a mapping with a `{list_key}:` list"])
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise FileProblems([_located(root, problem) for problem in error.errors()]) from None


def field_value(parse: Callable[[str], Parsed], value: str) -> Parsed:
    """A field read by one of the bot's own parsers (a role, a duration…) inside a schema's
    validator: its refusal becomes the field's error, as a plain line (no Slack code marks)."""
    try:
        return parse(value)
    except UserError as error:
        raise ValueError(error.message.replace("`", "")) from None


def _message(problem: ErrorDetails) -> str:
    return problem["msg"].removeprefix("Value error, ")


def _located(root: yaml.Node | None, problem: ErrorDetails) -> str:
    """`line 12: plans.2.steps.0.within: …`: the line of the deepest node the error's path reaches."""
    node, path = root, [part for part in problem["loc"] if not str(part).startswith("function-")]
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    line = node.start_mark.line + 1 if node is not None else 1
    return f"line {line}: {'.'.join(str(part) for part in path)}: {_message(problem)}"
