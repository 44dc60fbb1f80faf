"""Budget messages: the table, change notices, approval requests with their buttons, alerts.

Amounts are exact yuan in English (`¥450,000`); in Chinese, counted in 万 and 亿 where a person
reads an overview (`¥45万`: the table, the burn, alerts), and in 万 in a change notice only when that
is exact (`¥3万`, but `¥12,345.67`). The default categories are shown by their Chinese names in
Chinese (`线上推广`), which are also what people may type (`budget.service.CATEGORY_ALIASES`).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom_bot.budget.service import INITIAL_PLAN, RESERVE_LINE, category_name
from warroom_bot.core.blocks import Message, context, escape, mention, message, section, sentence
from warroom_bot.core.i18n import N_, compact, in_chinese, tr
from warroom_bot.core.ids import ActionId, BlockId
from warroom_bot.models import ApprovalRequest, ApprovalStatus, BudgetLine, Campaign, ChangeKind, LedgerEntry

if TYPE_CHECKING:
    from warroom_bot.budget.views import BudgetBurn

# What a change did, after the person who made it (translated where shown: `tr(VERBS[kind])`).
VERBS = {
    ChangeKind.PLAN: N_("planned the budget"),
    ChangeKind.SPEND: N_("recorded spending"),
    ChangeKind.MOVE: N_("moved"),
    ChangeKind.ADD: N_("added"),
    ChangeKind.CUT: N_("cut"),
    ChangeKind.RESERVE: N_("released reserve"),
}
# What a request asks for (the stored kind, as a word).
KINDS = {
    ChangeKind.PLAN: N_("plan"),
    ChangeKind.SPEND: N_("spend"),
    ChangeKind.MOVE: N_("move"),
    ChangeKind.ADD: N_("add"),
    ChangeKind.CUT: N_("cut"),
    ChangeKind.RESERVE: N_("reserve"),
}
# A request's state once decided, and its status as a word.
DECIDED = {ApprovalStatus.APPROVED: N_("approved by {who}"), ApprovalStatus.REJECTED: N_("rejected by {who}")}
STATUSES = {
    ApprovalStatus.PENDING: N_("pending"),
    ApprovalStatus.APPROVED: N_("approved"),
    ApprovalStatus.REJECTED: N_("rejected"),
    ApprovalStatus.EXPIRED: N_("expired"),
}


def yuan(amount_fen: int) -> str:
    """An exact amount: `¥450,000`, `¥12,345.67` (the same in every language)."""
    whole, cents = divmod(abs(amount_fen), 100)
    sign = "-" if amount_fen < 0 else ""
    return f"{sign}¥{whole:,}" + (f".{cents:02d}" if cents else "")


def _exact_in_wan(amount_fen: int) -> bool:
    """Whether `compact` shows the amount exactly (to 0.1万, or 0.01亿 from one 亿 on)."""
    size = abs(amount_fen)
    if size >= 10_000_000_000:  # 1亿 yuan
        return size % 100_000_000 == 0
    if size >= 1_000_000:  # 1万 yuan
        return size % 100_000 == 0
    return size % 100 == 0


def money(amount_fen: int, *, exact: bool = False) -> str:
    """An amount as people read it: `yuan` in English; in Chinese `¥45万`, `¥1.2亿` (`exact`: only
    where that loses nothing, else `yuan`)."""
    if not in_chinese() or (exact and not _exact_in_wan(amount_fen)):
        return yuan(amount_fen)
    return compact(amount_fen / 100, "¥")


def short(line: BudgetLine, amount: int) -> str:
    available = line.planned - line.spent
    return tr(
        "`{line}` has only {left} left, not {amount}: nothing was changed. "
        "Add `--over` to a spend that must go over plan.",
        line=category_name(line.name),
        left=money(max(available, 0), exact=True),
        amount=money(amount, exact=True),
    )


def _what(kind: str, amount: int, from_line: str | None, to_line: str | None) -> str:
    shown = money(amount, exact=True)
    source = category_name(from_line) if from_line else None
    target = category_name(to_line) if to_line else None
    if kind == ChangeKind.SPEND:
        return tr("{amount} spent on `{line}`", amount=shown, line=source)
    if kind == ChangeKind.PLAN:
        return tr("a total of {amount}", amount=shown)
    if source and target:
        return tr("{amount} from `{source}` to `{target}`", amount=shown, source=source, target=target)
    if source:
        return tr("{amount} from `{source}`", amount=shown, source=source)
    if target:
        return tr("{amount} to `{target}`", amount=shown, target=target)
    return shown


def change_notice(entry: LedgerEntry) -> Message:
    if entry.kind == ChangeKind.PLAN and entry.reason == INITIAL_PLAN:
        reason = " — " + tr(INITIAL_PLAN)
    else:
        reason = f" — {escape(entry.reason)}" if entry.reason else ""
    approved = tr(" (approved by {approver})", approver=mention(entry.approved_by)) if entry.approved_by else ""
    text = tr(
        "Budget: {who} {verb}: {what}{reason}{approved}.",
        who=mention(entry.user_id),
        verb=tr(VERBS[entry.kind]),
        what=_what(entry.kind, entry.amount, entry.from_line, entry.to_line),
        reason=reason,
        approved=approved,
    )
    return message(text, [context(f":moneybag: {text}")])


def _decision(request: ApprovalRequest) -> str:
    """`approved by @fin`, `rejected by @cmd`; the status alone (`expired`) when nobody decided it."""
    if request.decided_by and request.status in DECIDED:
        return tr(DECIDED[ApprovalStatus(request.status)], who=mention(request.decided_by))
    return tr(STATUSES.get(ApprovalStatus(request.status), request.status))


def request_card(request: ApprovalRequest) -> Message:
    """The request as the channel, the approvers and (once decided) the requester see it."""
    what = _what(request.kind, request.amount, request.from_line, request.to_line)
    reason = f"\n>{escape(request.reason)}" if request.reason else ""
    headline = tr(
        "Budget request #{id}: {kind} {what}, asked by {who}",
        id=request.id,
        kind=tr(KINDS[ChangeKind(request.kind)]),
        what=what,
        who=mention(request.requested_by),
    )
    if request.status == ApprovalStatus.PENDING:
        state = tr("waiting for the finance approver or the commander")
    elif request.status == ApprovalStatus.EXPIRED:
        state = tr("expired without a decision; nothing was changed")
    else:
        state = _decision(request)
    blocks: list[dict[str, Any]] = [section(f":ledger: *{headline}*{reason}"), context(sentence(state))]
    if request.status == ApprovalStatus.PENDING:
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.APPROVAL_ACTIONS,
                "elements": [
                    {
                        "type": "button",
                        "action_id": ActionId.APPROVE,
                        "style": "primary",
                        "text": {"type": "plain_text", "text": tr("Approve")},
                        "value": str(request.id),
                    },
                    {
                        "type": "button",
                        "action_id": ActionId.REJECT,
                        "style": "danger",
                        "text": {"type": "plain_text", "text": tr("Reject")},
                        "value": str(request.id),
                    },
                ],
            }
        )
    return message(tr("{headline}: {state}.", headline=headline, state=state), blocks)


def already_decided(request: ApprovalRequest) -> str:
    return tr(
        "Budget request #{id} was already {decision}; nothing was changed.", id=request.id, decision=_decision(request)
    )


def overspend_alert(name: str, lines: list[BudgetLine]) -> Message:
    categories = [line for line in lines if line.name != RESERVE_LINE]
    if name == "total":
        spent, planned = sum(line.spent for line in categories), sum(line.planned for line in categories)
        subject = tr("The total spend")
    else:
        line = next(line for line in categories if line.name == name)
        spent, planned, subject = line.spent, line.planned, f"`{category_name(name)}`"
    over = (spent - planned) / planned * 100 if planned else 100.0
    text = tr(
        "Budget alert: {subject} is {over}% over plan ({spent} spent of {planned}).",
        subject=subject,
        over=f"{over:.1f}",
        spent=money(spent),
        planned=money(planned),
    )
    return message(text, [section(f":warning: {text}")])


def _width(text: str) -> int:
    """Columns `text` takes in a monospaced block: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cut(text: str, width: int) -> str:
    while _width(text) > width:
        text = text[:-1]
    return text


