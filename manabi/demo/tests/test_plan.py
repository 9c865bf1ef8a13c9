"""The demo plan is pure: deterministic, and the standard prefecture is part of the large one."""

from __future__ import annotations

import re
from collections import Counter

from manabi.accounts.demo import DEMO_TOTP_SECRET
from manabi.demo.names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES
from manabi.demo.registry import LARGE, STANDARD
from manabi.orgs.demo import organisation_plan, organisation_plan_parts
from manabi.people.demo import staff_plan

HIRAGANA = re.compile(r"[\u3041-\u3096ー ]+")


def test_names_have_hiragana_readings() -> None:
    assert len(FAMILY_NAMES) >= 100
    assert len(MALE_GIVEN_NAMES) >= 100 and len(FEMALE_GIVEN_NAMES) >= 100
    for name in (*FAMILY_NAMES, *MALE_GIVEN_NAMES, *FEMALE_GIVEN_NAMES):
        assert HIRAGANA.fullmatch(name[1]), name


def test_the_plan_is_deterministic() -> None:
    organisation_plan_parts.cache_clear()
    staff_plan.cache_clear()
    first = staff_plan(STANDARD)
    staff_plan.cache_clear()
    organisation_plan_parts.cache_clear()
    assert staff_plan(STANDARD) == first


def test_the_standard_prefecture_is_the_start_of_the_large_one() -> None:
    standard_orgs, large_orgs = organisation_plan(STANDARD), organisation_plan(LARGE)
    assert large_orgs[: len(standard_orgs)] == standard_orgs
    standard_staff, large_staff = staff_plan(STANDARD), staff_plan(LARGE)
    assert large_staff[: len(standard_staff)] == standard_staff
    assert 45_000 <= len(large_staff) <= 55_000
    assert len({p.staff_number for p in large_staff}) == len(large_staff)
    assert len({o.code for o in large_orgs}) == len(large_orgs)
    school_codes = [o.school_code for o in large_orgs if o.school_code]
    assert len(set(school_codes)) == len(school_codes)
    assert len({o.phone for o in large_orgs}) == len(large_orgs)
    known = {o.code for o in large_orgs}
    assert all(a.organisation in known for p in large_staff for a in p.assignments)


def test_names_are_unique_in_the_standard_prefecture() -> None:
    names = [spec.name for spec in organisation_plan(STANDARD)]
    assert len(set(names)) == len(names)


def test_ages_are_spread() -> None:
    years = Counter(p.birth_date.year for p in staff_plan(STANDARD))
    assert min(years) == 1962 and max(years) == 2001
    assert sum(n for y, n in years.items() if y >= 1985) > sum(
        n for y, n in years.items() if 1973 <= y < 1985
    )


def test_the_totp_secret_is_valid_base32() -> None:
    assert re.fullmatch(r"[A-Z2-7]{32}", DEMO_TOTP_SECRET)
