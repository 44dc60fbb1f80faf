"""Messages and views about a campaign: announcements, status, help, the start modal."""

from __future__ import annotations

import re
from typing import Any

from warroom_bot.campaigns.config import CONFIG_KEYS, current_values
from warroom_bot.campaigns.roster import LEAD, Roster, is_role
from warroom_bot.core import i18n
from warroom_bot.core.blocks import (
    MAX_SECTION_TEXT,
    Message,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
    text_input,
)
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.ids import ActionId, BlockId, CallbackId, ModalContext
from warroom_bot.models import AuditEntry, Campaign, Department, Phase, Role, RoleAssignment

# The start modal's language select (a block id of its own: older modals have no such block).
LANGUAGE_BLOCK = "language"
LANGUAGE_NAMES = {i18n.ENGLISH: "English", i18n.CHINESE: "简体中文"}  # each in its own language

PHASE_LABELS = {
    Phase.WARMUP: N_("warm-up"),
    Phase.LIVE: N_("live"),
    Phase.EXTENSION: N_("extension"),
    Phase.WRAPUP: N_("wrap-up"),
    Phase.CLOSED: N_("closed"),
}
ROLE_LABELS = {
    Role.COMMANDER: N_("commander"),
    Role.FINANCE: N_("finance"),
    Role.TIER1: N_("tier1"),
    Role.TIER2: N_("tier2"),
    Role.TIER3: N_("tier3"),
}
DEPARTMENT_LABELS = {
    Department.MARKETING: N_("marketing"),
    Department.SALES: N_("sales"),
    Department.SUPPLY_CHAIN: N_("supply_chain"),
    Department.CUSTOMER_SERVICE: N_("customer_service"),
    Department.FINANCE: N_("finance"),
    Department.TECH: N_("tech"),
    Department.LOGISTICS: N_("logistics"),
}


def phase_label(phase: str) -> str:
    """A phase as people write it in a sentence: `warm-up`, `wrap-up` (预热, 收尾)."""
    return tr(PHASE_LABELS[Phase(phase)])


def role_label(role: str) -> str:
    """A role as people read it: the command's word in English (`tier1`, `lead:sales`), 一线 or
    销售负责人 in Chinese. A role this version does not know is shown as stored."""
    if role in ROLE_LABELS:
        return tr(ROLE_LABELS[Role(role)])
    department = role.removeprefix(LEAD)
    if role.startswith(LEAD) and department in DEPARTMENT_LABELS:
        return tr("lead:{department}", department=tr(DEPARTMENT_LABELS[Department(department)]))
    return role


def owner_label(owner: str) -> str:
    """A KPI's owner as people read it: a role (`lead:supply_chain`, 供应链负责人), or a mention."""
    return role_label(owner) if is_role(owner) else mention(owner)


def period(campaign: Campaign) -> str:
    return tr(
        "{starts} – {ends} ({timezone})",
        starts=local_time(campaign.starts_at, campaign.timezone),
        ends=local_time(campaign.ends_at, campaign.timezone),
        timezone=campaign.timezone,
    )


def campaign_started(campaign: Campaign) -> Message:
    name, phase = escape(campaign.name), phase_label(campaign.phase)
    text = tr(
        "Campaign {name} starts in this channel: {period}, now in {phase}.",
        name=name,
        period=period(campaign),
        phase=phase,
    )
    return message(
        text,
        [
            header(tr("War room open: {name}", name=campaign.name)),
            section(
                tr(
                    "*{name}* runs {period}. Phase: *{phase}*.\n"
                    "Commander: {commander} (change with `/warroom role commander @someone`).",
                    name=name,
                    period=period(campaign),
                    phase=phase,
                    commander=mention(campaign.created_by),
                )
            ),
            context(
                tr(
                    "Set the roster with `/warroom role`, see everything with `/warroom status`, "
                    "and `/warroom help` for the rest."
                )
            ),
        ],
    )


def phase_changed(campaign: Campaign, previous: str, user_id: str) -> Message:
    name, phase, was, who = escape(campaign.name), phase_label(campaign.phase), phase_label(previous), mention(user_id)
    text = tr(
        "{name}: phase changed from {previous} to {phase} by {user}.", name=name, previous=was, phase=phase, user=who
    )
    shown = tr(
        "*{name}* is now in *{phase}* (was {previous}), set by {user}.", name=name, phase=phase, previous=was, user=who
    )
    return message(text, [section(f":arrows_counterclockwise: {shown}")])


def role_assigned(assignment: RoleAssignment) -> Message:
    values = {
        "role": role_label(assignment.role),
        "primary": mention(assignment.primary_user),
        "user": mention(assignment.updated_by),
    }
    if assignment.backup_user:
        text = tr(
            "Role {role}: {primary}, backup {backup} (set by {user}).", backup=mention(assignment.backup_user), **values
        )
    else:
        text = tr("Role {role}: {primary} (set by {user}).", **values)
    return message(text, [section(f":bust_in_silhouette: {text}")])