def _left(text: str, width: int) -> str:
    text = _cut(text, width)
    return text + " " * (width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(width - _width(text), 0) + text


# The table's columns: heading, width (in columns of a monospaced font).
COLUMNS = ((N_("category"), 12), (N_("plan"), 14), (N_("spent"), 14), (N_("left"), 14), (N_("used"), 7))


def table(campaign: Campaign, lines: list[BudgetLine], now: datetime) -> Message:
    """Plan, spent, remaining, share used against share of the campaign elapsed, reserve left."""
    (name_heading, name_width), *figures = COLUMNS
    rows = [_left(tr(name_heading), name_width) + "".join(_right(tr(heading), width) for heading, width in figures)]
    for line in lines:
        if line.name == RESERVE_LINE:
            continue
        used = f"{line.spent / line.planned:.0%}" if line.planned else "—"
        values = (money(line.planned), money(line.spent), money(line.planned - line.spent), used)
        rows.append(
            _left(category_name(line.name), name_width)
            + "".join(_right(value, width) for value, (_, width) in zip(values, figures, strict=True))
        )
    reserve = next((line.planned for line in lines if line.name == RESERVE_LINE), 0)
    from warroom_bot.budget.views import burn  # views use the service, which imports this module

    text = burn_line(burn(lines, campaign.elapsed(now)))
    return message(
        text,
        [
            section(tr("*Budget* · {burn}", burn=text)),
            section("```" + "\n".join(rows) + "```"),
            context(tr("Reserve left: {amount}", amount=money(reserve))),
        ],
    )


def burn_figures(burn: BudgetBurn) -> str:
    """`42% of plan used at 50% of the campaign; reserve ¥90,000 left`."""
    return tr(
        "{used} of plan used at {elapsed} of the campaign; reserve {reserve} left",
        used=f"{burn.used:.0%}",
        elapsed=f"{burn.elapsed:.0%}",
        reserve=money(burn.reserve_left),
    )


def burn_line(burn: BudgetBurn) -> str:
    """`budget: 42% of plan used …`, for the budget table, the digest and the retro."""
    return tr("budget: {figures}", figures=burn_figures(burn))
