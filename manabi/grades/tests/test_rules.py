"""The rules from scores to 観点別学習状況 to 評定: worked tables by method, and properties.

The expected 評定 in the tables are written out by hand from the cut-offs of the shipped rules
(5段階: 合計 9→5, 7〜8→4, 5〜6→3, 4→2, 3→1; 3段階: 8〜9→3, 5〜7→2, 3〜4→1), so that a change in
the rules or in the shipped data shows up as a changed number here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.grades.rules import (
    ALL_COMBOS,
    DEFAULT_REEXAMINE,
    RULES_VERSION,
    VIEWPOINTS,
    Combo,
    ItemScore,
    Mark,
    Method,
    RatingOutcome,
    Rule,
    RuleError,
    Scale,
    Viewpoint,
    parse_combo,
    parse_rule,
    percent_label,
    rating_from_scores,
    rating_of,
    rule_as_data,
    scale_for,
    shipped_rules,
    viewpoint_from_scores,
    weighted_percent,
)

fast = settings(database=None, deadline=None, max_examples=200)

K, T, A = Viewpoint.KNOWLEDGE, Viewpoint.THINKING, Viewpoint.ATTITUDE
STANDARD = "(規則: manabi 標準 令和7年度 v1)"
AAC_WARNING = (
    "観点 A・A・C は A と C が混在しています。評価の場面や方法が適切だったか、見直してください"
    " (国立教育政策研究所「『指導と評価の一体化』のための学習評価に関する参考資料」)。"
)


def marks(text: str) -> dict[Viewpoint, Mark | None]:
    """ "AAB" → the marks of 知識・技能, 思考・判断・表現, 態度; "-" for a missing one."""
    return {vp: None if m == "-" else cast(Mark, m) for vp, m in zip(VIEWPOINTS, text, strict=True)}


def combo(text: str) -> Combo:
    return cast(Combo, tuple(text))


def label(text: str) -> str:
    return "・".join(text)


def rule(key: str) -> Rule:
    return shipped_rules()[key]


def rule_data(key: str) -> dict[str, object]:
    return rule_as_data(rule(key))


def school_rule(**changes: object) -> dict[str, object]:
    """A school's own version of the standard point-sum rule."""
    data = rule_data("standard_point_sum")
    data.update(key="chuo", name="中央中 評定", owner="みらい市立中央中学校", version=2)
    data.update(changes)
    return data


def item(
    score: str | None,
    max_score: str = "100",
    weight: str = "1",
    *,
    name: str = "小テスト",
    viewpoint: Viewpoint = K,
    excused: bool = False,
) -> ItemScore:
    return ItemScore(
        name=name,
        viewpoint=viewpoint,
        score=None if score is None else Decimal(score),
        max_score=Decimal(max_score),
        weight=Decimal(weight),
        excused=excused,
    )


def test_rules_version_is_named() -> None:
    assert RULES_VERSION == "2026.1"


# --- scales ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "grade", "expected"),
    [
        ("elementary", 1, Scale.NONE),
        ("elementary", 2, Scale.NONE),
        ("elementary", 3, Scale.THREE),
        ("elementary", 4, Scale.THREE),
        ("elementary", 5, Scale.THREE),
        ("elementary", 6, Scale.THREE),
        ("junior_high", 1, Scale.FIVE),
        ("junior_high", 2, Scale.FIVE),
        ("junior_high", 3, Scale.FIVE),
        ("compulsory", 2, Scale.NONE),
        ("compulsory", 6, Scale.THREE),
        ("compulsory", 7, Scale.FIVE),
        ("compulsory", 9, Scale.FIVE),
        ("high", 1, Scale.FIVE),
        ("high", 4, Scale.FIVE),
    ],
)
def test_scale_for(level: str, grade: int, expected: Scale) -> None:
    assert scale_for(level, grade) is expected


@pytest.mark.parametrize(
    ("level", "grade", "message"),
    [
        ("elementary", 0, "小学校の学年は 1〜6 です (「0」が渡されました)。"),
        ("elementary", 7, "小学校の学年は 1〜6 です (「7」が渡されました)。"),
        ("junior_high", 4, "中学校の学年は 1〜3 です (「4」が渡されました)。"),
        ("junior_high", True, "中学校の学年は 1〜3 です (「True」が渡されました)。"),
        ("compulsory", 10, "義務教育学校の学年は 1〜9 です (「10」が渡されました)。"),
        ("high", 5, "高等学校の学年は 1〜4 です (「5」が渡されました)。"),
        ("kindergarten", 1, "学校種「kindergarten」の評定の段階はありません。"),
    ],
)
def test_scale_for_rejects(level: str, grade: int, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        scale_for(level, grade)


def test_labels() -> None:
    assert [vp.label() for vp in VIEWPOINTS] == [
        "知識・技能",
        "思考・判断・表現",
        "主体的に学習に取り組む態度",
    ]
    assert [s.label() for s in Scale] == ["5段階", "3段階", "評定なし"]
    assert (Scale.FIVE.top(), Scale.THREE.top(), Scale.NONE.top()) == (5, 3, None)
    assert Method.PATTERN.label() == "組合せ表"


@pytest.mark.parametrize(
    ("fiscal_year", "version", "expected"),
    [
        (2025, 2, "みらい市立中央中学校 令和7年度 v2"),
        (2019, 1, "みらい市立中央中学校 令和元年度 v1"),
        (2018, 3, "みらい市立中央中学校 平成30年度 v3"),
    ],
)
def test_rule_label(fiscal_year: int, version: int, expected: str) -> None:
    parsed = parse_rule(school_rule(fiscal_year=fiscal_year, version=version))
    assert parsed.label() == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        ("78", "78%"),
        ("78.0", "78%"),
        ("78.5", "79%"),
        ("79.49", "79%"),
        ("2.5", "3%"),
        ("0", "0%"),
        ("100", "100%"),
        ("66.66666666666666666666666667", "67%"),
    ],
)
def test_percent_label_rounds_half_up(percent: str, expected: str) -> None:
    assert percent_label(Decimal(percent)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A・A・B", "AAB"),
        ("AAB", "AAB"),
        ("a, a, b", "AAB"),
        ("Ａ・Ｃ・Ｂ", "ACB"),
        ("A・D・C", None),
    ],
)
def test_parse_combo(text: str, expected: str | None) -> None:
    assert parse_combo(text) == (None if expected is None else combo(expected))


