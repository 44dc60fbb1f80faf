"""Budget messages: the table, change notices, approval requests with their buttons, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom_bot.budget.service import RESERVE_LINE
from warroom_bot.core.blocks import Message, context, escape, mention, message, section, sentence
from warroom_bot.core.ids import ActionId, BlockId
from warroom_bot.models import ApprovalRequest, ApprovalStatus, BudgetLine, Campaign, ChangeKind, LedgerEntry

if TYPE_CHECKING:
    from warroom_bot.budget.views import BudgetBurn

VERBS = {
    ChangeKind.PLAN: "planned the budget",
    ChangeKind.SPEND: "recorded spending",
    ChangeKind.MOVE: "moved",
    ChangeKind.ADD: "added",
    ChangeKind.CUT: "cut",
    ChangeKind.RESERVE: "released reserve",
}


def yuan(amount_fen: int) -> str:
    whole, cents = divmod(abs(amount_fen), 100)
    sign = "-" if amount_fen < 0 else ""
    return f"{sign}¥{whole:,}" + (f".{cents:02d}" if cents else "")


def short(line: BudgetLine, amount: int) -> str:
    available = line.planned - line.spent
    return (
        f"`{line.name}` has only {yuan(max(available, 0))} left, not {yuan(amount)}: nothing was changed. "
        "Add `--over` to a spend that must go over plan."
    )


def _what(kind: str, amount: int, from_line: str | None, to_line: str | None) -> str:
    route = "".join([f" from `{from_line}`" if from_line else "", f" to `{to_line}`" if to_line else ""])
    if kind == ChangeKind.SPEND:
        return f"{yuan(amount)} spent on `{from_line}`"
    if kind == ChangeKind.PLAN:
        return f"a total of {yuan(amount)}"
    return f"{yuan(amount)}{route}"


def change_notice(entry: LedgerEntry) -> Message:
    reason = f" — {escape(entry.reason)}" if entry.reason else ""
    approved = f" (approved by {mention(entry.approved_by)})" if entry.approved_by else ""
    text = (
        f"Budget: {mention(entry.user_id)} {VERBS[entry.kind]}: "
        f"{_what(entry.kind, entry.amount, entry.from_line, entry.to_line)}{reason}{approved}."
    )
    return message(text, [context(f":moneybag: {text}")])


def request_card(request: ApprovalRequest) -> Message:
    """The request as the channel, the approvers and (once decided) the requester see it."""
    what = _what(request.kind, request.amount, request.from_line, request.to_line)
    reason = f"\n>{escape(request.reason)}" if request.reason else ""
    headline = f"Budget request #{request.id}: {request.kind} {what}, asked by {mention(request.requested_by)}"
    if request.status == ApprovalStatus.PENDING:
        state = "waiting for the finance approver or the commander"
    elif request.status == ApprovalStatus.EXPIRED:
        state = "expired without a decision; nothing was changed"
    else:
        state = f"{request.status} by {mention(request.decided_by)}"
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
                        "text": {"type": "plain_text", "text": "Approve"},
                        "value": str(request.id),
                    },
                    {
                        "type": "button",
                        "action_id": ActionId.REJECT,
                        "style": "danger",
                        "text": {"type": "plain_text", "text": "Reject"},
                        "value": str(request.id),
                    },
                ],
            }
        )
    return message(f"{headline}: {state}.", blocks)


def already_decided(request: ApprovalRequest) -> str:
    who = f" by {mention(request.decided_by)}" if request.decided_by else ""
    return f"Budget request #{request.id} was already {request.status}{who}; nothing was changed."


def overspend_alert(name: str, lines: list[BudgetLine]) -> Message:
    categories = [line for line in lines if line.name != RESERVE_LINE]
    if name == "total":
        spent, planned = sum(line.spent for line in categories), sum(line.planned for line in categories)
        subject = "The total spend"
    else:
        line = next(line for line in categories if line.name == name)
        spent, planned, subject = line.spent, line.planned, f"`{name}`"
    over = (spent - planned) / planned * 100 if planned else 100.0
    text = f"Budget alert: {subject} is {over:.1f}% over plan ({yuan(spent)} spent of {yuan(planned)})."
    return message(text, [section(f":warning: {text}")])


def table(campaign: Campaign, lines: list[BudgetLine], now: datetime) -> Message:
    """Plan, spent, remaining, share used against share of the campaign elapsed, reserve left."""
    rows = [f"{'category':<12}{'plan':>14}{'spent':>14}{'left':>14}{'used':>7}"]
    for line in lines:
        if line.name == RESERVE_LINE:
            continue
        used = f"{line.spent / line.planned:.0%}" if line.planned else "—"
        rows.append(
            f"{line.name[:12]:<12}{yuan(line.planned):>14}{yuan(line.spent):>14}"
            f"{yuan(line.planned - line.spent):>14}{used:>7}"
        )
    reserve = next((line.planned for line in lines if line.name == RESERVE_LINE), 0)
    from warroom_bot.budget.views import burn  # views use the service, which imports this module

    text = burn_line(burn(lines, campaign.elapsed(now)))
    return message(
        text,
        [
            section(f"*Budget* · {text}"),
            section("```" + "\n".join(rows) + "```"),
            context(f"Reserve left: {yuan(reserve)}"),
        ],
    )


def burn_figures(burn: BudgetBurn) -> str:
    """`42% of plan used at 50% of the campaign; reserve ¥90,000 left`."""
    return f"{burn.used:.0%} of plan used at {burn.elapsed:.0%} of the campaign; reserve {yuan(burn.reserve_left)} left"


def burn_line(burn: BudgetBurn) -> str:
    """`budget: 42% of plan used …`, for the budget table, the digest and the retro."""
    return f"budget: {burn_figures(burn)}"
