"""Approval routes, derived from the applicant's unit (seed 000 §4)."""

from __future__ import annotations

from manabi.accounts.roles import Role
from manabi.orgs.models import Founder, OrganisationKind
from manabi.training.choices import RouteOverride, StepKind
from manabi.training.routes import Org, PlannedStep, derive_route, full_route, may_act_on_step

PREF = Org(1, OrganisationKind.PREFECTURE_BOARD, "/1/")
CENTRE = Org(2, OrganisationKind.ORGANIZER_UNIT, "/1/2/")
CITY = Org(3, OrganisationKind.MUNICIPAL_BOARD, "/1/3/")
CITY_SCHOOL = Org(4, OrganisationKind.SCHOOL, "/1/3/4/", Founder.MUNICIPAL)
CITY_ADMIN = Org(5, OrganisationKind.ADMIN_UNIT, "/1/3/5/")
PREF_SCHOOL = Org(6, OrganisationKind.SCHOOL, "/1/6/", Founder.PREFECTURAL)
PREF_ADMIN = Org(7, OrganisationKind.ADMIN_UNIT, "/1/7/")
OTHER_CITY = Org(8, OrganisationKind.MUNICIPAL_BOARD, "/1/8/")
OTHER_SCHOOL = Org(9, OrganisationKind.SCHOOL, "/1/8/9/", Founder.MUNICIPAL)

SCHOOL_STEP = PlannedStep(StepKind.SCHOOL_ADMIN, CITY_SCHOOL.id)
CITY_STEP = PlannedStep(StepKind.BOARD, CITY.id)


def test_municipal_school_goes_principal_then_municipal_board() -> None:
    route = derive_route([PREF, CITY, CITY_SCHOOL], organiser_path=CENTRE.path)
    assert route == [SCHOOL_STEP, CITY_STEP]


def test_prefectural_school_has_no_municipal_step() -> None:
    route = derive_route([PREF, PREF_SCHOOL], organiser_path=CENTRE.path)
    assert route == [PlannedStep(StepKind.SCHOOL_ADMIN, PREF_SCHOOL.id)]


def test_admin_units_go_to_the_board_that_holds_them() -> None:
    assert full_route([PREF, CITY, CITY_ADMIN]) == [CITY_STEP]
    assert full_route([PREF, PREF_ADMIN]) == [PlannedStep(StepKind.BOARD, PREF.id)]


def test_guests_and_empty_chains_go_straight_to_the_organiser() -> None:
    assert derive_route([], organiser_path=CENTRE.path) == []


def test_a_municipal_boards_own_programme_skips_its_own_step() -> None:
    route = derive_route([PREF, CITY, CITY_SCHOOL], organiser_path=CITY.path)
    assert route == [SCHOOL_STEP]
    # …but applicants from another municipality take the whole route.
    other = derive_route([PREF, OTHER_CITY, OTHER_SCHOOL], organiser_path=CITY.path)
    assert other == [
        PlannedStep(StepKind.SCHOOL_ADMIN, OTHER_SCHOOL.id),
        PlannedStep(StepKind.BOARD, OTHER_CITY.id),
    ]


def test_a_schools_own_event_for_its_own_staff_needs_no_approval() -> None:
    assert derive_route([PREF, CITY, CITY_SCHOOL], organiser_path=CITY_SCHOOL.path) == []


def test_a_programme_may_override_the_route() -> None:
    chain = [PREF, CITY, CITY_SCHOOL]
    assert derive_route(chain, organiser_path=CITY.path, override=RouteOverride.FULL) == [
        SCHOOL_STEP,
        CITY_STEP,
    ]
    assert derive_route(chain, organiser_path=CENTRE.path, override=RouteOverride.SCHOOL_ONLY) == [
        SCHOOL_STEP
    ]
    assert derive_route(chain, organiser_path=CENTRE.path, override=RouteOverride.NONE) == []


def test_who_acts_on_a_step() -> None:
    school = {"step_kind": StepKind.SCHOOL_ADMIN, "step_organisation_id": CITY_SCHOOL.id}
    assert may_act_on_step(role=Role.SCHOOL_ADMIN, organisation_id=CITY_SCHOOL.id, **school)
    assert not may_act_on_step(role=Role.STAFF, organisation_id=CITY_SCHOOL.id, **school)
    assert not may_act_on_step(role=Role.SCHOOL_ADMIN, organisation_id=OTHER_SCHOOL.id, **school)
    assert not may_act_on_step(role=Role.BOARD, organisation_id=CITY_SCHOOL.id, **school)
    board = {"step_kind": StepKind.BOARD, "step_organisation_id": CITY.id}
    assert may_act_on_step(role=Role.BOARD, organisation_id=CITY.id, **board)
    # The board's 学校管理職 account (行政等 staff, seed 000 §4).
    assert may_act_on_step(role=Role.SCHOOL_ADMIN, organisation_id=CITY.id, **board)
    assert not may_act_on_step(role=Role.ORGANIZER, organisation_id=CITY.id, **board)
    assert not may_act_on_step(role=Role.SYSTEM_ADMIN, organisation_id=None, **board)