# --- point sum ------------------------------------------------------------------------------

# combination, 合計, 評定 (5段階), 評定 (3段階)
POINT_SUM_TABLE = [
    ("AAA", 9, 5, 3),
    ("AAB", 8, 4, 3),
    ("AAC", 7, 4, 2),
    ("ABA", 8, 4, 3),
    ("ABB", 7, 4, 2),
    ("ABC", 6, 3, 2),
    ("ACA", 7, 4, 2),
    ("ACB", 6, 3, 2),
    ("ACC", 5, 3, 2),
    ("BAA", 8, 4, 3),
    ("BAB", 7, 4, 2),
    ("BAC", 6, 3, 2),
    ("BBA", 7, 4, 2),
    ("BBB", 6, 3, 2),
    ("BBC", 5, 3, 2),
    ("BCA", 6, 3, 2),
    ("BCB", 5, 3, 2),
    ("BCC", 4, 2, 1),
    ("CAA", 7, 4, 2),
    ("CAB", 6, 3, 2),
    ("CAC", 5, 3, 2),
    ("CBA", 6, 3, 2),
    ("CBB", 5, 3, 2),
    ("CBC", 4, 2, 1),
    ("CCA", 5, 3, 2),
    ("CCB", 4, 2, 1),
    ("CCC", 3, 1, 1),
]
POINT_SUM_CASES = [
    pytest.param(text, scale, total, value, id=f"{text}-{scale}")
    for text, total, five, three in POINT_SUM_TABLE
    for scale, value in ((Scale.FIVE, five), (Scale.THREE, three))
]


@pytest.mark.parametrize(("text", "scale", "total", "value"), POINT_SUM_CASES)
def test_point_sum(text: str, scale: Scale, total: int, value: int) -> None:
    outcome = rating_of(marks(text), rule("standard_point_sum"), scale)
    assert outcome.value == value
    assert outcome.explanation == f"観点 {label(text)} → 合計 {total} → 評定 {value} {STANDARD}"


def test_point_sum_explanation_names_the_school_rule() -> None:
    chuo = parse_rule(school_rule())
    outcome = rating_of(marks("BAB"), chuo, Scale.FIVE)
    assert outcome == RatingOutcome(
        4, "観点 B・A・B → 合計 7 → 評定 4 (規則: みらい市立中央中学校 令和7年度 v2)", ()
    )
    assert rating_of(marks("CCC"), chuo, Scale.THREE).explanation == (
        "観点 C・C・C → 合計 3 → 評定 1 (規則: みらい市立中央中学校 令和7年度 v2)"
    )


def test_point_sum_with_other_points_and_cutoffs() -> None:
    # A=4, B=2, C=0: 合計 0〜12; 5段階 11〜→5, 8〜→4, 4〜→3, 2〜→2, 0〜→1.
    weighted = parse_rule(
        school_rule(
            points={"A": 4, "B": 2, "C": 0},
            sum_cutoffs={"five": {"5": 11, "4": 8, "3": 4, "2": 2, "1": 0}},
        )
    )
    assert rating_of(marks("AAB"), weighted, Scale.FIVE).value == 4  # 10
    assert rating_of(marks("AAA"), weighted, Scale.FIVE).value == 5  # 12
    assert rating_of(marks("BCC"), weighted, Scale.FIVE).value == 2  # 2
    assert rating_of(marks("BBC"), weighted, Scale.FIVE).value == 3  # 4
    assert rating_of(marks("CCC"), weighted, Scale.FIVE).explanation.startswith(
        "観点 C・C・C → 合計 0 → 評定 1 "
    )


# --- pattern table --------------------------------------------------------------------------

PATTERN_CASES = [
    pytest.param(text, scale, value, id=f"{text}-{scale}")
    for text, _total, five, three in POINT_SUM_TABLE
    for scale, value in ((Scale.FIVE, five), (Scale.THREE, three))
]


@pytest.mark.parametrize(("text", "scale", "value"), PATTERN_CASES)
def test_standard_pattern_table(text: str, scale: Scale, value: int) -> None:
    outcome = rating_of(marks(text), rule("standard_pattern"), scale)
    assert outcome.value == value
    assert outcome.explanation == f"観点 {label(text)} → 組合せ表 → 評定 {value} {STANDARD}"


def standard_five_table() -> dict[str, int]:
    patterns = cast(Mapping[str, Mapping[str, int]], rule_data("standard_pattern")["patterns"])
    return dict(patterns["five"])


