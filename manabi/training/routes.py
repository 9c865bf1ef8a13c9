"""Approval routes (承認ルート), derived from where the applicant works (seed 000 §4).

Pure: the applicant's unit is given as its chain of organisations from the root of the tree
down to the unit itself, as plain values.

- 市町村立学校: 学校管理職 → 市町村教育委員会 → 研修主催者
- 県立学校 (and national or private schools): 学校管理職 → 研修主催者
- 行政等 units: the board that holds the unit (its 学校管理職 account or a board officer)
- staff assigned to a board or an organiser unit itself: that board
- guests (no unit): straight to the organiser

The organiser's decision (受講決定) ends every route and is not a step here. With the
default ``auto`` route, steps whose organisation contains the organiser are left out: the
organiser's own board (or school) does not approve its own programme a second time, so a
school's programme for its own staff and a municipal board's programme for its own schools
take a shorter route. A programme may fix its route instead (:class:`RouteOverride`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manabi.accounts.roles import Role
from manabi.orgs.models import Founder, OrganisationKind
from manabi.training.choices import RouteOverride, StepKind

BOARD_KINDS = (OrganisationKind.MUNICIPAL_BOARD, OrganisationKind.PREFECTURE_BOARD)

# Roles that may act on a step of each kind, at the step's organisation. Boards hold a
# 学校管理職 account for the staff of their 行政等 units (seed 000 §4), so a board step may be
# approved in either role.
STEP_ROLES: dict[StepKind, frozenset[Role]] = {
    StepKind.SCHOOL_ADMIN: frozenset({Role.SCHOOL_ADMIN}),
    StepKind.BOARD: frozenset({Role.BOARD, Role.SCHOOL_ADMIN}),
}


@dataclass(frozen=True)
class Org:
    """One organisation of the chain, as the route needs it."""

    id: int
    kind: str
    path: str
    founder: str = ""


@dataclass(frozen=True)
class PlannedStep:
    kind: StepKind
    organisation_id: int


def _nearest(chain: Sequence[Org], kinds: Sequence[str]) -> Org | None:
    return next((org for org in reversed(chain) if org.kind in kinds), None)


def full_route(chain: Sequence[Org]) -> list[PlannedStep]:
    """The route for an applicant whose unit is ``chain[-1]`` (``chain``: root first)."""
    if not chain:
        return []
    unit = chain[-1]
    if unit.kind == OrganisationKind.SCHOOL:
        steps = [PlannedStep(StepKind.SCHOOL_ADMIN, unit.id)]
        if unit.founder == Founder.MUNICIPAL:
            board = _nearest(chain[:-1], (OrganisationKind.MUNICIPAL_BOARD,))
            if board is not None:
                steps.append(PlannedStep(StepKind.BOARD, board.id))
        return steps
    board = _nearest(chain, BOARD_KINDS)
    return [PlannedStep(StepKind.BOARD, board.id)] if board is not None else []


def derive_route(
    chain: Sequence[Org], *, organiser_path: str, override: str = RouteOverride.AUTO
) -> list[PlannedStep]:
    """The approval steps for an application, in order (empty: straight to the decision)."""
    steps = full_route(chain)
    if override == RouteOverride.NONE:
        return []
    if override == RouteOverride.SCHOOL_ONLY:
        return steps[:1]
    if override == RouteOverride.FULL:
        return steps
    paths = {org.id: org.path for org in chain}
    return [
        step
        for step in steps
        if not (
            paths.get(step.organisation_id)
            and organiser_path.startswith(paths[step.organisation_id])
        )
    ]


def may_act_on_step(
    *, role: Role | None, organisation_id: int | None, step_kind: str, step_organisation_id: int
) -> bool:
    """Whether someone acting in ``role`` for ``organisation_id`` approves this step."""
    return (
        role is not None
        and organisation_id == step_organisation_id
        and role in STEP_ROLES[StepKind(step_kind)]
    )
