"""A campaign's roster: who holds each role, a primary and an optional backup (the playbooks' "A/B
roles"). Roles are `commander`, `finance`, `tier1`–`tier3` (`models.Role`) and `lead:<department>`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import in_chinese, tr
from warroom_bot.core.parsing import DEPARTMENT_ALIASES, did_you_mean, parse_mention, role_alias
from warroom_bot.models import Department, Role, RoleAssignment

LEAD = "lead:"


def normalise_role(text: str) -> str:
    """`commander`, `finance`, `tier1`–`tier3` or `lead:<department>`; a `UserError` naming the
    closest role (or department) otherwise."""
    role = text.strip().lower()
    roles, departments = [r.value for r in Role], [d.value for d in Department]
    if role in roles:
        return role
    kind, _, department = role.partition(":")
    department = department.replace("-", "_")
    if kind == "lead" and department in departments:
        return Department(department).lead
    listed = "、" if in_chinese() else ", "
    if kind == "lead":
        raise UserError(
            tr(
                "`{text}` names no department.{hint} Departments: {departments}.",
                text=text,
                hint=did_you_mean(department, departments),
                departments=listed.join(departments),
            )
        )
    leads = [d.lead for d in Department]
    raise UserError(
        tr(
            "`{text}` is not a role.{hint} Roles: {roles}, lead:<department>.",
            text=text,
            hint=did_you_mean(role, [*roles, *leads]),
            roles=listed.join(roles),
        )
    )


COMMANDER = Role.COMMANDER.value


def is_role(owner: str) -> bool:
    """Whether an owner (of a KPI, a task) is a role, `commander` or `lead:<department>`, not a person."""
    return owner == COMMANDER or owner.startswith(LEAD)


def normalise_owner(text: str) -> str:
    """A KPI's owner: a person (`<@U123>`, kept as the user id), a department (`supply_chain`,
    `lead:supply_chain`, `供应链`: its lead's role) or `commander`; a `UserError` naming the forms."""
    word = text.strip()
    if word.startswith("<@"):
        return parse_mention(word)
    role = DEPARTMENT_ALIASES.get(word) or role_alias(word).replace("-", "_")
    if role in {d.value for d in Department}:
        role = LEAD + role
    if not is_role(role):
        raise UserError(
            tr(
                "`{text}` is not an owner: name a department (like `supply_chain`), `commander`, or mention a person.",
                text=text,
            )
        )
    return normalise_role(role)


@dataclass(frozen=True)
class Roster:
    """The campaign's role assignments, in role order."""

    assignments: tuple[RoleAssignment, ...]

    @classmethod
    def of(cls, assignments: list[RoleAssignment]) -> Roster:
        return cls(tuple(sorted(assignments, key=lambda a: a.role)))

    def __iter__(self) -> Iterator[RoleAssignment]:
        return iter(self.assignments)

    def __bool__(self) -> bool:
        return bool(self.assignments)

    def holder(self, role: str) -> RoleAssignment | None:
        """Who holds `role`, if anyone."""
        return next((a for a in self.assignments if a.role == role), None)

    def people(self, *roles: str) -> set[str]:
        """The primaries and backups of `roles` (of every role when none is named)."""
        return {
            user
            for a in self.assignments
            if not roles or a.role in roles
            for user in (a.primary_user, a.backup_user)
            if user
        }

    def commanders(self, starter: str) -> list[str]:
        """Who commands: the commander's primary, then backup; whoever started the campaign
        (`starter`) while nobody holds the role."""
        holder = self.holder(COMMANDER)
        if holder is None:
            return [starter]
        return [holder.primary_user, *([holder.backup_user] if holder.backup_user else [])]

    def answering_for(self, role: str | None, starter: str) -> str:
        """Who answers for `role`: its primary, else the first of `commanders` (no role: them too)."""
        holder = self.holder(role) if role else None
        return holder.primary_user if holder is not None else self.commanders(starter)[0]

    def departments(self) -> dict[str, str]:
        """Each member's department (`lead:<department>`, written `supply chain`), else the first
        role they hold."""
        found: dict[str, str] = {}
        for a in sorted(self.assignments, key=lambda a: (not a.role.startswith(LEAD), a.role)):
            for user in (a.primary_user, a.backup_user):
                if user and user not in found:
                    found[user] = a.role.removeprefix(LEAD).replace("_", " ")
        return found