def strict_table() -> dict[str, int]:
    """A school's 5段階 table: A and C together never give 4."""
    table = standard_five_table()
    table.update({"A・A・C": 3, "A・C・A": 3, "C・A・A": 3})
    return table


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("AAC", 3),
        ("ACA", 3),
        ("CAA", 3),
        ("AAB", 4),
        ("ABB", 4),
        ("AAA", 5),
        ("BBB", 3),
        ("CCC", 1),
        ("BCC", 2),
    ],
)
def test_school_pattern_table(text: str, value: int) -> None:
    strict = parse_rule(
        school_rule(method="pattern", patterns={"five": strict_table()}, sum_cutoffs={})
    )
    outcome = rating_of(marks(text), strict, Scale.FIVE)
    assert outcome.value == value
    assert outcome.explanation == (
        f"観点 {label(text)} → 組合せ表 → 評定 {value} (規則: みらい市立中央中学校 令和7年度 v2)"
    )


def test_standard_pattern_table_agrees_with_point_sum() -> None:
    for scale in (Scale.FIVE, Scale.THREE):
        for c in ALL_COMBOS:
            by_sum = rating_of(
                dict(zip(VIEWPOINTS, c, strict=True)), rule("standard_point_sum"), scale
            )
            by_table = rating_of(
                dict(zip(VIEWPOINTS, c, strict=True)), rule("standard_pattern"), scale
            )
            assert by_sum.value == by_table.value, c


# --- average --------------------------------------------------------------------------------

# weighted average of all scores, shown as, 評定 (5段階), 評定 (3段階)
AVERAGE_TABLE = [
    ("100", "100%", 5, 3),
    ("90", "90%", 5, 3),
    ("89.99", "90%", 4, 3),
    ("89.5", "90%", 4, 3),
    ("89.49", "89%", 4, 3),
    ("80", "80%", 4, 3),
    ("79.99", "80%", 4, 2),
    ("79.5", "80%", 4, 2),
    ("75", "75%", 4, 2),
    ("74.99", "75%", 3, 2),
    ("74.5", "75%", 3, 2),
    ("60", "60%", 3, 2),
    ("50", "50%", 3, 2),
    ("49.99", "50%", 2, 1),
    ("49.5", "50%", 2, 1),
    ("30", "30%", 2, 1),
    ("29.99", "30%", 1, 1),
    ("10", "10%", 1, 1),
    ("0", "0%", 1, 1),
]
AVERAGE_CASES = [
    pytest.param(percent, shown, scale, value, id=f"{percent}-{scale}")
    for percent, shown, five, three in AVERAGE_TABLE
    for scale, value in ((Scale.FIVE, five), (Scale.THREE, three))
]


@pytest.mark.parametrize(("percent", "shown", "scale", "value"), AVERAGE_CASES)
def test_average(percent: str, shown: str, scale: Scale, value: int) -> None:
    outcome = rating_of(
        marks("BBB"), rule("standard_average"), scale, average_percent=Decimal(percent)
    )
    assert outcome.value == value
    assert outcome.explanation == f"素点平均 {shown} → 評定 {value} {STANDARD}"
    assert outcome.warnings == ()


def test_average_without_scores_gives_no_rating() -> None:
    outcome = rating_of(marks("BBB"), rule("standard_average"), Scale.FIVE)
    assert outcome.value is None
    assert outcome.explanation == "素点がないため、評定を付けられません。"


def test_average_from_scores_weights_all_items() -> None:
    scores = [
        item("90", viewpoint=K, name="定期テスト"),
        item("30", "50", viewpoint=T, name="レポート"),  # 60%
        item("8", "10", "2", viewpoint=A, name="振り返り"),  # 80% × 2
    ]
    # (0.9 + 0.6 + 1.6) / 4 = 77.5% → 4 (5段階)
    assert weighted_percent(scores) == Decimal("77.5")
    outcomes, rating = rating_from_scores(scores, rule("standard_average"), Scale.FIVE)
    assert [outcomes[vp].mark for vp in VIEWPOINTS] == ["A", "B", "A"]
    assert rating.value == 4
    assert rating.explanation == f"素点平均 78% → 評定 4 {STANDARD}"


# --- no rating, missing marks ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["standard_point_sum", "standard_pattern", "standard_average"])
def test_lower_elementary_has_no_rating(key: str) -> None:
    outcome = rating_of(marks("AAA"), rule(key), Scale.NONE, average_percent=Decimal(95))
    assert outcome.value is None
    assert outcome.explanation == "小学校第1・2学年は評定を行いません。"
    assert outcome.warnings == ()


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("-AA", "「知識・技能」の評価がないため、評定を付けられません。"),
        ("A-A", "「思考・判断・表現」の評価がないため、評定を付けられません。"),
        (
            "A--",
            "「思考・判断・表現」「主体的に学習に取り組む態度」の評価がないため、評定を付けられません。",
        ),
    ],
)
def test_missing_mark_gives_no_rating(text: str, explanation: str) -> None:
    outcome = rating_of(marks(text), rule("standard_point_sum"), Scale.FIVE)
    assert (outcome.value, outcome.explanation) == (None, explanation)
    assert rating_of({K: "A"}, rule("standard_point_sum"), Scale.THREE).value is None


def test_bad_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="A・B・C のいずれか"):
        rating_of({K: "A", T: "D", A: "B"}, rule("standard_point_sum"), Scale.FIVE)  # type: ignore[dict-item]


def test_rule_without_the_scale() -> None:
    data = school_rule(sum_cutoffs={"five": {"5": 9, "4": 7, "3": 5, "2": 4, "1": 3}})
    outcome = rating_of(marks("AAA"), parse_rule(data), Scale.THREE)
    assert outcome.value is None
    assert outcome.explanation == (
        "規則「みらい市立中央中学校 令和7年度 v2」には 3段階 の基準がないため、評定を付けられません。"
    )
    assert outcome.warnings


