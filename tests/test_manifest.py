"""slack_manifest.yaml is one Slack accepts, and it matches the code.

Slack's side: the manifest loads as YAML and fits the app manifest schema (slackapi/manifest-schema,
schemas/manifest.schema.1.0.0.json: required keys, lengths, patterns, known keys only).

The code's side, read from the real objects rather than from strings:
- the listeners registered on the Bolt app `create_app()` builds: every slash command, event and
  shortcut they listen to is declared, and every declared one reaches a listener of its own;
- the Web API methods the code calls, found two ways: statically (every `client.<method>(…)` and
  `api_call("…")` in warroom_bot/, handlers/ and scheduler/, resolved through slack_sdk's own source)
  and by running a campaign day against the stand-in granting only the manifest's bot scopes. Each
  must be in the stand-in's METHOD_SCOPES table (from Slack's method reference), its scope declared,
  and no declared scope may go unused;
- every request URL is the `/slack/events` route the service serves.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from re import Pattern
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.app import create_app
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId
from warroom_bot.core.settings import load_settings
from warroom_bot.devtools.driver import ANA, SIGNING_SECRET, SlackDriver, action_item
from warroom_bot.devtools.standin import (
    APP_TOKEN_METHOD_SCOPES,
    MANIFEST_BOT_SCOPES,
    METHOD_SCOPES,
    Call,
    SlackStandIn,
)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "slack_manifest.yaml"
SOURCE_DIRECTORIES = ("warroom_bot", "handlers", "scheduler")
EVENTS_PATH = "/slack/events"

# The bot scope each event subscription needs, from Slack's event reference (None: no scope).
EVENT_SCOPES: dict[str, str | None] = {
    "app_mention": "app_mentions:read",
    "app_home_opened": None,
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "reaction_added": "reactions:read",
}
# Scopes no single method needs, and what makes one needed.
COMMANDS_SCOPE = "commands"  # slash commands and shortcuts
PUBLIC_CHANNELS_SCOPE = "chat:write.public"  # chat.postMessage in a public channel the bot was not invited to
# Methods Bolt and slack_sdk call on their own, not written in the code: Bolt's authorization asks
# auth.test who the token is; Bolt's `say()` is chat.postMessage.
BOLT_OWN_METHODS = {"auth.test"}
BOLT_SHORTHANDS = {"say": {"chat.postMessage"}}


# -- the manifest, as Slack reads it ---------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, but a key given twice is an error rather than the last one winning."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"repeated keys {repeated}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def load_manifest(text: str | None = None) -> dict[str, Any]:
    text = MANIFEST.read_text(encoding="utf-8") if text is None else text
    yaml.safe_load(text)  # what the brief promises: plain safe_load accepts it
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects


def manifest_bot_scopes() -> tuple[str, ...]:
    return tuple(load_manifest()["oauth_config"]["scopes"]["bot"])


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest()


# -- the schema ------------------------------------------------------------------------------------

# Limits of slackapi/manifest-schema, schemas/manifest.schema.1.0.0.json (the schema Slack validates
# a manifest with _metadata.major_version 1 against).
HTTP_URL = r"^https?://"
TOP_LEVEL_KEYS = {
    "$schema",
    "_metadata",
    "app_directory",
    "display_information",
    "features",
    "oauth_config",
    "settings",
    "functions",
    "workflows",
    "datastores",
    "outgoing_domains",
    "types",
    "external_auth_providers",
}
FEATURE_KEYS = {
    "app_home",
    "bot_user",
    "functions",
    "shortcuts",
    "slash_commands",
    "workflow_steps",
    "unfurl_domains",
    "assistant_view",
}
SETTINGS_KEYS = {
    "allowed_ip_address_ranges",
    "event_subscriptions",
    "incoming_webhooks",
    "interactivity",
    "org_deploy_enabled",
    "socket_mode_enabled",
    "is_hosted",
    "token_rotation_enabled",
    "siws_links",
    "hermes_app_type",
    "function_runtime",
    "is_mcp_enabled",
}


@dataclass(frozen=True)
class Text:
    """A string field: its length bounds and the pattern it must match."""

    low: int = 0
    high: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Shape:
    """An object: its fields and their kinds, the required ones, and no others (additionalProperties: false)."""

    fields: dict[str, Any]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Items:
    """An array of `of`, with bounds on its length, and unique if so marked."""

    of: Any
    low: int = 0
    high: int | None = None
    unique: bool = False


BOOLEAN, INTEGER = bool, int
SCHEMA = Shape(
    {
        "_metadata": Shape(
            {"schema_version": INTEGER, "min_version": INTEGER, "major_version": INTEGER, "minor_version": INTEGER}
        ),
        "display_information": Shape(
            {
                "name": Text(1, 35),
                "description": Text(1, 140),
                "background_color": Text(4, 7, r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$"),
                "long_description": Text(175, 4000),
            },
            frozenset({"name"}),
        ),
        "features": Shape(
            {
                "app_home": Shape(
                    {
                        "home_tab_enabled": BOOLEAN,
                        "messages_tab_enabled": BOOLEAN,
                        "messages_tab_read_only_enabled": BOOLEAN,
                    }
                ),
                "bot_user": Shape({"display_name": Text(1, 80), "always_online": BOOLEAN}, frozenset({"display_name"})),
                "shortcuts": Items(
                    Shape(
                        {
                            "name": Text(1, 24),
                            "type": Text(pattern=r"^(message|global)$"),
                            "callback_id": Text(1, 255),
                            "description": Text(1, 150),
                        },
                        frozenset({"name", "type", "callback_id", "description"}),
                    ),
                    1,
                    10,
                ),
                "slash_commands": Items(
                    Shape(
                        {
                            "command": Text(2, 32, r"^/"),
                            "url": Text(0, 3000, HTTP_URL),
                            "description": Text(1, 2000),
                            "usage_hint": Text(1, 1000),
                            "should_escape": BOOLEAN,
                        },
                        frozenset({"command", "description"}),
                    ),
                    1,
                    50,
                ),
                "unfurl_domains": Items(Text(0, 255, r"^(?![.\-])([-a-z0-9.])+([a-z0-9])$"), 1, 5, unique=True),
            }
        ),
        "oauth_config": Shape(
            {
                "redirect_urls": Items(Text(0, 2500), 0, 1000, unique=True),
                "scopes": Shape(
                    {
                        kind: Items(Text(0, 50), 0, 255, unique=True)
                        for kind in ("user", "bot", "user_optional", "bot_optional")
                    }
                ),
                "token_management_enabled": BOOLEAN,
                "pkce_enabled": BOOLEAN,
            }
        ),
        "settings": Shape(
            {
                "event_subscriptions": Shape(
                    {
                        "request_url": Text(0, 3500, HTTP_URL),
                        "bot_events": Items(Text(0, 50), 0, 100, unique=True),
                        "user_events": Items(Text(0, 50), 0, 100, unique=True),
                    }
                ),
                "interactivity": Shape(
                    {
                        "is_enabled": BOOLEAN,
                        "request_url": Text(0, 3500, HTTP_URL),
                        "message_menu_options_url": Text(0, 3500, HTTP_URL),
                    },
                    frozenset({"is_enabled"}),
                ),
                "org_deploy_enabled": BOOLEAN,
                "socket_mode_enabled": BOOLEAN,
                "token_rotation_enabled": BOOLEAN,
                "is_hosted": BOOLEAN,
            }
        ),
    },
    frozenset({"display_information"}),
)
# Keys the schema allows that this file does not use, so that the shape above need not spell them out.
UNCHECKED = {"": TOP_LEVEL_KEYS, "features": FEATURE_KEYS, "settings": SETTINGS_KEYS}


def schema_problems(value: Any, rule: Any = SCHEMA, path: str = "") -> list[str]:
    """Where `value` breaks the schema, one line each (empty: Slack's schema accepts it)."""
    where = path or "the manifest"
    if rule in (BOOLEAN, INTEGER):
        return [] if type(value) is rule else [f"{where}: {value!r} is not a {rule.__name__}"]
    if isinstance(rule, Text):
        if not isinstance(value, str):
            return [f"{where}: {value!r} is not a string (quote it)"]
        problems = []
        if len(value) < rule.low or (rule.high is not None and len(value) > rule.high):
            problems.append(f"{where}: {len(value)} characters, the schema allows {rule.low} to {rule.high}")
        if rule.pattern and not re.search(rule.pattern, value):
            problems.append(f"{where}: {value!r} does not match {rule.pattern}")
        return problems
    if isinstance(rule, Items):
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        problems = []
        if len(value) < rule.low or (rule.high is not None and len(value) > rule.high):
            problems.append(f"{where}: {len(value)} items, the schema allows {rule.low} to {rule.high}")
        if rule.unique and len({repr(v) for v in value}) != len(value):
            problems.append(f"{where}: items repeat")
        for index, each in enumerate(value):
            problems += schema_problems(each, rule.of, f"{path}[{index}]")
        return problems
    assert isinstance(rule, Shape)
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not a mapping"]
    problems = [f"{where}: {key} is required" for key in sorted(rule.required - value.keys())]
    allowed = UNCHECKED.get(path, set()) | rule.fields.keys()
    problems += [f"{where}: {key} is not a key Slack knows here" for key in sorted(value.keys() - allowed)]
    for key in sorted(value.keys() & rule.fields.keys()):
        problems += schema_problems(value[key], rule.fields[key], f"{path}.{key}" if path else key)
    return problems


def test_the_manifest_is_yaml_in_the_shape_slacks_schema_accepts(manifest: dict[str, Any]) -> None:
    assert schema_problems(manifest) == []
    assert manifest["_metadata"]["major_version"] == 1  # the schema version checked above


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # The manifest as it was: an unquoted description with ": " in it.
        ("display_information:\n  description: Runs a war room: digests\n", "mapping values are not allowed here"),
        ("display_information:\n  name: War Room\n  name: Ops\n", "repeated keys ['name']"),
    ],
)
def test_yaml_mistakes_are_caught(text: str, problem: str) -> None:
    with pytest.raises(yaml.YAMLError, match=re.escape(problem)):
        load_manifest(text)