# The subjects the audit trail stores (in English, as the API gives them), as a notice words them.
_SUBJECTS = [
    (re.compile(r"setting (?P<key>.+)"), N_("setting {key}")),
    (re.compile(r"role (?P<role>.+)"), N_("role {role}")),
    (re.compile(r"phase"), N_("phase")),
    (re.compile(r"KPI (?P<kpi>\S+)"), N_("KPI {kpi}")),
    (re.compile(r"the target of (?P<kpi>\S+) for (?P<dimension>.+)"), N_("the target of {kpi} for {dimension}")),
    (re.compile(r"the target of (?P<kpi>\S+)"), N_("the target of {kpi}")),
    (re.compile(r"the hourly curve of (?P<kpi>\S+)"), N_("the hourly curve of {kpi}")),
    (re.compile(r"the owner of (?P<kpi>\S+)"), N_("the owner of {kpi}")),
]


def audit_subject(subject: str) -> str:
    """What an audit entry changed, in the language being written (plain text, not escaped)."""
    for pattern, wording in _SUBJECTS:
        if found := pattern.fullmatch(subject):
            parts = found.groupdict()
            if "role" in parts:
                parts["role"] = role_label(found["role"])
            return tr(wording, **parts)
    return subject


def audit_notice(entry: AuditEntry) -> Message:
    """`@dana changed setting ack.red: 5m → 3m.`"""
    change = (
        f"`{escape(entry.old or '—')}` → `{escape(entry.new or '—')}`"
        if entry.old is not None and entry.new is not None
        else f"`{escape(entry.new or entry.old or '')}`"
    )
    values = {"user": mention(entry.user_id), "subject": escape(audit_subject(entry.subject)), "change": change}
    if entry.new is None:
        text = tr("{user} removed {subject}: {change}.", **values)
    elif entry.old is None:
        text = tr("{user} added {subject}: {change}.", **values)
    else:
        text = tr("{user} changed {subject}: {change}.", **values)
    return message(text, [context(f":memo: {text}")])


def roster_lines(roster: Roster) -> str:
    if not roster:
        return tr("_No roles set yet._")
    lines = []
    for assignment in roster:
        role, primary = role_label(assignment.role), mention(assignment.primary_user)
        if assignment.backup_user:
            lines.append(
                tr(
                    "• *{role}*: {primary} (backup {backup})",
                    role=role,
                    primary=primary,
                    backup=mention(assignment.backup_user),
                )
            )
        else:
            lines.append(tr("• *{role}*: {primary}", role=role, primary=primary))
    return "\n".join(lines)


WARROOM_HELP = N_(
    """\
*/warroom* — the campaign war room
• `/warroom start` — open a campaign in this channel (a form), or in one line:
  `/warroom start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai`
• `/warroom status` — where the campaign stands (only you see it)
• `/warroom phase <warmup|live|extension|wrapup|closed>` — move the campaign on
• `/warroom role <role> @primary [@backup]` — roles: `commander`, `finance`, `tier1`, `tier2`, `tier3`, \
`lead:<department>`
• `/warroom config <key> <value>` — change a setting (listed below); `/warroom config` shows their values
• `/warroom target <kpi> <value> [dimension]` — a KPI's campaign target (a gauge's threshold)
• `/warroom metric <kpi> <value> [dimension]` — a reading: a cumulative KPI's total to date, a gauge's level
• `/warroom kpi add <key> <cumulative|gauge> <higher|lower> ["label"]` · `/warroom kpi remove <key>` \
(its readings are kept) · `/warroom kpi restore <key>`
• `/warroom kpi curve <key> <24 weights, local hours 0–23|linear>` — shape a target to date over the day
• `/warroom kpi owner <key> <department|@person>` — who is paged first when its light turns bad
• `/warroom digest` — post the status digest in the channel now
• `/warroom chart <kpi>` — a chart of the KPI against its target to date, posted in the channel
• `/warroom retro` — write today's retrospective (a form; the evening prompt has a button too)
• `/warroom actions` — open action items from the retros; owners tap Done to close one
• `/warroom report` — the final campaign report, posted in the channel as a Markdown file
• `/warroom plans [key]` — the emergency plans, or one plan's steps
• `/warroom drill <plan>` — rehearse a plan: a DRILL escalation paging the real roster, kept out of the figures
• `/warroom wall` — a secret link to the live war-room wall for the big screen · `/warroom wall revoke`
• `/warroom tasks` — open milestones and tasks, overdue first; tap Done to close one
• `/warroom task add "<title>" <@owner|department> <due>` — due like `T-7` (days before launch), \
`2026-11-03 14:00` or `17:00` · `/warroom task done <id>` · `/warroom task skip <id> <reason>`
• `/warroom task every <HH:MM|hour> "<title>" <@owner|department>` — a task each day (or hour) of the sale \
· `/warroom task stop R<id>`
• `/warroom moment <HH:MM> "<title>" [@owner|department]` — a key moment of each sale day (a flash sale), \
announced beforehand · `/warroom moment stop M<id>`
• `/warroom help` — this list"""
)

