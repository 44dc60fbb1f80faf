"""Per-campaign settings changed with `/warroom config <key> <value>`.

They are stored in `campaign.config` as the normalised text of each value (a JSON object that needs
no migration when a key is added) and read back through `CampaignConfig`, which supplies defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import ENGLISH, N_, language_of, tr
from warroom_bot.core.outbound_urls import RefusedUrl, check_url, shown
from warroom_bot.core.parsing import (
    did_you_mean,
    format_duration,
    parse_amount,
    parse_clock_time,
    parse_duration,
    parse_percent,
    parse_severity,
    parse_time_range,
)
from warroom_bot.core.settings import load_settings
from warroom_bot.models import Severity

DEFAULT_ACK_DEADLINES = {
    Severity.RED: timedelta(minutes=5),
    Severity.ORANGE: timedelta(minutes=15),
    Severity.YELLOW: timedelta(minutes=30),
    Severity.BLUE: timedelta(minutes=60),
}
# How long an escalation may stay unresolved (`resolve.<severity>`) and how long an acknowledged one
# may go without an update (`update.<severity>`); None: no deadline.
DEFAULT_RESOLVE_DEADLINES = {
    Severity.RED: timedelta(hours=2),
    Severity.ORANGE: timedelta(hours=6),
    Severity.YELLOW: timedelta(hours=24),
    Severity.BLUE: None,
}
DEFAULT_UPDATE_INTERVALS = {
    Severity.RED: timedelta(minutes=30),
    Severity.ORANGE: timedelta(hours=1),
    Severity.YELLOW: None,
    Severity.BLUE: None,
}
# Which emergency plan a light-raised escalation of a KPI starts (`alert.plans`).
DEFAULT_ALERT_PLANS = "inventory=stockout,response_time=system_outage,complaints=pr_crisis"


def _normalise_digest_every(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"1h", "2h"}:
        raise UserError(tr("`{raw}` is not a digest cadence: use `1h` or `2h`.", raw=raw))
    return value


MAX_REPEATS = 5


def _normalise_lights(raw: str) -> str:
    parts = raw.strip().split("/")
    try:
        green, yellow, red = (float(part) for part in parts)
    except ValueError:
        raise UserError(
            tr("`{raw}` is not a set of light thresholds: write green/yellow/red, like `90/80/60`.", raw=raw)
        ) from None
    if not 100 >= green > yellow > red > 0:
        raise UserError(tr("Light thresholds must fall from green to red, between 0 and 100, like `90/80/60`."))
    return f"{green:g}/{yellow:g}/{red:g}"


def _normalise_repeat(raw: str) -> str:
    value = raw.strip()
    if not value.isdigit() or int(value) > MAX_REPEATS:
        raise UserError(
            tr("`{raw}` is not a repeat count: use a whole number from 0 to {most}.", raw=raw, most=MAX_REPEATS)
        )
    return str(int(value))


def _normalise_url(raw: str) -> str:
    """A pull source: http(s), no user name or password, and not a loopback, private or other
    non-public address written out (`10.0.0.1`, `[::1]`, `0x7f.1`, `localhost`) unless
    WARROOM_PULL_ALLOW_PRIVATE is on. What the name resolves to is checked at each fetch."""
    value = raw.strip().strip("<>")  # Slack wraps links in angle brackets
    if value == "none":
        return value
    if not re.fullmatch(r"https?://[^\s|<>]+", value):
        raise UserError(
            tr("`{raw}` is not a URL: give an http(s) address that answers JSON readings, or `none`.", raw=raw)
        )
    try:
        check_url(value, allow_private=_private_pull_sources_allowed())
    except RefusedUrl as refused:
        raise UserError(
            tr("`{url}` cannot be a pull source: {reason}.", url=shown(value), reason=tr(refused.reason))
        ) from None
    return value


def _private_pull_sources_allowed() -> bool:
    """WARROOM_PULL_ALLOW_PRIVATE, read as the service reads it (the environment, or `.env`)."""
    return load_settings().pull_allow_private


def _normalise_threshold(raw: str) -> str:
    """`5%` of the total, or an amount shown as people write it: `¥50,000`."""
    if raw.strip().endswith("%"):
        return f"{parse_percent(raw)}%"
    amount = parse_amount(raw)
    return f"¥{amount:,.0f}" if amount == amount.to_integral_value() else f"¥{amount:,.2f}"


MIN_DIGEST_HOURS = timedelta(hours=2)


def _normalise_quiet(raw: str) -> str:
    """Quiet hours must leave two hours of the day free: two hour boundaries, one of them even, so
    that a digest slot exists at either cadence (`1h`, `2h`)."""
    start, end = parse_time_range(raw)
    free = (datetime.combine(date.min, start) - datetime.combine(date.min, end)) % timedelta(days=1)
    if free < MIN_DIGEST_HOURS:
        raise UserError(
            tr(
                "Quiet hours `{raw}` leave {free} of the day for digests; leave at least 2 hours, like `23:00-07:00`.",
                raw=raw,
                free=format_duration(free) if free else tr("no time"),
            )
        )
    return f"{start:%H:%M}-{end:%H:%M}"


def _normalise_language(raw: str) -> str:
    language = language_of(raw)
    if language is None:
        raise UserError(tr("`{raw}` is not a language this bot speaks: use `en` or `zh-CN`.", raw=raw))
    return language


def _normalise_duration(raw: str) -> str:
    return format_duration(parse_duration(raw))


def _normalise_clock_time(raw: str) -> str:
    return f"{parse_clock_time(raw):%H:%M}"


NOTIFY, OFF = "notify", "off"
ALERT_WORDS = {"notify": NOTIFY, "通知": NOTIFY, "提醒": NOTIFY, "off": OFF, "关": OFF, "关闭": OFF, "none": OFF}
ON_WORDS = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}
MAX_HOLD_READINGS = 10
MAX_HOLD = timedelta(hours=6)


def _normalise_alert(raw: str) -> str:
    """What a light does: `notify` (a channel post naming the KPI's owner), `off`, or the severity
    of the escalation it raises."""
    word = raw.strip().lower()
    if word in ALERT_WORDS:
        return ALERT_WORDS[word]
    try:
        return parse_severity(word).value
    except UserError:
        raise UserError(
            tr(
                "`{raw}` is not what a light does: use `notify`, `off`, or a severity (blue, yellow, orange, red).",
                raw=raw,
            )
        ) from None


def _normalise_switch(raw: str) -> str:
    word = raw.strip().lower()
    if word not in ON_WORDS:
        raise UserError(tr("`{raw}` is neither `on` nor `off`.", raw=raw))
    return "on" if ON_WORDS[word] else "off"


@dataclass(frozen=True)
class Hold:
    """How long a new light must last before it acts (`alert.hold`): a number of readings in a row,
    or a time (the light acts once it has lasted that long, with or without a new reading)."""

    readings: int = 1
    time: timedelta | None = None


_HOLD_READINGS = re.compile(r"(\d+)\s*(?:readings?|次读数|次|个读数)?")


def _parse_hold(raw: str) -> Hold:
    text = raw.strip().lower()
    counted = _HOLD_READINGS.fullmatch(text)
    if counted:
        readings = int(counted.group(1))
        if not 1 <= readings <= MAX_HOLD_READINGS:
            raise UserError(
                tr("A light can be held for 1 to {most} readings; `{raw}` is not.", most=MAX_HOLD_READINGS, raw=raw)
            )
        return Hold(readings=readings)
    try:
        held = parse_duration(text)
    except UserError:
        raise UserError(
            tr("`{raw}` is not a hold: give a number of readings, like `2 readings`, or a time, like `15m`.", raw=raw)
        ) from None
    if not timedelta(0) < held <= MAX_HOLD:
        raise UserError(tr("A light can be held for at most {most}.", most=format_duration(MAX_HOLD)))
    return Hold(readings=0, time=held)


def _normalise_hold(raw: str) -> str:
    hold = _parse_hold(raw)
    if hold.time is not None:
        return format_duration(hold.time)
    return "1 reading" if hold.readings == 1 else f"{hold.readings} readings"


def _optional(duration: timedelta | None) -> str:
    return OFF if duration is None else format_duration(duration)


def _normalise_optional_duration(raw: str) -> str:
    word = raw.strip().lower()
    return OFF if ALERT_WORDS.get(word) == OFF else _normalise_duration(raw)


_PLAN_PAIR = re.compile(r"([a-z][a-z0-9_]{0,39})=([a-z][a-z0-9_]{1,39})")


def _normalise_alert_plans(raw: str) -> str:
    """`inventory=stockout,complaints=pr_crisis` (KPI=plan pairs), or `none`. A plan named here that
    does not exist when a light raises an escalation is skipped, and the escalation says so."""
    text = raw.strip().lower().replace("，", ",").replace(" ", "")
    if text in {"none", OFF}:
        return "none"
    pairs = text.split(",")
    if not all(_PLAN_PAIR.fullmatch(pair) for pair in pairs):
        raise UserError(
            tr("`{raw}` is not a KPI-to-plan map: write `kpi=plan` pairs, like `inventory=stockout`.", raw=raw)
        )
    return ",".join(pairs)


@dataclass(frozen=True)
class ConfigKey:
    """A setting: `form` and `help` are English, marked for the catalog; shown through `tr`."""

    name: str
    form: str
    default: str
    help: str
    normalise: Callable[[str], str]


DURATION = N_("<duration>")
ACK_HELP = {
    Severity.RED: N_("time to acknowledge a red escalation"),
    Severity.ORANGE: N_("time to acknowledge an orange escalation"),
    Severity.YELLOW: N_("time to acknowledge a yellow escalation"),
    Severity.BLUE: N_("time to acknowledge a blue escalation"),
}

RESOLVE_HELP = {
    Severity.RED: N_("time to resolve a red escalation before the commander is told"),
    Severity.ORANGE: N_("time to resolve an orange escalation before the commander is told"),
    Severity.YELLOW: N_("time to resolve a yellow escalation before the commander is told"),
    Severity.BLUE: N_("time to resolve a blue escalation before the commander is told"),
}
UPDATE_HELP = {
    Severity.RED: N_("an acknowledged red escalation quiet this long: its owner is asked for an update"),
    Severity.ORANGE: N_("an acknowledged orange escalation quiet this long: its owner is asked for an update"),
    Severity.YELLOW: N_("an acknowledged yellow escalation quiet this long: its owner is asked for an update"),
    Severity.BLUE: N_("an acknowledged blue escalation quiet this long: its owner is asked for an update"),
}
OPTIONAL_DURATION = N_("<duration|off>")

ALERT_FORM = N_("<notify|off|severity>")
DEFAULT_ALERTS = {"yellow": NOTIFY, "red": Severity.ORANGE.value, "purple": Severity.RED.value}
ALERT_HELP = {
    "yellow": N_("what a KPI turning yellow does: notify, off, or the severity of the escalation it raises"),
    "red": N_("what a KPI turning red does: notify, off, or the severity of the escalation it raises"),
    "purple": N_("what a KPI turning purple does: notify, off, or the severity of the escalation it raises"),
}


def _per_severity(
    prefix: str,
    form: str,
    defaults: Mapping[Severity, timedelta | None],
    helps: Mapping[Severity, str],
    normalise: Callable[[str], str],
) -> list[ConfigKey]:
    """`ack.red` … `ack.blue`: a duration per severity (None as a default: `off`)."""
    return [
        ConfigKey(f"{prefix}.{severity}", form, _optional(defaults[severity]), helps[severity], normalise)
        for severity in Severity
    ]


CONFIG_KEYS: dict[str, ConfigKey] = {
    key.name: key
    for key in [
        *_per_severity("ack", DURATION, DEFAULT_ACK_DEADLINES, ACK_HELP, _normalise_duration),
        *_per_severity(
            "resolve", OPTIONAL_DURATION, DEFAULT_RESOLVE_DEADLINES, RESOLVE_HELP, _normalise_optional_duration
        ),
        *_per_severity(
            "update", OPTIONAL_DURATION, DEFAULT_UPDATE_INTERVALS, UPDATE_HELP, _normalise_optional_duration
        ),
        ConfigKey(
            "escalation.repeat",
            "<0-5>",
            "1",
            N_("times the whole response chain is paged again when nobody acknowledges"),
            _normalise_repeat,
        ),
        *(
            ConfigKey(f"alert.{light}", ALERT_FORM, default, ALERT_HELP[light], _normalise_alert)
            for light, default in DEFAULT_ALERTS.items()
        ),
        ConfigKey(
            "alert.plans",
            N_("<kpi=plan,…|none>"),
            DEFAULT_ALERT_PLANS,
            N_("the emergency plan a KPI's light-raised escalation starts"),
            _normalise_alert_plans,
        ),
        ConfigKey(
            "alert.hold",
            N_("<n readings|duration>"),
            "1 reading",
            N_("how long a new light must last before it acts (against flapping)"),
            _normalise_hold,
        ),
        ConfigKey(
            "alert.nodata",
            N_("<duration|off>"),
            "3h",
            N_("during the sale, a KPI with no new reading for this long is announced, and marked stale"),
            _normalise_optional_duration,
        ),
        ConfigKey(
            "alert.autoresolve",
            "<on|off>",
            OFF,
            N_("a light-raised escalation resolves itself when its KPI is green again"),
            _normalise_switch,
        ),
        ConfigKey(
            "alert.forecast",
            "<on|off>",
            OFF,
            N_("a cumulative KPI forecast to land below the red line acts like a red light"),
            _normalise_switch,
        ),
        ConfigKey("lang", "<en|zh-CN>", ENGLISH, N_("the language of the war room's messages"), _normalise_language),
        ConfigKey("retro.time", "<HH:MM>", "21:00", N_("daily retrospective prompt"), _normalise_clock_time),
        ConfigKey(
            "retro.remind",
            DURATION,
            "1h",
            N_("after the prompt, roster members who have not answered get one DM reminder"),
            _normalise_duration,
        ),
        ConfigKey(
            "retro.summary", "<HH:MM>", "09:00", N_("next morning's retrospective summary"), _normalise_clock_time
        ),
        ConfigKey(
            "countdown.time",
            "<HH:MM>",
            "10:00",
            N_("before launch: the daily countdown post, and the time of milestone reminders"),
            _normalise_clock_time,
        ),
        ConfigKey(
            "moment.lead",
            DURATION,
            "15m",
            N_("how long before a key moment the channel is reminded of it"),
            _normalise_duration,
        ),
        ConfigKey("digest.every", "<1h|2h>", "1h", N_("status digest cadence"), _normalise_digest_every),
        ConfigKey(
            "lights",
            N_("<green/yellow/red>"),
            "90/80/60",
            N_("attainment (%) at or above which a KPI is green, yellow, red; below red it is purple"),
            _normalise_lights,
        ),
        ConfigKey(
            "pull.url",
            "<https://…|none>",
            "none",
            N_("fetched before each digest for JSON readings (a BI endpoint)"),
            _normalise_url,
        ),
        ConfigKey("quiet", "<HH:MM-HH:MM>", "none", N_("quiet hours: no digests or reminders"), _normalise_quiet),
        ConfigKey(
            "approval.expires",
            DURATION,
            "24h",
            N_("a budget approval request not decided by then expires"),
            _normalise_duration,
        ),
        ConfigKey(
            "approval.threshold",
            N_("<percent|amount>"),
            "5%",
            N_("what one person may move, add or cut in a day without approval"),
            _normalise_threshold,
        ),
    ]
}


def normalise(key: str, raw: str) -> tuple[str, str]:
    """Validate `raw` for `key`; return the key and the text to store. `UserError` names the right form."""
    spec = CONFIG_KEYS.get(key.strip().lower())
    if spec is None:
        hint = did_you_mean(key, CONFIG_KEYS)
        names = ", ".join(f"`{name}`" for name in CONFIG_KEYS)
        raise UserError(tr("`{key}` is not a setting.{hint} Settings: {names}.", key=key, hint=hint, names=names))
    try:
        return spec.name, spec.normalise(raw)
    except UserError as error:
        form = tr(spec.form)
        raise UserError(error.message, usage=f"/warroom config {spec.name} {form}") from None


def displayed(key: str, value: str) -> str:
    """A setting's value as the bot shows, logs and keeps in the audit trail: a pull source's query
    string (which may hold a token) as `?…`."""
    return shown(value) if key == "pull.url" and value != "none" else value


def current_values(stored: dict[str, Any]) -> list[tuple[str, str]]:
    """Every setting with its value in force (stored, or the default), as shown in `/warroom status`."""
    return [(name, displayed(name, stored.get(name, spec.default))) for name, spec in CONFIG_KEYS.items()]


DIGEST_SCHEDULE_KEYS = {"digest.every", "quiet"}  # changing one moves the next digest slot
RETRO_SCHEDULE_KEYS = {"retro.time"}  # changing it moves the next retrospective prompt
COUNTDOWN_SCHEDULE_KEYS = {"countdown.time"}  # changing it moves the next countdown post
MOMENT_SCHEDULE_KEYS = {"moment.lead"}  # changing it moves the key moments' reminders


def _value(stored: dict[str, Any], key: str) -> str:
    return stored.get(key, CONFIG_KEYS[key].default)


def digest_every(stored: dict[str, Any]) -> timedelta:
    return parse_duration(_value(stored, "digest.every"))


def quiet_hours(stored: dict[str, Any]) -> tuple[time, time] | None:
    raw = _value(stored, "quiet")
    return None if raw == "none" else parse_time_range(raw)


def in_window(moment: time, window: tuple[time, time] | None) -> bool:
    """Whether a local time falls in a window such as the quiet hours (which may span midnight)."""
    if window is None:
        return False
    start, end = window
    return start <= moment < end if start < end else moment >= start or moment < end


def light_thresholds(stored: dict[str, Any]) -> tuple[float, float, float]:
    green, yellow, red = (float(part) for part in _value(stored, "lights").split("/"))
    return green, yellow, red


def approval_expiry(stored: dict[str, Any]) -> timedelta:
    return parse_duration(_value(stored, "approval.expires"))


def approval_threshold(stored: dict[str, Any]) -> tuple[Decimal, bool]:
    """The threshold, and whether it is a percentage of the total (else an amount in yuan)."""
    raw = _value(stored, "approval.threshold")
    return (Decimal(raw[:-1]), True) if raw.endswith("%") else (parse_amount(raw), False)


def pull_url(stored: dict[str, Any]) -> str | None:
    raw = _value(stored, "pull.url")
    return None if raw == "none" else raw


def language(stored: dict[str, Any]) -> str:
    """The campaign's language (`lang`); a campaign started before languages existed speaks English."""
    return _value(stored, "lang")


def ack_deadline(stored: dict[str, Any], severity: Severity) -> timedelta:
    """How long a `severity` escalation may wait for an acknowledgement before the next person is paged."""
    return parse_duration(_value(stored, f"ack.{severity}"))


def escalation_repeats(stored: dict[str, Any]) -> int:
    return int(_value(stored, "escalation.repeat"))


def retro_time(stored: dict[str, Any]) -> time:
    return parse_clock_time(_value(stored, "retro.time"))


def retro_summary_time(stored: dict[str, Any]) -> time:
    return parse_clock_time(_value(stored, "retro.summary"))


def retro_reminder_delay(stored: dict[str, Any]) -> timedelta:
    return parse_duration(_value(stored, "retro.remind"))


def countdown_time(stored: dict[str, Any]) -> time:
    return parse_clock_time(_value(stored, "countdown.time"))


def moment_lead(stored: dict[str, Any]) -> timedelta:
    return parse_duration(_value(stored, "moment.lead"))


def alert_action(stored: dict[str, Any], light: str | None) -> str:
    """What a held `light` does: `notify`, `off`, or a severity; a green light (or none) does nothing."""
    return _value(stored, f"alert.{light}") if light in DEFAULT_ALERTS else OFF


def alert_hold(stored: dict[str, Any]) -> Hold:
    return _parse_hold(_value(stored, "alert.hold"))


def alert_nodata(stored: dict[str, Any]) -> timedelta | None:
    raw = _value(stored, "alert.nodata")
    return None if raw == OFF else parse_duration(raw)


def alert_autoresolve(stored: dict[str, Any]) -> bool:
    return _value(stored, "alert.autoresolve") == "on"


def alert_forecast(stored: dict[str, Any]) -> bool:
    return _value(stored, "alert.forecast") == "on"


def _optional_duration(stored: dict[str, Any], key: str) -> timedelta | None:
    raw = _value(stored, key)
    return None if raw == OFF else parse_duration(raw)


def resolve_deadline(stored: dict[str, Any], severity: Severity) -> timedelta | None:
    """How long a `severity` escalation may stay unresolved before its breach is announced (None: no limit)."""
    return _optional_duration(stored, f"resolve.{severity}")


def update_interval(stored: dict[str, Any], severity: Severity) -> timedelta | None:
    """How long an acknowledged `severity` escalation may go without an update (None: never asked)."""
    return _optional_duration(stored, f"update.{severity}")


def alert_plans(stored: dict[str, Any]) -> dict[str, str]:
    """The plan a light-raised escalation of each KPI starts: `{"inventory": "stockout", …}`."""
    raw = _value(stored, "alert.plans")
    return {} if raw == "none" else dict(pair.split("=", 1) for pair in raw.split(","))