def test_the_schema_check_catches_what_slack_would_refuse(manifest: dict[str, Any]) -> None:
    broken = copy.deepcopy(manifest)
    broken["display_information"]["description"] = "x" * 141
    broken["display_information"]["long_description"] = "too short"
    broken["features"]["slash_commands"][0]["command"] = "warroom"
    broken["features"]["slash_commands"][1]["should_escape"] = "yes"
    broken["features"]["bot_user"]["display_nam"] = "typo"
    del broken["settings"]["interactivity"]["is_enabled"]
    assert schema_problems(broken) == [
        "display_information.description: 141 characters, the schema allows 1 to 140",
        "display_information.long_description: 9 characters, the schema allows 175 to 4000",
        "features.bot_user: display_nam is not a key Slack knows here",
        "features.slash_commands[0].command: 'warroom' does not match ^/",
        "features.slash_commands[1].should_escape: 'yes' is not a bool",
        "settings.interactivity: is_enabled is required",
    ]


def test_dms_land_in_the_messages_tab_and_mentions_arrive_as_user_ids(manifest: dict[str, Any]) -> None:
    # The bot DMs people by posting to their user id, which Slack shows in the app's Messages tab.
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": False,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True,  # nothing listens to message.im: typing there gets no answer
    }
    assert "bot_user" in manifest["features"]  # bot scopes, app_mention and DMs need a bot user
    # The commands read people as <@U…> (warroom_bot.core.parsing): Slack sends that form only if escaping.
    assert all(command.get("should_escape") is True for command in manifest["features"]["slash_commands"])


