"""The budget: a plan over categories with a reserve, an append-only ledger, and approvals.

Amounts are integer fen. Every balance moves by a conditional update (`… WHERE planned - spent >=
:amount`), so concurrent changes never lose an update and never drive a balance below zero unless
the command says so (`spend … --over`). Each change writes a ledger entry with the balances after
it, in the same transaction.

Changes above `approval.threshold`, and every release of reserve, become an approval request
for the finance approver or the commander; it is applied when approved (with the same checks), or
expires after `approval.expires`. The threshold applies to what one person has changed without
approval that day (the campaign's local day), this change included, so a change split into small
ones still needs approval. Nobody decides their own request: the other approvers do. Spending
records money already gone and needs no approval.
Alerts fire when a change crosses a limit (a category spent more than 3 % over its plan, the total
more than 5 % over), so each crossing is announced once.

The service changes state and says what happened (`Applied`, `Requested`, `Decided`) or why it
refused (a `Refusal` carrying its data); `budget.messages` turns both into Slack text, and the
caller enqueues the messages in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, true, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import config
from warroom_bot.campaigns import service as campaigns
from warroom_bot.core import due
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, in_chinese, tr
from warroom_bot.core.parsing import did_you_mean, parse_amount, parse_percent
from warroom_bot.models import ApprovalRequest, ApprovalStatus, BudgetLine, Campaign, ChangeKind, LedgerEntry, Role

RESERVE_LINE = "reserve"  # the line the reserve is held in (`ChangeKind.RESERVE` releases from it)
DEFAULT_SPLIT = {"online": Decimal(50), "offline": Decimal(30), "materials": Decimal(20)}
DEFAULT_RESERVE = Decimal(10)
# The Chinese names of the default categories and the reserve: typed as aliases of the ASCII keys
# (what is stored, and what scripts type, stays ASCII), and shown for those keys in Chinese.
CATEGORY_ALIASES = {
    **dict.fromkeys(["线上推广", "线上", "線上推廣"], "online"),
    **dict.fromkeys(["线下活动", "线下", "線下活動"], "offline"),
    **dict.fromkeys(["物料"], "materials"),
    **dict.fromkeys(["预留金", "預留金"], RESERVE_LINE),
}
CHINESE_NAMES = {"online": "线上推广", "offline": "线下活动", "materials": "物料", RESERVE_LINE: "预留金"}
INITIAL_PLAN = N_("initial plan")  # the reason a plan is recorded with (stored in English, shown with `tr`)
CATEGORY_OVER = Decimal("1.03")
TOTAL_OVER = Decimal("1.05")


def fen(text: str) -> int:
    return int(parse_amount(text) * 100)


def category_key(text: str) -> str:
    """The key of a category as typed: `Online` → `online`, `线上推广` → `online`."""
    word = text.strip()
    return CATEGORY_ALIASES.get(word, word.lower())


def category_name(key: str) -> str:
    """A category as people read it: its key (`online`); in Chinese, the default ones' names (`线上推广`)."""
    return CHINESE_NAMES.get(key, key) if in_chinese() else key


def category_list(keys: list[str]) -> str:
    """`online, offline, materials`; `线上推广、线下活动、物料`."""
    return ("、" if in_chinese() else ", ").join(category_name(key) for key in keys)


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    amount: int
    from_line: str | None = None
    to_line: str | None = None
    reason: str | None = None
    over: bool = False


# -- what happened -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """A change made: its ledger entry, the lines after it, and the limits it crossed (names, or `total`)."""

    campaign: Campaign
    entry: LedgerEntry
    lines: list[BudgetLine]
    crossed: list[str]


@dataclass(frozen=True)
class Requested:
    """A change waiting for approval, and the approvers (not the requester) who get a copy."""

    campaign: Campaign
    request: ApprovalRequest
    approvers: list[str]


@dataclass(frozen=True)
class Decided:
    """A request approved, rejected or expired; `applied` is the change an approval made."""

    campaign: Campaign
    request: ApprovalRequest
    applied: Applied | None = None


# -- why not: refusals carry data, `budget.messages.explained` words them ------------------------------


class Refusal(UserError):
    """A change refused; the message is a plain fallback, the subclasses carry what it is about."""


class BadPlan(Refusal):
    """`plan` was written wrongly (the command's form belongs beside it)."""