# --- warnings -------------------------------------------------------------------------------


def test_a_and_c_together_is_to_be_re_examined() -> None:
    outcome = rating_of(marks("AAC"), rule("standard_point_sum"), Scale.FIVE)
    assert outcome.value == 4
    assert outcome.warnings == (AAC_WARNING,)
    assert rating_of(marks("BBB"), rule("standard_point_sum"), Scale.FIVE).warnings == ()
    assert rating_of(marks("ABB"), rule("standard_point_sum"), Scale.FIVE).warnings == ()
    assert len(rating_of(marks("CCA"), rule("standard_point_sum"), Scale.THREE).warnings) == 1


def test_default_reexamine_is_every_combination_with_a_and_c() -> None:
    assert len(DEFAULT_REEXAMINE) == 27 - 2**3 - 2**3 + 1  # neither-A + neither-C − BBB
    assert combo("ACB") in DEFAULT_REEXAMINE
    assert combo("ABB") not in DEFAULT_REEXAMINE


def test_rule_chooses_what_to_re_examine() -> None:
    custom = parse_rule(school_rule(reexamine=["C・C・C"]))
    assert rating_of(marks("AAC"), custom, Scale.FIVE).warnings == ()
    assert rating_of(marks("CCC"), custom, Scale.FIVE).warnings == (
        "観点 C・C・C は規則で見直すことになっている組合せです。評価を見直してください。",
    )
    quiet = parse_rule(school_rule(reexamine=[]))
    assert rating_of(marks("CAC"), quiet, Scale.FIVE).warnings == ()


def generous_table() -> dict[str, int]:
    table = standard_five_table()
    table.update({"A・A・B": 5, "A・A・C": 5})
    return table


def test_top_rating_with_a_c_is_warned() -> None:
    generous = parse_rule(
        school_rule(method="pattern", patterns={"five": generous_table()}, sum_cutoffs={})
    )
    outcome = rating_of(marks("AAC"), generous, Scale.FIVE)
    assert outcome.value == 5
    assert outcome.warnings == (
        AAC_WARNING,
        "評定 5 ですが、C の観点があります。評定を確かめてください。",
    )


def test_c_blocks_top() -> None:
    blocked = parse_rule(
        school_rule(
            method="pattern", patterns={"five": generous_table()}, sum_cutoffs={}, c_blocks_top=True
        )
    )
    outcome = rating_of(marks("AAC"), blocked, Scale.FIVE)
    assert outcome.value == 4
    assert outcome.explanation == (
        "観点 A・A・C → 組合せ表 → 評定 5 → C があるため評定 4"
        " (規則: みらい市立中央中学校 令和7年度 v2)"
    )
    assert outcome.warnings == (AAC_WARNING,)
    assert rating_of(marks("AAB"), blocked, Scale.FIVE).value == 5


def test_c_blocks_top_with_average() -> None:
    data = rule_data("standard_average")
    data.update(c_blocks_top=True)
    blocked = parse_rule(data)
    outcome = rating_of(marks("BCB"), blocked, Scale.THREE, average_percent=Decimal("85"))
    assert outcome.value == 2
    assert outcome.explanation == f"素点平均 85% → 評定 3 → C があるため評定 2 {STANDARD}"
    assert outcome.warnings == ()
    unblocked = rating_of(
        marks("BCB"), rule("standard_average"), Scale.THREE, average_percent=Decimal("85")
    )
    assert unblocked.value == 3
    assert unblocked.warnings == ("評定 3 ですが、C の観点があります。評定を確かめてください。",)


def test_lowest_rating_with_an_a_is_warned() -> None:
    outcome = rating_of(
        marks("ACC"), rule("standard_average"), Scale.FIVE, average_percent=Decimal("20")
    )
    assert outcome.value == 1
    assert outcome.warnings[-1] == "評定 1 ですが、A の観点があります。評定を確かめてください。"
    assert len(outcome.warnings) == 2  # and A・C・C is re-examined