# -- the Bolt app's listeners ----------------------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    """A listener registered on the Bolt app, as its primary matcher says."""

    kind: str  # the slack_bolt matcher that built it: command, event, message_shortcut, action, view_submission…
    constraint: Any  # what it was registered for: a str, a Pattern or a dict
    matches: Callable[..., Awaitable[bool]]  # that matcher, on a request body

    @property
    def name(self) -> str | None:
        """The command, event type or callback id, when it is one fixed string."""
        value = self.constraint.get("type") if isinstance(self.constraint, dict) else self.constraint
        return str(value) if isinstance(value, str) else None


CONSTRAINT_NAMES = ("command", "event_type", "callback_id", "constraints")
SHORTCUT_KINDS = {"shortcut": {"global", "message"}, "global_shortcut": {"global"}, "message_shortcut": {"message"}}
NOT_INTERACTIVE_KINDS = {"command", "event", "message_event", "function_executed", "workflow_step_execute"}
OPTIONS_KINDS = {"options", "block_suggestion", "dialog_suggestion"}


def listeners(bolt: AsyncApp) -> list[Listener]:
    """The Bolt app's listeners in the order Bolt tries them, read from their primary matchers.

    slack_bolt builds each matcher as a closure over what the listener was registered with
    (slack_bolt.listener_matcher.builtins: `def command(command)` → `def func(body)` → `async_fun`)."""
    found = []
    for registered in bolt._async_listeners:
        wrapper = getattr(registered.matchers[0], "func", None)
        inner = inspect.getclosurevars(wrapper).nonlocals.get("func") if wrapper else None
        values = inspect.getclosurevars(inner).nonlocals if inner else {}
        name = next((name for name in CONSTRAINT_NAMES if name in values), None)
        assert inner is not None and name is not None and wrapper is not None, (
            f"slack_bolt's listener matchers changed shape ({registered!r}): update listeners() in {__file__}"
        )
        found.append(Listener(inner.__qualname__.split(".<locals>")[0].lstrip("_"), values[name], wrapper))
    return found