class NoBudget(Refusal):
    def __init__(self) -> None:
        super().__init__(tr("There is no budget yet: plan one first."))


class NotEnoughLeft(Refusal):
    def __init__(self, line: BudgetLine, amount: int) -> None:
        super().__init__(tr("The {category} category has too little left; nothing was changed.", category=line.name))
        self.line, self.amount = line, amount


class AlreadyDecided(Refusal):
    def __init__(self, request: ApprovalRequest) -> None:
        super().__init__(
            tr("Budget request #{id} was already {status}; nothing was changed.", id=request.id, status=request.status)
        )
        self.request = request


class OwnRequest(Refusal):
    """The requester tried to decide their own request; `deciders` are those who may."""

    def __init__(self, deciders: list[str]) -> None:
        super().__init__(tr("You asked for this change, so another approver must decide it."))
        self.deciders = deciders


class NotADecider(Refusal):
    def __init__(self, deciders: list[str]) -> None:
        super().__init__(tr("Only the finance approver or the commander may decide this request."))
        self.deciders = deciders


async def lines_of(session: AsyncSession, campaign_id: int, *, lock: bool = False) -> list[BudgetLine]:
    """The campaign's lines, fresh from the database. `lock` takes their row locks in id order, so
    that two changes touching the same lines in opposite directions queue instead of deadlocking."""
    query = select(BudgetLine).where(BudgetLine.campaign_id == campaign_id).order_by(col(BudgetLine.id))
    if lock:
        query = query.with_for_update()
    return list((await session.exec(query.execution_options(populate_existing=True))).all())


async def plan(session: AsyncSession, *, campaign: Campaign, args: list[str], user_id: str, now: datetime) -> Applied:
    """`<total> [name=share% …] [reserve=10%]`: the categories share what the reserve leaves."""
    if await lines_of(session, stored_id(campaign)):
        raise UserError(tr("The budget is already planned: change it with `move`, `add`, `cut` or `reserve`."))
    await _check_manager(
        session, campaign, user_id, tr("Only the finance approver or the commander may plan the budget.")
    )
    if not args:
        raise BadPlan(tr("`plan` needs a total."))
    total = fen(args[0])
    shares, reserve = {}, DEFAULT_RESERVE
    for word in args[1:]:
        name, equals, share = word.partition("=")
        if not equals or not name:
            raise BadPlan(tr("`{word}` is not a share: write it like `online=50%`.", word=word))
        if category_key(name) == RESERVE_LINE:
            reserve = parse_percent(share)
        else:
            shares[_name(name)] = parse_percent(share)
    shares = shares or DEFAULT_SPLIT
    if sum(shares.values()) != 100:
        raise BadPlan(tr("The category shares add up to {total}%, not 100%.", total=sum(shares.values())))
    held_back = int(total * reserve / 100)
    spendable = total - held_back
    amounts = {name: int(spendable * share / 100) for name, share in shares.items()}
    largest = max(amounts, key=amounts.__getitem__)
    amounts[largest] += spendable - sum(amounts.values())  # rounding goes to the largest category
    session.add_all(
        BudgetLine(campaign_id=stored_id(campaign), name=name, planned=value) for name, value in amounts.items()
    )
    session.add(BudgetLine(campaign_id=stored_id(campaign), name=RESERVE_LINE, planned=held_back))
    await session.flush()
    entry = await _record(session, campaign, Change(ChangeKind.PLAN, total, reason=INITIAL_PLAN), user_id, now, None)
    return Applied(campaign, entry, await lines_of(session, stored_id(campaign)), [])


def _name(text: str) -> str:
    name = category_key(text).replace("-", "_")
    if not name.replace("_", "").isalnum() or len(name) > 32:
        raise UserError(tr("`{text}` is not a category name: letters, digits and `_`.", text=text))
    return name


async def _check_manager(session: AsyncSession, campaign: Campaign, user_id: str, refusal: str) -> None:
    deciders = await approvers(session, campaign)
    if user_id not in deciders | (await campaigns.managers(session, campaign)).user_ids:
        raise UserError(refusal)


async def approvers(session: AsyncSession, campaign: Campaign) -> set[str]:
    """The finance approver and the commander (primary and backup of each)."""
    people = (await campaigns.roster(session, stored_id(campaign))).people(Role.FINANCE, Role.COMMANDER)
    return {user for user in people if user}