ESCALATE_HELP = N_(
    """\
*/escalate* — when something needs a person now
• `/escalate` — a form; or `/escalate <blue|yellow|orange|red> [plan:<key>] <summary>` (also low, medium, \
high, critical); a plan posts its steps in the thread as a checklist
• `/escalate list` — open escalations, unacknowledged first
• `/escalate ack <id>` · `/escalate resolve <id> [note]` — or tap the buttons on the post or the page
• `/escalate update <id> <text>` — an update in its thread (or tap Post an update on the reminder)
• On any message: ⋮ → *Escalate this message* — the form, filled in with the message
• `/escalate help` — this list"""
)

BUDGET_HELP = N_(
    """\
*/budget* — the campaign's money (amounts like `5000`, `5k`, `1.2m`, `¥5,000`, `50万`)
• `/budget` — the table: plan, spent, left and share used per category; reserve left
• `/budget plan <total> [online=50% offline=30% materials=20%] [reserve=10%]` — set the plan
• `/budget spend <category> <amount> [note] [--over]` — record money spent
• `/budget move <amount> <from> <to> [reason]` · `/budget add <amount> <category> [reason]` · \
`/budget cut <amount> <category> [reason]` — change the plan (above `approval.threshold` it waits for approval)
• `/budget reserve <amount> <category> [reason]` — release reserve (always approved by finance or the commander)
• `/budget help` — this list"""
)

SETTINGS_HELP = N_("*Settings* — `/warroom config <key> <value>`:\n{keys}")
HELP = {"/warroom": WARROOM_HELP, "/escalate": ESCALATE_HELP, "/budget": BUDGET_HELP}


def help_message(command: str = "/warroom") -> Message:
    """`/warroom help` lists all three commands; `/escalate help` and `/budget help` their own."""
    keys = "\n".join(
        "    ◦ "
        + tr(
            "`{name} {form}` — {help} (default `{default}`)",
            name=spec.name,
            form=tr(spec.form),
            help=tr(spec.help),
            default=spec.default,
        )
        for spec in CONFIG_KEYS.values()
    )
    if command == "/warroom":
        parts = [tr(WARROOM_HELP), tr(ESCALATE_HELP), tr(BUDGET_HELP), tr(SETTINGS_HELP, keys=keys)]
    else:
        parts = [tr(HELP[command])]
    return message("\n\n".join(parts), [block for part in parts for block in sections(part)])


def sections(text: str) -> list[dict[str, Any]]:
    """Text longer than a section holds (`MAX_SECTION_TEXT`), as several sections split at lines."""
    blocks: list[str] = []
    for line in text.split("\n"):
        if blocks and len(blocks[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return [section(block) for block in blocks]


def settings_message(campaign: Campaign, usage: str) -> Message:
    """`/warroom config`: every setting, its value in force and what it does."""
    lines = [
        tr("*Settings of {name}* — change one with `{usage}`:", name=escape(campaign.name), usage=usage),
        *(
            tr("• `{name}` `{value}` — {help}", name=name, value=escape(value), help=tr(CONFIG_KEYS[name].help))
            for name, value in current_values(campaign.config)
        ),
    ]
    text = "\n".join(lines)
    return message(text, sections(text))


def start_campaign_modal(channel_id: str, language: str = i18n.ENGLISH) -> dict[str, Any]:
    """The start form; its language select starts at `language` (WARROOM_LANG)."""
    options = [{"text": {"type": "plain_text", "text": name}, "value": code} for code, name in LANGUAGE_NAMES.items()]
    initial = next((option for option in options if option["value"] == language), options[0])
    return {
        "type": "modal",
        "callback_id": CallbackId.START_CAMPAIGN,
        "private_metadata": ModalContext(channel_id=channel_id).dump(),
        "title": {"type": "plain_text", "text": tr("Start a campaign")},
        "submit": {"type": "plain_text", "text": tr("Start")},
        "close": {"type": "plain_text", "text": tr("Cancel")},
        "blocks": [
            text_input(BlockId.NAME, tr("Campaign name"), placeholder=tr("Double 11")),
            text_input(BlockId.STARTS, tr("Live from (local time)"), placeholder="2026-11-10T20:00"),
            text_input(BlockId.ENDS, tr("Live until (local time)"), placeholder="2026-11-12T00:00"),
            text_input(BlockId.TIMEZONE, tr("Time zone"), placeholder="Asia/Shanghai", initial="UTC"),
            {
                "type": "input",
                "block_id": LANGUAGE_BLOCK,
                "label": {"type": "plain_text", "text": tr("Language")},
                "hint": {
                    "type": "plain_text",
                    "text": tr("What the war room writes in; change it later with /warroom config lang."),
                },
                "element": {
                    "type": "static_select",
                    "action_id": ActionId.INPUT,
                    "options": options,
                    "initial_option": initial,
                },
            },
        ],
    }