def command_body(command: str) -> dict[str, Any]:
    return {"command": command, "text": "", "user_id": "U0PROBE001", "channel_id": "C0PROBE001"}


def event_body(bot_event: str) -> dict[str, Any]:
    """An Events API body for a subscription name (`message.im` arrives as a `message` in an im)."""
    kind, _, channel_type = bot_event.partition(".")
    event = {"type": kind} | ({"channel_type": channel_type} if channel_type else {})
    return {"type": "event_callback", "event": event}


def shortcut_body(kind: str, callback_id: str) -> dict[str, Any]:
    return {"type": "shortcut" if kind == "global" else "message_action", "callback_id": callback_id}


async def first_listener(found: list[Listener], body: dict[str, Any]) -> Listener | None:
    """The listener Bolt runs for `body`: the first whose matcher accepts it."""
    for listener in found:
        if await listener.matches(body=body):
            return listener
    return None


async def listener_problems(bolt: AsyncApp, manifest: dict[str, Any]) -> list[str]:
    """Where the Bolt app's listeners and the manifest disagree, one line each."""
    found = listeners(bolt)
    features, settings = manifest.get("features", {}), manifest.get("settings", {})
    commands = [c["command"] for c in features.get("slash_commands", [])]
    shortcuts = {s["callback_id"]: s["type"] for s in features.get("shortcuts", [])}
    bot_events = settings.get("event_subscriptions", {}).get("bot_events", [])
    problems = []

    for listener in found:  # what the code listens to is declared
        name = listener.name
        if name is None:
            continue  # a pattern: a fallback for whatever else comes, not something Slack is told about
        if listener.kind == "command":
            probes = [command_body(name)]
            if name not in commands:
                problems.append(f"the app listens to {name}: declare it in features.slash_commands")
        elif listener.kind in ("event", "message_event"):
            probes = [event_body(name)]
            if not [e for e in bot_events if e == name or e.startswith(f"{name}.")]:
                problems.append(
                    f"the app listens to the {name} event: add it to settings.event_subscriptions.bot_events"
                )
        elif listener.kind in SHORTCUT_KINDS:
            probes = [shortcut_body(kind, name) for kind in SHORTCUT_KINDS[listener.kind]]
            if shortcuts.get(name) not in SHORTCUT_KINDS[listener.kind]:
                wanted = " or ".join(sorted(SHORTCUT_KINDS[listener.kind]))
                problems.append(
                    f"the app listens to the {name} shortcut: declare it in features.shortcuts (type {wanted})"
                )
        else:
            continue
        for body in probes:  # the reading of the closure, checked by Bolt's own matcher
            assert await listener.matches(body=body), f"listeners() misread {listener}: update it in {__file__}"

    for command in commands:  # what is declared reaches a listener of its own
        listener = await first_listener(found, command_body(command))
        if listener is None or listener.name != command:
            problems.append(f"{command} is declared but no listener is registered for it (before any catch-all)")
    for bot_event in bot_events:
        if await first_listener(found, event_body(bot_event)) is None:
            problems.append(f"Slack will send {bot_event} events that no listener takes: listen or unsubscribe")
    for callback_id, kind in shortcuts.items():
        if await first_listener(found, shortcut_body(kind, callback_id)) is None:
            problems.append(f"the {kind} shortcut {callback_id} is declared but no listener takes it")

    interactive = sorted({listener.kind for listener in found} - NOT_INTERACTIVE_KINDS)
    if interactive and not settings.get("interactivity", {}).get("is_enabled"):
        problems.append(
            f"the app has {', '.join(interactive)} listeners: settings.interactivity.is_enabled must be true"
        )
    if OPTIONS_KINDS & set(interactive) and not settings.get("interactivity", {}).get("message_menu_options_url"):
        problems.append("the app answers select menu options: set settings.interactivity.message_menu_options_url")
    return problems