# --- 観点 from scores -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "mark", "percent", "explanation"),
    [
        pytest.param(
            [item("80")],
            "A",
            "80",
            "素点平均 80% → A (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 80%",
            id="exactly-at-A",
        ),
        pytest.param(
            [item("79.5")],
            "B",
            "79.5",
            "素点平均 80% → B (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 80%",
            id="79.5-shows-80-but-is-B",
        ),
        pytest.param(
            [item("50")],
            "B",
            "50",
            "素点平均 50% → B (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 50%",
            id="exactly-at-B",
        ),
        pytest.param(
            [item("49.9")],
            "C",
            "49.9",
            "素点平均 50% → C (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 50%",
            id="just-below-B",
        ),
        pytest.param(
            [item("90", name="単元テスト"), item("60", weight="2", name="レポート")],
            "B",
            "70",
            "素点平均 70% → B (A は 80% 以上, B は 50% 以上)。"
            "内訳: 単元テスト 90% (重み 1), レポート 60% (重み 2)",
            id="weights",
        ),
        pytest.param(
            [item("8", "10", name="小テスト1"), item("40", "50", name="小テスト2")],
            "A",
            "80",
            "素点平均 80% → A (A は 80% 以上, B は 50% 以上)。内訳: 小テスト1 80%, 小テスト2 80%",
            id="different-max",
        ),
        pytest.param(
            [item("90"), item("0", excused=True), item(None)],
            "A",
            "90",
            "素点平均 90% → A (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 90%、未入力 1 件、対象外 1 件",
            id="excused-and-missing-left-out",
        ),
        pytest.param(
            [item("2", "3"), item("1", "3"), item("3", "3"), item("2", "3")],
            "B",
            "66.66666666666666666666666667",
            "素点平均 67% → B (A は 80% 以上, B は 50% 以上)。素点 4 件",
            id="more-than-three-items",
        ),
        pytest.param(
            [item("1", "3"), item("1", "3"), item("1", "3"), item("10", "10")],
            "B",
            "50",
            "素点平均 50% → B (A は 80% 以上, B は 50% 以上)。素点 4 件",
            id="thirds-add-up-to-exactly-B",
        ),
        pytest.param(
            [item("1", "3"), item("1", "3"), item("1", "3"), item("3", "3")],
            "B",
            "50",
            "素点平均 50% → B (A は 80% 以上, B は 50% 以上)。素点 4 件",
            id="thirds-same-max",
        ),
        pytest.param(
            [item("100", viewpoint=T), item("40")],
            "C",
            "40",
            "素点平均 40% → C (A は 80% 以上, B は 50% 以上)。内訳: 小テスト 40%",
            id="other-viewpoints-left-out",
        ),
        pytest.param(
            [item("100", weight="0"), item("45", weight="0.5")],
            "C",
            "45",
            "素点平均 45% → C (A は 80% 以上, B は 50% 以上)。"
            "内訳: 小テスト 100% (重み 0), 小テスト 45% (重み 0.5)",
            id="zero-weight",
        ),
    ],
)
def test_viewpoint_from_scores(
    scores: list[ItemScore], mark: str, percent: str, explanation: str
) -> None:
    outcome = viewpoint_from_scores(scores, K, rule("standard_point_sum"))
    assert outcome.viewpoint is K
    assert outcome.mark == mark
    assert outcome.percent == Decimal(percent)
    assert outcome.explanation == explanation


@pytest.mark.parametrize(
    ("scores", "explanation"),
    [
        ([], "素点がありません。"),
        ([item("100", viewpoint=A)], "素点がありません。"),
        ([item(None), item(None)], "素点がありません (未入力 2 件)。"),
        ([item("50", excused=True), item(None)], "素点がありません (未入力 1 件、対象外 1 件)。"),
        ([item("50", weight="0")], "素点がありません (重みがすべて 0 の素点 1 件)。"),
    ],
)
def test_viewpoint_without_scores(scores: list[ItemScore], explanation: str) -> None:
    outcome = viewpoint_from_scores(scores, K, rule("standard_point_sum"))
    assert (outcome.mark, outcome.percent, outcome.explanation) == (None, None, explanation)


def test_viewpoint_cutoffs_of_the_rule() -> None:
    lenient = parse_rule(school_rule(viewpoint_cutoffs={"A": 79.5, "B": 40}))
    outcome = viewpoint_from_scores([item("79.5")], K, lenient)
    assert outcome.mark == "A"
    assert outcome.explanation.startswith("素点平均 80% → A (A は 79.5% 以上, B は 40% 以上)")
    assert viewpoint_from_scores([item("40")], K, lenient).mark == "B"