PLAN_CHANGES = (
    ChangeKind.MOVE,
    ChangeKind.ADD,
    ChangeKind.CUT,
)  # applied without approval up to the threshold, per person and day


def approval_limit(campaign: Campaign, lines: list[BudgetLine]) -> int:
    """`approval.threshold` in fen: a share of the current total, or an amount."""
    threshold, is_percent = config.approval_threshold(campaign.config)
    total = sum(line.planned for line in lines)
    return int(total * threshold / 100 if is_percent else threshold * 100)


async def changed_today(session: AsyncSession, campaign: Campaign, user_id: str, now: datetime) -> int:
    """What `user_id` moved, added or cut without approval since local midnight, in fen."""
    zone = ZoneInfo(campaign.timezone)
    midnight = datetime.combine(now.astimezone(zone).date(), time(), zone).astimezone(UTC)
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.campaign_id == stored_id(campaign),
        LedgerEntry.user_id == user_id,
        col(LedgerEntry.approved_by).is_(None),
        col(LedgerEntry.kind).in_(PLAN_CHANGES),
        col(LedgerEntry.at) >= midnight,
    )
    return int((await session.exec(query)).one())


async def request(
    session: AsyncSession, *, campaign: Campaign, change: Change, user_id: str, now: datetime
) -> Applied | Requested:
    """Apply a change at once, or ask for approval when it needs one (it is checked either way)."""
    # Locked first, so two changes by one person cannot both pass the day's threshold unseen.
    lines = await lines_of(session, stored_id(campaign), lock=True)
    if not lines:
        raise NoBudget()
    by_name = {line.name: line for line in lines}
    for name in (change.from_line, change.to_line):
        if name is not None and name not in by_name:
            hint = did_you_mean(name, by_name)
            raise UserError(
                tr(
                    "`{name}` is not a budget category.{hint} Categories: {categories}.",
                    name=name,
                    hint=hint,
                    categories=category_list(list(by_name)),
                )
            )
    source = by_name.get(change.from_line or "")
    if source is not None and not change.over and source.planned - source.spent < change.amount:
        raise NotEnoughLeft(source, change.amount)
    if change.kind == ChangeKind.SPEND:
        return await apply(session, campaign=campaign, change=change, user_id=user_id, now=now)
    if change.kind in PLAN_CHANGES:
        today = await changed_today(session, campaign, user_id, now) + change.amount
        if today <= approval_limit(campaign, lines):
            return await apply(session, campaign=campaign, change=change, user_id=user_id, now=now)
    pending = ApprovalRequest(
        campaign_id=stored_id(campaign),
        kind=change.kind,
        amount=change.amount,
        from_line=change.from_line,
        to_line=change.to_line,
        reason=change.reason,
        requested_by=user_id,
        requested_at=now,
        expires_at=now + config.approval_expiry(campaign.config),
    )
    session.add(pending)
    await session.flush()
    return Requested(campaign, pending, sorted(await approvers(session, campaign) - {user_id}))


async def apply(
    session: AsyncSession,
    *,
    campaign: Campaign,
    change: Change,
    user_id: str,
    now: datetime,
    approved_by: str | None = None,
) -> Applied:
    """Move the balances with conditional updates, record the entry, and name any limit crossed."""
    before = _over(await lines_of(session, stored_id(campaign), lock=True))  # names only: the rows are refreshed below
    if change.from_line is not None:
        column = col(BudgetLine.spent) if change.kind == ChangeKind.SPEND else col(BudgetLine.planned)
        delta = change.amount if change.kind == ChangeKind.SPEND else -change.amount
        enough = true() if change.over else col(BudgetLine.planned) - col(BudgetLine.spent) >= change.amount
        moved = await session.exec(
            update(BudgetLine)
            .where(col(BudgetLine.campaign_id) == stored_id(campaign), col(BudgetLine.name) == change.from_line, enough)
            .values({column: column + delta})
        )
        if moved.rowcount != 1:
            line = next(line for line in await lines_of(session, stored_id(campaign)) if line.name == change.from_line)
            raise NotEnoughLeft(line, change.amount)
    if change.to_line is not None:
        await session.exec(
            update(BudgetLine)
            .where(col(BudgetLine.campaign_id) == stored_id(campaign), col(BudgetLine.name) == change.to_line)
            .values(planned=col(BudgetLine.planned) + change.amount)
        )
    entry = await _record(session, campaign, change, user_id, now, approved_by)
    after = await lines_of(session, stored_id(campaign))
    return Applied(campaign, entry, after, sorted(_over(after) - before))