def service_settings(tmp_path: Path) -> Any:
    """Settings like conftest's: the service is only built here, never started, so nothing is reached."""
    return load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/warroom.db",
        slack_api_url="http://127.0.0.1:9/api/",
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        tick_seconds=3600,
    )


@pytest.fixture
def service(tmp_path: Path, clock: ManualClock) -> Any:
    """The FastAPI app and, on it, the Bolt app with every listener, built as conftest builds them."""
    return create_app(service_settings(tmp_path), clock)


async def test_commands_events_and_shortcuts_match_the_apps_listeners(service: Any, manifest: dict[str, Any]) -> None:
    bolt = service.state.service.bolt
    found = listeners(bolt)
    assert {listener.name for listener in found if listener.kind == "command"} >= {"/warroom", "/escalate", "/budget"}
    assert any(isinstance(listener.constraint, Pattern) for listener in found)  # the catch-all, last
    assert await listener_problems(bolt, manifest) == []


async def test_the_cross_check_catches_listeners_and_declarations_without_a_partner(
    service: Any, manifest: dict[str, Any]
) -> None:
    """What the test above would say if a listener were added without the manifest, or the reverse."""

    async def listener(ack: Any) -> None:
        await ack()

    bolt = service.state.service.bolt
    already = await listener_problems(bolt, manifest)  # none, unless the test above fails too
    bolt.command("/forecast")(listener)
    bolt.global_shortcut("quick_status")(listener)
    bolt.event("reaction_added")(listener)
    declared = copy.deepcopy(manifest)
    declared["features"]["slash_commands"].append({"command": "/ghost", "description": "nobody listens"})
    declared["features"]["shortcuts"] = [  # escalate_message, the app's own, left out
        {"name": "Status", "type": "message", "callback_id": "quick_status", "description": "the wrong type"}
    ]
    declared["settings"]["event_subscriptions"]["bot_events"].append("message.im")
    declared["settings"]["interactivity"]["is_enabled"] = False
    problems = [problem for problem in await listener_problems(bolt, declared) if problem not in already]
    assert problems == [
        "the app listens to the escalate_message shortcut: declare it in features.shortcuts (type message)",
        "the app listens to /forecast: declare it in features.slash_commands",
        "the app listens to the quick_status shortcut: declare it in features.shortcuts (type global)",
        "the app listens to the reaction_added event: add it to settings.event_subscriptions.bot_events",
        "/ghost is declared but no listener is registered for it (before any catch-all)",
        "Slack will send message.im events that no listener takes: listen or unsubscribe",
        "the message shortcut quick_status is declared but no listener takes it",
        "the app has action, global_shortcut, message_shortcut, view_submission listeners:"
        " settings.interactivity.is_enabled must be true",
    ]


# -- request URLs ----------------------------------------------------------------------------------


def request_urls(manifest: dict[str, Any]) -> dict[str, str | None]:
    """Where Slack sends requests over HTTP → the URL given there (None: not given)."""
    events = manifest["settings"].get("event_subscriptions", {})
    interactivity = manifest["settings"].get("interactivity", {})
    urls = {
        f"features.slash_commands[{command['command']}].url": command.get("url")
        for command in manifest["features"].get("slash_commands", [])
    }
    if events.get("bot_events") or events.get("user_events"):
        urls["settings.event_subscriptions.request_url"] = events.get("request_url")
    if interactivity.get("is_enabled"):
        urls["settings.interactivity.request_url"] = interactivity.get("request_url")
    if "message_menu_options_url" in interactivity:
        urls["settings.interactivity.message_menu_options_url"] = interactivity["message_menu_options_url"]
    return urls


def test_every_request_url_is_the_services_slack_events_route(service: Any, manifest: dict[str, Any]) -> None:
    assert any(
        getattr(route, "path", None) == EVENTS_PATH and "POST" in getattr(route, "methods", ())
        for route in service.routes
    ), f"the service no longer serves POST {EVENTS_PATH}"
    urls = request_urls(manifest)
    if manifest["settings"].get("socket_mode_enabled"):
        assert not any(urls.values()), "with Socket Mode, Slack sends nothing to request URLs: drop them"
        return
    assert all(urls.values()), f"over HTTP Slack needs every request URL: {[w for w, u in urls.items() if not u]}"
    parts = {where: urlsplit(url) for where, url in urls.items()}
    assert {where: (part.scheme, part.path) for where, part in parts.items()} == {
        where: ("https", EVENTS_PATH) for where in urls
    }
    assert len({part.netloc for part in parts.values()}) == 1, "every URL names the same host"