def test_long_item_names_are_shortened() -> None:
    name = "第2学期 期末テスト (大問1〜3: 数と式・関数の応用問題)"
    outcome = viewpoint_from_scores([item("70", name=name)], K, rule("standard_point_sum"))
    assert outcome.explanation.endswith("内訳: 第2学期 期末テスト (大問1〜3: … 70%")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"score": "101"}, "「小テスト」の素点 101 は 0〜100 (満点) にしてください。"),
        ({"score": "-1"}, "「小テスト」の素点 -1 は 0〜100 (満点) にしてください。"),
        ({"score": "1", "max_score": "0"}, "「小テスト」の満点 0 は 0 より大きくしてください。"),
        ({"score": "1", "weight": "-1"}, "「小テスト」の重み -1 は 0 以上にしてください。"),
    ],
)
def test_item_score_is_checked(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as error:
        item(**kwargs)  # type: ignore[arg-type]
    assert str(error.value) == message


def test_rating_from_scores_point_sum() -> None:
    scores = [
        item("70", viewpoint=K),
        item("90", viewpoint=T),
        item("17", "20", viewpoint=T),
        item("60", viewpoint=A),
    ]
    outcomes, rating = rating_from_scores(scores, rule("standard_point_sum"), Scale.FIVE)
    assert [outcomes[vp].mark for vp in VIEWPOINTS] == ["B", "A", "B"]
    assert outcomes[T].percent == Decimal("87.5")
    assert rating.value == 4
    assert rating.explanation == f"観点 B・A・B → 合計 7 → 評定 4 {STANDARD}"


def test_rating_from_scores_with_a_viewpoint_missing() -> None:
    outcomes, rating = rating_from_scores(
        [item("70", viewpoint=K), item("90", viewpoint=T)], rule("standard_point_sum"), Scale.THREE
    )
    assert outcomes[A].mark is None
    assert rating.value is None
    assert (
        rating.explanation
        == "「主体的に学習に取り組む態度」の評価がないため、評定を付けられません。"
    )


# --- reading and writing rules --------------------------------------------------------------


def errors_of(data: Mapping[str, object]) -> list[str]:
    with pytest.raises(RuleError) as error:
        parse_rule(data)
    return error.value.errors


def test_shipped_rules() -> None:
    shipped = shipped_rules()
    assert sorted(shipped) == ["standard_average", "standard_pattern", "standard_point_sum"]
    for key, parsed in shipped.items():
        assert parsed.key == key
        assert parsed.owner == "manabi 標準"
        assert parsed.fiscal_year == 2025
        assert parsed.label() == "manabi 標準 令和7年度 v1"
    assert shipped["standard_pattern"].method is Method.PATTERN
    assert shipped_rules() is not shipped  # a copy: changing it changes nothing shared


@pytest.mark.parametrize("key", ["standard_point_sum", "standard_pattern", "standard_average"])
def test_round_trip(key: str) -> None:
    data = rule_data(key)
    assert parse_rule(json.loads(json.dumps(data))) == rule(key)
    assert rule_as_data(parse_rule(data)) == data


def test_round_trip_of_a_school_rule() -> None:
    data = school_rule(
        viewpoint_cutoffs={"A": 79.5, "B": 45.25},
        patterns={"five": strict_table()},
        average_cutoffs={"three": {"3": 80.5, "2": 50, "1": 0}},
        reexamine=["C・C・A", "A・A・C"],
        c_blocks_top=True,
        note="学校で決めた規則",
    )
    parsed = parse_rule(data)
    again = parse_rule(json.loads(json.dumps(rule_as_data(parsed))))
    assert again == parsed
    assert hash(again) == hash(parsed)
    assert rule_as_data(again)["reexamine"] == ["A・A・C", "C・C・A"]


def test_missing_pattern_combination() -> None:
    table = strict_table()
    del table["A・A・C"]
    data = school_rule(method="pattern", patterns={"five": table}, sum_cutoffs={})
    assert errors_of(data) == ["組合せ表 (5段階) に「A・A・C」がありません。"]


def test_bad_viewpoint_cutoff_order() -> None:
    assert errors_of(school_rule(viewpoint_cutoffs={"A": 50, "B": 80})) == [
        "観点の区切り (viewpoint_cutoffs) は 0 < B < A にしてください (A は 50%、B は 80% になっています)。"
    ]


def test_bad_sum_cutoff_order() -> None:
    data = school_rule(sum_cutoffs={"five": {"5": 9, "4": 7, "3": 7, "2": 4, "1": 3}})
    assert errors_of(data) == [
        "合計の区切り (5段階) は評定が高いほど大きくしてください (評定 3 が 7、評定 4 が 7)。"
    ]


def test_unknown_method() -> None:
    assert errors_of(school_rule(method="median")) == [
        "算出方法 (method) の「median」は使えません。"
        "point_sum (観点の点数の合計)・pattern (組合せ表)・average (素点平均) のいずれかにしてください。"
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"sum_cutoffs": {"five": {"5": 10, "4": 7, "3": 5, "2": 4, "1": 3}}},
            ["合計の区切り (5段階) では評定 5 になる合計がありません (合計は 3〜9)。"],
        ),
        (
            {"sum_cutoffs": {"three": {"3": 8, "2": 5, "1": 4}}},
            ["合計の区切り (3段階) の評定 1 は 3 以下にしてください (合計は 3〜9)。"],
        ),
        (
            {"sum_cutoffs": {"three": {"3": 8, "1": 3}}},
            ["合計の区切り (3段階) に評定 2 がありません。"],
        ),
        (
            {"sum_cutoffs": {"three": {"4": 9, "3": 8, "2": 5, "1": 3}}},
            ["合計の区切り (3段階) の評定 4 は 1〜3 の範囲外です。"],
        ),
        (
            {"sum_cutoffs": {"none": {"1": 3}}},
            [
                "合計の区切り (sum_cutoffs) の「none」は使えません。"
                "five (5段階) か three (3段階) にしてください。"
            ],
        ),
        (
            {"sum_cutoffs": {}},
            [
                "算出方法 (method) が「観点の点数の合計」(point_sum) のときは、"
                "合計の区切り (sum_cutoffs) を 5段階 か 3段階 の分だけでも書いてください。"
            ],
        ),
        (
            {"points": {"A": 3, "B": 3, "C": 1}},
            [
                "観点の点数 (points) は 100 ≥ A > B > C ≥ 0 の整数にしてください"
                " (A 3、B 3、C 1 になっています)。"
            ],
        ),
        (
            {"points": {"A": 3, "B": 2.5, "C": 1}},
            ["観点の点数 (points) の B は整数にしてください (「2.5」になっています)。"],
        ),
        (
            {"viewpoint_cutoffs": {"A": 80.125, "B": 50}},
            [
                "観点の区切り (viewpoint_cutoffs) のAは小数第2位までにしてください (「80.125」になっています)。"
            ],
        ),
        (
            {"viewpoint_cutoffs": {"A": 120, "B": 50}},
            [
                "観点の区切り (viewpoint_cutoffs) のAは 0〜100 にしてください (「120」になっています)。"
            ],
        ),
        (
            {"viewpoint_cutoffs": {"A": 80}},
            ["観点の区切り (viewpoint_cutoffs) は A と B の2つを書いてください。"],
        ),
        (
            {"average_cutoffs": {"five": {"5": 90, "4": 75, "3": 50, "2": 30, "1": 10}}},
            ["素点平均の区切り (5段階) の評定 1 は 0 にしてください。"],
        ),
        (
            {"reexamine": ["A・A・C", "ABD"]},
            ["見直しの組合せ (reexamine) の「ABD」は A・B・C の3つの組合せではありません。"],
        ),
        (
            {"c_blocks_top": "yes"},
            ["C があるときの上限 (c_blocks_top) は true か false にしてください。"],
        ),
        (
            {"key": "Chuo School"},
            [
                "規則キー (key) は半角の英小文字・数字・「_」「-」で 60 文字までにしてください"
                " (「Chuo School」になっています)。"
            ],
        ),
        (
            {"fiscal_year": 1999},
            ["年度 (fiscal_year) は西暦の 2000〜2100 にしてください (「1999」になっています)。"],
        ),
        ({"version": 0}, ["版 (version) は 1 以上の整数にしてください (「0」になっています)。"]),
        ({"name": " "}, ["規則名 (name) を書いてください。"]),
    ],
)
def test_parse_rule_errors(changes: dict[str, object], expected: list[str]) -> None:
    assert errors_of(school_rule(**changes)) == expected