async def _record(
    session: AsyncSession, campaign: Campaign, change: Change, user_id: str, now: datetime, approved_by: str | None
) -> LedgerEntry:
    after = await lines_of(session, stored_id(campaign))
    entry = LedgerEntry(
        campaign_id=stored_id(campaign),
        at=now,
        user_id=user_id,
        kind=change.kind,
        amount=change.amount,
        from_line=change.from_line,
        to_line=change.to_line,
        reason=change.reason,
        approved_by=approved_by,
        balances={line.name: {"planned": line.planned, "spent": line.spent} for line in after},
    )
    session.add(entry)
    await session.flush()
    return entry


def _over(lines: list[BudgetLine]) -> set[str]:
    categories = [line for line in lines if line.name != RESERVE_LINE]
    crossed = {line.name for line in categories if line.spent > line.planned * CATEGORY_OVER}
    if sum(line.spent for line in categories) > sum(line.planned for line in categories) * TOTAL_OVER:
        crossed.add("total")
    return crossed


async def decide(session: AsyncSession, *, request_id: int, user_id: str, approve: bool, now: datetime) -> Decided:
    """Approve (and apply) or reject a pending request; only the finance approver or the commander."""
    pending = await session.get(ApprovalRequest, request_id, with_for_update=True, populate_existing=True)
    if pending is None:
        raise UserError(tr("That request no longer exists."))
    if pending.status != ApprovalStatus.PENDING:
        raise AlreadyDecided(pending)
    campaign = await campaigns.get(session, pending.campaign_id)
    deciders = await approvers(session, campaign) - {pending.requested_by}
    if user_id == pending.requested_by:
        raise OwnRequest(sorted(deciders))
    if user_id not in deciders:
        raise NotADecider(sorted(deciders))
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    await _settle(session, pending, status, now, decided_by=user_id)
    applied = None
    if approve:
        change = Change(pending.kind, pending.amount, pending.from_line, pending.to_line, pending.reason)
        applied = await apply(
            session, campaign=campaign, change=change, user_id=pending.requested_by, now=now, approved_by=user_id
        )
    return Decided(campaign, pending, applied)


async def expire(session: AsyncSession, *, request_id: int, now: datetime) -> Decided | None:
    """Expire a request whose time is up; None when it was decided or is not due after all."""
    pending = await session.get(ApprovalRequest, request_id, populate_existing=True)
    if pending is None or pending.status != ApprovalStatus.PENDING or pending.expires_at > now:
        return None
    try:
        await _settle(session, pending, ApprovalStatus.EXPIRED, now)
    except AlreadyDecided:
        return None  # decided by a tap a moment ago
    return Decided(await campaigns.get(session, pending.campaign_id), pending)


async def due_expiries(session: AsyncSession, now: datetime) -> list[due.Due]:
    query = select(ApprovalRequest.id, ApprovalRequest.expires_at).where(
        ApprovalRequest.status == ApprovalStatus.PENDING, col(ApprovalRequest.expires_at) <= now
    )
    return due.listed((await session.exec(query)).all())


async def _settle(
    session: AsyncSession,
    pending: ApprovalRequest,
    status: ApprovalStatus,
    now: datetime,
    decided_by: str | None = None,
) -> None:
    """Leave `pending` exactly once, whoever (a tap, a second tap, the tick) gets there first."""
    settled = await session.exec(
        update(ApprovalRequest)
        .where(col(ApprovalRequest.id) == pending.id, col(ApprovalRequest.status) == ApprovalStatus.PENDING)
        .values(status=status, decided_by=decided_by, decided_at=now)
    )
    if settled.rowcount != 1:
        await session.refresh(pending)
        raise AlreadyDecided(pending)
    pending.status, pending.decided_by, pending.decided_at = status, decided_by, now


async def ledger(session: AsyncSession, campaign_id: int) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.campaign_id == campaign_id).order_by(col(LedgerEntry.id))
    return list((await session.exec(query)).all())