# -- Web API methods and scopes --------------------------------------------------------------------


@functools.cache
def sdk_web_api_methods(name: str) -> frozenset[str]:
    """The Web API methods an AsyncWebClient method calls, from slack_sdk's source: `chat_update` →
    chat.update; `files_upload_v2` → files.getUploadURLExternal and files.completeUploadExternal."""
    function = getattr(AsyncWebClient, name, None)
    if name.startswith("_") or name == "api_call" or not inspect.iscoroutinefunction(function):
        return frozenset()
    source = inspect.getsource(function)
    methods = set(re.findall(r"""api_call\(\s*["']([\w.]+)["']""", source))
    for helper in set(re.findall(r"self\.(\w+)\(", source)) - {name}:
        methods |= sdk_web_api_methods(helper)
    return frozenset(methods)


@functools.cache
def called_in_code() -> dict[str, list[str]]:
    """Every Web API method the code calls, with where: `client.<method>(…)` of any client variable,
    `api_call("…")`, and Bolt's `say()`."""
    found: dict[str, list[str]] = {}
    for directory in SOURCE_DIRECTORIES:
        for path in sorted((ROOT / directory).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                function = node.func
                if isinstance(function, ast.Attribute) and function.attr == "api_call":
                    named = node.args[0] if node.args else next((k.value for k in node.keywords), None)
                    assert isinstance(named, ast.Constant) and isinstance(named.value, str), (
                        f"{where}: api_call with a method name computed at run time; name it literally"
                    )
                    methods: set[str] | frozenset[str] = {named.value}
                elif isinstance(function, ast.Attribute):
                    methods = sdk_web_api_methods(function.attr)
                elif isinstance(function, ast.Name):
                    methods = BOLT_SHORTHANDS.get(function.id, set())
                else:
                    continue
                for method in methods:
                    found.setdefault(method, []).append(where)
    return found


def needed_scopes(methods: set[str], manifest: dict[str, Any]) -> dict[str, str]:
    """Scope → why: what the methods, the event subscriptions and the commands need."""
    why = {}
    for method in sorted(methods):
        if METHOD_SCOPES.get(method):
            why.setdefault(METHOD_SCOPES[method], method)
    for bot_event in manifest["settings"].get("event_subscriptions", {}).get("bot_events", []):
        if EVENT_SCOPES.get(bot_event):
            why.setdefault(EVENT_SCOPES[bot_event], f"the {bot_event} event")
    if manifest["features"].get("slash_commands") or manifest["features"].get("shortcuts"):
        why[COMMANDS_SCOPE] = "slash commands"
    if "chat.postMessage" in methods:
        why[PUBLIC_CHANNELS_SCOPE] = "chat.postMessage in a public war room the bot was not invited to"
    return why


def test_the_code_calls_web_api_methods_the_scan_can_see() -> None:
    called = called_in_code()
    # A sanity check of the scan itself: these calls are in the code today.
    assert {"chat.postMessage", "chat.update", "views.open", "users.info"} <= called.keys()
    assert {"files.getUploadURLExternal", "files.completeUploadExternal"} <= called.keys()  # files_upload_v2


def test_every_method_the_code_calls_has_its_scope_declared(manifest: dict[str, Any]) -> None:
    called = called_in_code()
    unknown = {method: where for method, where in called.items() if method not in METHOD_SCOPES}
    assert not unknown, (
        f"the code calls {unknown}: add each to METHOD_SCOPES in warroom_bot/standin.py with the bot scope "
        "Slack's method reference gives (None if it needs none), and the scope to slack_manifest.yaml"
    )
    unknown_events = [e for e in manifest["settings"]["event_subscriptions"]["bot_events"] if e not in EVENT_SCOPES]
    assert not unknown_events, f"add {unknown_events} to EVENT_SCOPES in {__file__} with the scope each needs"
    declared = set(manifest["oauth_config"]["scopes"]["bot"])
    missing = {scope: why for scope, why in needed_scopes(set(called), manifest).items() if scope not in declared}
    assert not missing, f"declare these bot scopes in slack_manifest.yaml (scope: what needs it): {missing}"


def test_no_declared_scope_goes_unused(manifest: dict[str, Any]) -> None:
    needed = needed_scopes(set(called_in_code()) | BOLT_OWN_METHODS, manifest)
    unused = [scope for scope in manifest["oauth_config"]["scopes"]["bot"] if scope not in needed]
    assert not unused, f"no method, event or command needs {unused}: remove them from slack_manifest.yaml"
    assert "user" not in manifest["oauth_config"]["scopes"], "the app acts as its bot only: no user scopes"


def test_the_stand_in_grants_the_manifests_scopes_and_knows_every_method_it_answers() -> None:
    assert manifest_bot_scopes() == MANIFEST_BOT_SCOPES
    answered = {name.removeprefix("_m_").replace("_", ".") for name in dir(SlackStandIn) if name.startswith("_m_")}
    unknown = answered - METHOD_SCOPES.keys() - APP_TOKEN_METHOD_SCOPES.keys()
    assert not unknown, f"the stand-in answers {unknown}: add them to METHOD_SCOPES in warroom_bot/standin.py"


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    """For this module, a stand-in that grants the bot exactly the manifest's scopes, as Slack would."""
    server = await SlackStandIn(scopes=manifest_bot_scopes()).start()
    yield server
    await server.stop()


async def test_a_campaign_day_calls_only_methods_the_manifests_scopes_allow(
    bot: SlackDriver, prompt: Call, write_retro: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    # `prompt`: live, with a roster, at the 21:00 retro prompt.
    assert (await bot.command("start", channel="C0NOROOM01")).status_code == 200  # no campaign there: the form
    await bot.standin.wait_for("views.open")
    await bot.ephemeral(f"role tier1 <@{ANA}>")
    await bot.ephemeral("red Payment gateway timeouts", command="/escalate")  # the channel post and a DM
    await bot.tick()
    await bot.ephemeral("ack 1", command="/escalate", user=ANA)  # every copy updated
    await bot.standin.wait_for("chat.update")
    await bot.ephemeral("target gmv 1000000")
    await bot.ephemeral("metric gmv 250000")
    await bot.ephemeral("chart gmv")  # a PNG, files upload v2
    await bot.standin.wait_for("files.completeUploadExternal")
    await write_retro(
        await bot.open_form(prompt, ActionId.WRITE_RETRO, ANA), ANA, items=[action_item(ANA, "2026-11-11")]
    )
    await bot.standin.wait_for("users.info")  # the action item's owner is a person
    await bot.ephemeral("report")
    await bot.standin.wait_for("files.completeUploadExternal", count=2)

    refused = [(call.method, call.response) for call in bot.standin.calls if not call.ok]
    assert refused == [], "Slack would refuse these calls with the manifest's scopes"
    called = {call.method for call in bot.standin.calls} - {"response_url"}
    assert called - METHOD_SCOPES.keys() == set(), "add these methods to METHOD_SCOPES in warroom_bot/standin.py"
    unseen = called - called_in_code().keys() - BOLT_OWN_METHODS
    assert unseen == set(), f"the code called {unseen}, which the static scan did not find: extend called_in_code()"


async def test_the_stand_in_answers_missing_scope_as_slack_does() -> None:
    standin = await SlackStandIn(scopes=["chat:write", "commands"]).start()
    try:
        standin.add_user("U0DANA0001", "dana")
        bot = AsyncWebClient(token="xoxb-test", base_url=standin.api_url)
        assert (await bot.chat_postMessage(channel="C0WARROOM1", text="hello"))["ok"]
        assert (await bot.auth_test())["ok"]  # no scope needed
        with pytest.raises(SlackApiError) as refused:
            await bot.users_info(user="U0DANA0001")
        assert refused.value.response.status_code == 200
        assert refused.value.response.data == {
            "ok": False,
            "error": "missing_scope",
            "needed": "users:read",
            "provided": "chat:write,commands",
        }
        app_level = AsyncWebClient(token="xapp-test", base_url=standin.api_url)
        assert (await app_level.apps_connections_open(app_token="xapp-test"))["ok"]  # Socket Mode's token
        with pytest.raises(SlackApiError) as wrong_token:
            await app_level.chat_postMessage(channel="C0WARROOM1", text="hello")
        assert wrong_token.value.response["error"] == "not_allowed_token_type"
        assert [call.method for call in standin.calls if not call.ok] == ["users.info", "chat.postMessage"]
    finally:
        await standin.stop()