def test_pattern_errors() -> None:
    table = strict_table()
    table["B・B・B"] = 6
    table["X・A・A"] = 4
    data = school_rule(method="pattern", patterns={"five": table}, sum_cutoffs={})
    assert errors_of(data) == [
        "組合せ表 (5段階) の「X・A・A」は A・B・C の3つの組合せ (知識・技能、思考・判断・表現、態度の順)"
        " ではありません。",
    ]
    del table["X・A・A"]
    assert errors_of(data | {"patterns": {"five": table}}) == [
        "組合せ表 (5段階) の「B・B・B」の評定 6 は 1〜5 にしてください。"
    ]


def test_pattern_must_not_fall_when_a_mark_rises() -> None:
    table = strict_table()
    table["A・B・B"] = 2  # lower than B・B・B, A・C・B and A・B・C (3 each)
    data = school_rule(method="pattern", patterns={"five": table}, sum_cutoffs={})
    tail = "観点の評価が上がって評定が下がらないようにしてください。"
    assert errors_of(data) == [
        f"組合せ表 (5段階) で「A・B・B」が評定 2、「A・B・C」が評定 3 です。{tail}",
        f"組合せ表 (5段階) で「A・B・B」が評定 2、「A・C・B」が評定 3 です。{tail}",
        f"組合せ表 (5段階) で「A・B・B」が評定 2、「B・B・B」が評定 3 です。{tail}",
    ]


def test_all_errors_at_once() -> None:
    data: dict[str, object] = {
        "key": "chuo",
        "name": "中央中",
        "version": "2",
        "fiscal_year": 2025,
        "method": "pattern",
        "patterns": {"five": {}},
        "colour": "red",
    }
    errors = errors_of(data)
    assert errors[0].startswith("不明な項目「colour」があります。")
    assert "項目「owner」がありません。" in errors
    assert "版 (version) は 1 以上の整数にしてください (「2」になっています)。" in errors
    assert "組合せ表 (5段階) に「A・A・A」がありません。" in errors
    assert "組合せ表 (5段階) に「C・C・C」がありません。" in errors
    assert len(errors) == 3 + 27


def test_not_an_object() -> None:
    assert errors_of(["key"]) == ["規則は JSON のオブジェクト ({ … }) で書いてください。"]  # type: ignore[arg-type]


def test_a_rule_made_in_code_is_checked_too() -> None:
    with pytest.raises(RuleError) as error:
        Rule(
            key="chuo",
            name="中央中",
            version=1,
            owner="みらい市立中央中学校",
            fiscal_year=2025,
            method=Method.POINT_SUM,
        )
    assert error.value.errors == [
        "算出方法 (method) が「観点の点数の合計」(point_sum) のときは、"
        "合計の区切り (sum_cutoffs) を 5段階 か 3段階 の分だけでも書いてください。"
    ]
    made = Rule(
        key="chuo",
        name="中央中",
        version=1,
        owner="みらい市立中央中学校",
        fiscal_year=2025,
        method=Method.POINT_SUM,
        sum_cutoffs={Scale.THREE: {3: 8, 2: 5, 1: 3}},
    )
    assert rating_of(marks("AAB"), made, Scale.THREE).value == 3
    with pytest.raises(TypeError):
        made.sum_cutoffs[Scale.THREE][3] = 9  # type: ignore[index]


# --- properties -----------------------------------------------------------------------------

mark_strategy = st.sampled_from(["A", "B", "C"])
_BETTER = {"B": "A", "C": "B"}


@st.composite
def point_sum_rules(draw: st.DrawFn) -> Rule:
    """A valid point-sum rule with random points and cut-offs at reachable sums."""
    c = draw(st.integers(0, 5))
    b = c + draw(st.integers(1, 5))
    a = b + draw(st.integers(1, 5))
    sums = sorted({x + y + z for x in (a, b, c) for y in (a, b, c) for z in (a, b, c)})
    tables: dict[str, dict[str, int]] = {}
    for name, top in (("five", 5), ("three", 3)):
        lows = sorted(
            draw(
                st.lists(st.sampled_from(sums[1:]), min_size=top - 1, max_size=top - 1, unique=True)
            )
        )
        tables[name] = {
            str(r): low for r, low in zip(range(1, top + 1), [sums[0], *lows], strict=True)
        }
    return parse_rule(
        school_rule(
            points={"A": a, "B": b, "C": c},
            sum_cutoffs=tables,
            c_blocks_top=draw(st.booleans()),
        )
    )


@fast
@given(
    point_sum_rules(),
    st.sampled_from([Scale.FIVE, Scale.THREE]),
    st.lists(mark_strategy, min_size=3, max_size=3),
    st.integers(0, 2),
)
def test_point_sum_is_monotone(rule: Rule, scale: Scale, three: list[str], at: int) -> None:
    if three[at] == "A":
        return
    raised = [*three]
    raised[at] = _BETTER[three[at]]
    low = rating_of(marks("".join(three)), rule, scale)
    high = rating_of(marks("".join(raised)), rule, scale)
    assert low.value is not None and high.value is not None
    assert 1 <= low.value <= high.value <= cast(int, scale.top())


