"""The lottery, the completion rule and the number pattern (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manabi.training.choices import CompletionRule
from manabi.training.completion import evaluate
from manabi.training.lottery import draw
from manabi.training.numbering import DEFAULT_PATTERN, format_number, pattern_problems


@given(st.sets(st.integers(min_value=1, max_value=10_000), max_size=60), st.integers(0, 2**48))
def test_a_draw_is_a_reproducible_permutation(candidates: set[int], seed: int) -> None:
    order = draw(candidates, seed)
    assert sorted(order) == sorted(candidates)
    # The order the candidates come in does not matter; the seed does.
    assert draw(sorted(candidates, reverse=True), seed) == order


def test_known_draw_stays_the_same() -> None:
    """A recorded draw must replay identically on every future version of manabi."""
    assert draw(range(1, 11), 20260401) == draw(list(range(10, 0, -1)), 20260401)
    assert draw(range(1, 11), 20260401) != draw(range(1, 11), 20260402)


S = [(1, Decimal("3")), (2, Decimal("3")), (3, Decimal("2"))]


def test_all_sessions_rule() -> None:
    ok = evaluate(
        rule=CompletionRule.ALL_SESSIONS,
        sessions=S,
        attendance={1: "present", 2: "late", 3: "left_early"},
    )
    assert ok.completed is True
    assert ok.attended_hours == Decimal("8")
    missing = evaluate(rule=CompletionRule.ALL_SESSIONS, sessions=S, attendance={1: "present"})
    assert missing.completed is None and "未入力" in missing.reason
    absent = evaluate(
        rule=CompletionRule.ALL_SESSIONS, sessions=S, attendance={1: "present", 2: "absent"}
    )
    assert absent.completed is False


def test_min_hours_rule() -> None:
    rule = CompletionRule.MIN_HOURS
    enough = evaluate(
        rule=rule,
        sessions=S,
        attendance={1: "present", 2: "present", 3: "absent"},
        min_hours=Decimal("6"),
    )
    assert enough.completed is True
    short = evaluate(
        rule=rule,
        sessions=S,
        attendance={1: "present", 2: "absent", 3: "present"},
        min_hours=Decimal("6"),
    )
    assert short.completed is False and "5 時間" in short.reason
    waiting = evaluate(rule=rule, sessions=S, attendance={1: "present"}, min_hours=Decimal("6"))
    assert waiting.completed is None


def test_survey_condition_and_manual_rule() -> None:
    all_there = {1: "present", 2: "present", 3: "present"}
    before = evaluate(
        rule=CompletionRule.ALL_SESSIONS, sessions=S, attendance=all_there, survey_required=True
    )
    assert before.completed is None and "アンケート" in before.reason
    after = evaluate(
        rule=CompletionRule.ALL_SESSIONS,
        sessions=S,
        attendance=all_there,
        survey_required=True,
        survey_answered=True,
    )
    assert after.completed is True
    assert evaluate(rule=CompletionRule.MANUAL, sessions=S, attendance=all_there).completed is None


def test_default_number_pattern() -> None:
    assert (
        format_number(
            DEFAULT_PATTERN, fiscal_year=2025, local_code="30", category_code="9", serial=1
        )
        == "2025309001"
    )
    assert pattern_problems(DEFAULT_PATTERN) == []
    assert (
        format_number(
            "R{era_year:02d}-{local_code}-{serial:04d}",
            fiscal_year=2025,
            local_code="01",
            category_code="1",
            serial=12,
        )
        == "R07-01-0012"
    )


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{fiscal_year}{local_code}", "{serial}"),
        ("{fiscal_year}{school}{serial}", "school"),
        ("{serial:03d", "書式"),
        ("{serial:s}", "番号を作れません"),
        ("{fiscal_year}" * 10 + "{serial}", "30 文字"),
    ],
)
def test_bad_patterns_are_refused(pattern: str, problem: str) -> None:
    assert any(problem in p for p in pattern_problems(pattern))