@fast
@given(point_sum_rules(), st.sampled_from([Scale.FIVE, Scale.THREE]))
def test_point_sum_rules_use_every_rating(rule: Rule, scale: Scale) -> None:
    values = {c: rating_of(marks("".join(c)), rule, scale).value for c in ALL_COMBOS}
    top = cast(int, scale.top())
    # A・A・A has the highest sum, so the top stays reachable even when a C blocks it.
    assert set(values.values()) == set(range(1, top + 1))
    if rule.c_blocks_top:
        assert all(v is not None and v < top for c, v in values.items() if "C" in c)


percent_strategy = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@fast
@given(percent_strategy, percent_strategy, st.sampled_from([Scale.FIVE, Scale.THREE]))
def test_average_is_monotone(p: Decimal, q: Decimal, scale: Scale) -> None:
    low, high = sorted((p, q))
    r = rule("standard_average")
    assert cast(int, rating_of(marks("BBB"), r, scale, average_percent=low).value) <= cast(
        int, rating_of(marks("BBB"), r, scale, average_percent=high).value
    )


score_strategy = st.tuples(
    st.integers(0, 100), st.integers(1, 100), st.integers(0, 10), st.booleans(), st.booleans()
)


@fast
@given(st.lists(score_strategy, max_size=8))
def test_viewpoint_mark_follows_percent(rows: list[tuple[int, int, int, bool, bool]]) -> None:
    scores = [
        ItemScore(
            name=f"項目{i}",
            viewpoint=K,
            score=None if blank else Decimal(min(s, m)),
            max_score=Decimal(m),
            weight=Decimal(w),
            excused=excused,
        )
        for i, (s, m, w, blank, excused) in enumerate(rows)
    ]
    outcome = viewpoint_from_scores(scores, K, rule("standard_point_sum"))
    assert outcome.percent == weighted_percent(scores)
    if outcome.percent is None:
        assert outcome.mark is None
        assert outcome.explanation.startswith("素点がありません")
    else:
        assert 0 <= outcome.percent <= 100
        expected = "A" if outcome.percent >= 80 else "B" if outcome.percent >= 50 else "C"
        assert outcome.mark == expected
        assert outcome.explanation.startswith(
            f"素点平均 {percent_label(outcome.percent)} → {expected} "
        )
        assert len(outcome.explanation) <= 300


@fast
@given(
    st.decimals(min_value=1, max_value=99, places=2, allow_nan=False),
    st.decimals(min_value="0.01", max_value=99, places=2, allow_nan=False),
    st.frozensets(st.sampled_from(ALL_COMBOS)),
    st.booleans(),
    st.integers(2019, 2100),
    st.integers(1, 500),
)
def test_round_trip_property(
    a: Decimal, b: Decimal, reexamine: frozenset[Combo], blocks: bool, year: int, version: int
) -> None:
    b, a = sorted((a, b))
    if a == b:
        a += 1
    data = school_rule(
        viewpoint_cutoffs={"A": float(a), "B": float(b)},
        reexamine=["・".join(c) for c in reexamine],
        c_blocks_top=blocks,
        fiscal_year=year,
        version=version,
    )
    parsed = parse_rule(data)
    assert parsed.viewpoint_cutoffs == {"A": a, "B": b}
    assert parsed.reexamine == reexamine
    assert parse_rule(json.loads(json.dumps(rule_as_data(parsed)))) == parsed


# --- a whole school -------------------------------------------------------------------------


def test_a_whole_school_recomputes_quickly_enough() -> None:
    """1,000 pupils × 9 subjects × 3 terms × 3 観点 (4 items each). Prints the time; no limit is
    asserted (machines differ), but a slip to many seconds shows here."""
    parsed = rule("standard_point_sum")
    pupils = [
        [
            ItemScore(
                name=f"項目{i}",
                viewpoint=vp,
                score=Decimal((pupil * 7 + i * 13 + n * 5) % 101),
                max_score=Decimal(100),
                weight=Decimal(1 + i % 2),
            )
            for n, vp in enumerate(VIEWPOINTS)
            for i in range(4)
        ]
        for pupil in range(1000)
    ]
    started = time.perf_counter()
    ratings = [
        rating_from_scores(scores, parsed, Scale.FIVE)[1].value
        for scores in pupils
        for _subject in range(9)
        for _term in range(3)
    ]
    elapsed = time.perf_counter() - started
    print(f"27,000 評定 from 324,000 scores in {elapsed:.2f} s")
    assert len(ratings) == 27_000
    assert set(ratings) <= {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("school_type", "grade", "level", "scale"),
    [
        ("elementary", 2, ("elementary", 2), Scale.NONE),
        ("elementary", 4, ("elementary", 4), Scale.THREE),
        ("junior_high", 1, ("junior_high", 1), Scale.FIVE),
        ("compulsory", 6, ("elementary", 6), Scale.THREE),
        ("compulsory", 8, ("junior_high", 2), Scale.FIVE),
        ("secondary", 3, ("junior_high", 3), Scale.FIVE),
        ("secondary", 5, ("high", 2), Scale.FIVE),
        ("high", 1, ("high", 1), Scale.FIVE),
    ],
)
def test_school_level_of_each_school_type(
    school_type: str, grade: int, level: tuple[str, int], scale: Scale
) -> None:
    """中等教育学校 and 高等学校 take the 5段階 (not the 小学校 scales)."""
    from manabi.grades import selectors
    from manabi.orgs.models import Organisation

    school = Organisation(name="学校", school_type=school_type)
    assert selectors.school_level(school, grade) == level
    assert selectors.scale_of(school, grade) is scale
