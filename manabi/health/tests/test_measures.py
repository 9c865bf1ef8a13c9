"""身長・体重・肥満度・視力・聴力 rules."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.health.measures import (
    STANDARD_WEIGHT_DATA,
    TABLE_AGES,
    HearingEar,
    HearingFinding,
    MeasureError,
    ObesityCategory,
    Sex,
    StandardWeightTableError,
    VisionCategory,
    VisionField,
    age_on,
    bmi,
    load_standard_weight_table,
    obesity_category,
    obesity_degree,
    parse_hearing,
    parse_height,
    parse_vision,
    parse_weight,
    school_age,
    standard_weight_table,
)

D = Decimal


# --- 係数表 ----------------------------------------------------------------------------------


def test_the_table_is_complete_for_ages_5_to_17_of_both_sexes() -> None:
    table = standard_weight_table()
    assert "日本学校保健会" in table.source
    assert "児童生徒等の健康診断マニュアル" in table.source
    assert set(table.rows) == {(sex, age) for sex in Sex for age in range(5, 18)}
    assert len(table.rows) == 26


@pytest.mark.parametrize(
    ("sex", "age", "a", "b"),
    [
        (Sex.MALE, 5, "0.386", "23.699"),
        (Sex.MALE, 8, "0.592", "48.804"),
        (Sex.MALE, 10, "0.752", "70.461"),
        (Sex.MALE, 14, "0.832", "83.695"),
        (Sex.MALE, 17, "0.672", "53.642"),
        (Sex.FEMALE, 5, "0.377", "22.750"),
        (Sex.FEMALE, 10, "0.730", "68.091"),
        (Sex.FEMALE, 12, "0.796", "76.934"),
        (Sex.FEMALE, 13, "0.655", "54.234"),
        (Sex.FEMALE, 17, "0.598", "42.339"),
    ],
)
def test_coefficients_are_the_manuals(sex: Sex, age: int, a: str, b: str) -> None:
    coefficients = standard_weight_table().coefficients(sex, age)
    assert coefficients is not None
    assert (coefficients.a, coefficients.b) == (D(a), D(b))


def test_a_bad_table_lists_every_problem(tmp_path: Path) -> None:
    good = json.loads(STANDARD_WEIGHT_DATA.read_text(encoding="utf-8"))
    bad = dict(good, source="")
    male = dict(good["coefficients"]["male"])
    del male["9"]
    male["18"] = {"a": "0.7", "b": "50"}
    male["10"] = {"a": 0.752, "b": "70.461"}
    female = dict(good["coefficients"]["female"])
    female["6"] = {"a": "abc", "b": "-1"}
    bad["coefficients"] = {"male": male, "female": female, "other": {}}
    path = tmp_path / "standard_weight.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardWeightTableError) as caught:
        load_standard_weight_table(path)
    assert caught.value.problems == [
        "source: 出典（文書名・発行者・年）がありません。",
        "coefficients.other: 性別は male / female のどちらかです。",
        "coefficients.male.18: 係数表の年齢は5〜17歳です。",
        "coefficients.male.9: 男子9歳の係数がありません。",
        'coefficients.male.10.a: 文字列の数値で書いてください（例: "0.592"）。',
        "coefficients.female.6.a: 「abc」は数値ではありません。",
        "coefficients.female.6.b: -1 は正の数ではありません。",
    ]
    assert "standard_weight.json を読み込めません（7件）" in str(caught.value)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "standard_weight.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(StandardWeightTableError, match="JSONとして読めません"):
        load_standard_weight_table(path)


# --- 年齢 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2015, 4, 1), date(2021, 4, 1), 6),
        (date(2015, 4, 2), date(2021, 4, 1), 5),
        (date(2015, 4, 2), date(2021, 4, 2), 6),
        (date(2012, 2, 29), date(2021, 2, 28), 8),
        (date(2012, 2, 29), date(2021, 3, 1), 9),
        (date(2012, 2, 29), date(2024, 2, 29), 12),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="生年月日"):
        age_on(date(2020, 5, 1), date(2020, 4, 1))


def test_school_age_is_age_on_april_first() -> None:
    # A 小学1年 of 年度2025 is born 2018-04-02 … 2019-04-01: all are 6 on 2025-04-01.
    assert school_age(date(2018, 4, 2), 2025) == 6
    assert school_age(date(2019, 4, 1), 2025) == 6
    assert school_age(date(2019, 4, 2), 2025) == 5
    assert school_age(date(2018, 4, 1), 2025) == 7


# --- 肥満度 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "age", "height", "weight", "standard", "degree", "category"),
    [
        (Sex.MALE, 6, "116.0", "21.0", "21.094", "-0.4", ObesityCategory.NORMAL),
        (Sex.MALE, 7, "122.0", "24.0", "23.708", "1.2", ObesityCategory.NORMAL),
        (Sex.MALE, 8, "130.0", "30.0", "28.156", "6.5", ObesityCategory.NORMAL),
        (Sex.MALE, 11, "145.0", "50.0", "38.284", "30.6", ObesityCategory.MODERATE_OBESE),
        (Sex.MALE, 12, "152.0", "36.0", "43.374", "-17.0", ObesityCategory.NORMAL),
        (Sex.MALE, 13, "159.2", "58.1", "48.4", "20.0", ObesityCategory.MILD_OBESE),
        (Sex.MALE, 14, "165.0", "85.0", "53.585", "58.6", ObesityCategory.SEVERE_OBESE),
        (Sex.MALE, 16, "170.0", "60.0", "59.698", "0.5", ObesityCategory.NORMAL),
        (Sex.MALE, 17, "171.0", "45.0", "61.27", "-26.6", ObesityCategory.THIN),
        (Sex.FEMALE, 5, "110.0", "19.0", "18.72", "1.5", ObesityCategory.NORMAL),
        (Sex.FEMALE, 9, "133.0", "40.0", "29.724", "34.6", ObesityCategory.MODERATE_OBESE),
        (Sex.FEMALE, 13, "155.0", "36.0", "47.291", "-23.9", ObesityCategory.THIN),
        (Sex.FEMALE, 15, "157.0", "34.0", "50.918", "-33.2", ObesityCategory.SEVERE_THIN),
        (Sex.FEMALE, 16, "158.0", "52.0", "52.267", "-0.5", ObesityCategory.NORMAL),
    ],
)
def test_obesity_degree_worked_cases(
    sex: Sex,
    age: int,
    height: str,
    weight: str,
    standard: str,
    degree: str,
    category: ObesityCategory,
) -> None:
    result = obesity_degree(sex=sex, age=age, height_cm=D(height), weight_kg=D(weight))
    assert result.standard_weight_kg == D(standard)
    assert result.degree == D(degree)
    assert result.category is category
    assert result.reason is None
    assert result.applicable


# 女子10歳・身長146.7cm: 標準体重 = 0.730×146.7 − 68.091 = 39.0kg exactly, so each boundary is hit
# exactly (39.0 × 0.7 = 27.3, × 0.8 = 31.2, × 1.2 = 46.8, × 1.3 = 50.7, × 1.5 = 58.5).
@pytest.mark.parametrize(
    ("weight", "degree", "category"),
    [
        ("27.2", "-30.3", ObesityCategory.SEVERE_THIN),
        ("27.3", "-30.0", ObesityCategory.SEVERE_THIN),
        ("27.4", "-29.7", ObesityCategory.THIN),
        ("31.2", "-20.0", ObesityCategory.THIN),
        ("31.3", "-19.7", ObesityCategory.NORMAL),
        ("39.0", "0.0", ObesityCategory.NORMAL),
        ("46.7", "19.7", ObesityCategory.NORMAL),
        ("46.8", "20.0", ObesityCategory.MILD_OBESE),
        ("50.6", "29.7", ObesityCategory.MILD_OBESE),
        ("50.7", "30.0", ObesityCategory.MODERATE_OBESE),
        ("58.4", "49.7", ObesityCategory.MODERATE_OBESE),
        ("58.5", "50.0", ObesityCategory.SEVERE_OBESE),
    ],
)
def test_obesity_category_boundaries(weight: str, degree: str, category: ObesityCategory) -> None:
    result = obesity_degree(sex=Sex.FEMALE, age=10, height_cm=D("146.7"), weight_kg=D(weight))
    assert result.standard_weight_kg == D("39.0")
    assert result.degree == D(degree)
    assert result.category is category


# The category is judged on the 肥満度 rounded to 0.1 (四捨五入), as printed on the form.
@pytest.mark.parametrize(
    ("height", "weight", "degree", "category"),
    [
        ("126.5", "31.3", "20.0", ObesityCategory.MILD_OBESE),  # 19.9969…%
        ("129.5", "22.3", "-20.0", ObesityCategory.THIN),  # −19.9569…%
        ("128.5", "19.1", "-30.0", ObesityCategory.SEVERE_THIN),  # −29.9545…%
        ("124.0", "36.9", "50.0", ObesityCategory.SEVERE_OBESE),  # 49.9756…%
    ],
)
def test_rounding_decides_the_boundary(
    height: str, weight: str, degree: str, category: ObesityCategory
) -> None:
    result = obesity_degree(sex=Sex.MALE, age=8, height_cm=D(height), weight_kg=D(weight))
    assert result.degree == D(degree)
    assert result.category is category


def test_the_explanation_shows_the_working() -> None:
    result = obesity_degree(sex=Sex.MALE, age=8, height_cm=D("130.0"), weight_kg=D("30.0"))
    assert result.explanation == (
        "標準体重 = 0.592×130.0 − 48.804 = 28.156kg; "
        "肥満度 = (30.0 − 28.156) ÷ 28.156 × 100 = 6.5% → 普通"
    )
    thin = obesity_degree(sex=Sex.FEMALE, age=10, height_cm=D("146.7"), weight_kg=D("31.2"))
    assert thin.explanation == (
        "標準体重 = 0.730×146.7 − 68.091 = 39.0kg; "
        "肥満度 = (31.2 − 39.0) ÷ 39.0 × 100 = -20.0% → やせ"
    )


@pytest.mark.parametrize(
    ("age", "reason"),
    [
        (18, "18歳は身長別標準体重の係数表（5〜17歳）の対象外です。18歳以上はBMIで判定します。"),
        (30, "30歳は身長別標準体重の係数表（5〜17歳）の対象外です。18歳以上はBMIで判定します。"),
        (4, "4歳は身長別標準体重の係数表（5〜17歳）の対象外です。"),
    ],
)
def test_ages_outside_the_table_have_no_degree(age: int, reason: str) -> None:
    result = obesity_degree(sex=Sex.MALE, age=age, height_cm=D("105.0"), weight_kg=D("17.0"))
    assert result.degree is None
    assert result.category is None
    assert result.standard_weight_kg is None
    assert result.reason == reason
    assert result.explanation == reason
    assert not result.applicable


def test_a_standard_weight_of_zero_or_less_is_not_judged() -> None:
    # 男子17歳, 80.0cm: 0.672×80.0 − 53.642 = 0.118 > 0, but 男子14歳: 0.832×80.0 − 83.695 < 0.
    result = obesity_degree(sex=Sex.MALE, age=14, height_cm=D("80.0"), weight_kg=D("12.0"))
    assert result.degree is None
    assert result.reason is not None
    assert "標準体重が0以下" in result.reason
    assert "= -17.135kg" in result.reason


def test_obesity_degree_checks_its_inputs() -> None:
    with pytest.raises(MeasureError, match="体重"):
        obesity_degree(sex=Sex.MALE, age=8, height_cm=D("130.0"), weight_kg=D("300"))
    with pytest.raises(TypeError):
        obesity_degree(sex=Sex.MALE, age=True, height_cm=D("130.0"), weight_kg=D("30.0"))


def test_obesity_tendency_flags() -> None:
    assert [c for c in ObesityCategory if c.is_obese_tendency] == [
        ObesityCategory.MILD_OBESE,
        ObesityCategory.MODERATE_OBESE,
        ObesityCategory.SEVERE_OBESE,
    ]
    assert [c for c in ObesityCategory if c.is_thin_tendency] == [
        ObesityCategory.SEVERE_THIN,
        ObesityCategory.THIN,
    ]


heights = st.decimals(min_value=D("100.0"), max_value=D("190.0"), places=1)
weights = st.decimals(min_value=D("10.0"), max_value=D("200.0"), places=1)


@settings(max_examples=300)
@given(
    sex=st.sampled_from(Sex),
    age=st.sampled_from(TABLE_AGES),
    height=heights,
    weight=weights,
)
def test_degree_sign_follows_weight_against_standard(
    sex: Sex, age: int, height: Decimal, weight: Decimal
) -> None:
    result = obesity_degree(sex=sex, age=age, height_cm=height, weight_kg=weight)
    if result.standard_weight_kg is None:
        return
    assert result.degree is not None
    standard = result.standard_weight_kg
    if weight > standard:
        assert result.degree >= 0
    elif weight < standard:
        assert result.degree <= 0
    else:
        assert result.degree == 0


@settings(max_examples=200)
@given(
    sex=st.sampled_from(Sex),
    age=st.sampled_from(TABLE_AGES),
    height=heights,
    w1=weights,
    w2=weights,
)
def test_category_is_monotonic_in_weight(
    sex: Sex, age: int, height: Decimal, w1: Decimal, w2: Decimal
) -> None:
    light, heavy = sorted((w1, w2))
    first = obesity_degree(sex=sex, age=age, height_cm=height, weight_kg=light)
    second = obesity_degree(sex=sex, age=age, height_cm=height, weight_kg=heavy)
    if first.category is None or second.category is None:
        return
    assert first.degree is not None
    assert second.degree is not None
    assert first.degree <= second.degree
    assert first.category.rank <= second.category.rank


@given(a=st.decimals(-100, 200, places=1), b=st.decimals(-100, 200, places=1))
def test_category_function_is_monotonic(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert obesity_category(low).rank <= obesity_category(high).rank


# --- 身長・体重 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("130.5", "130.5"),
        ("１３０．５", "130.5"),
        (" 130 ", "130.0"),
        ("130.5cm", "130.5"),
        ("１３０．５ｃｍ", "130.5"),
        ("80.0", "80.0"),
        ("220", "220.0"),
    ],
)
def test_parse_height(text: str, value: str) -> None:
    parsed = parse_height(text)
    assert parsed == D(value)
    assert str(parsed) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "身長: 入力されていません。"),
        (
            "abc",
            "身長: 「abc」は数値として読めません。cm単位の数字で入力してください（例: 130.5）。",
        ),
        (
            "-130",
            "身長: 「-130」は数値として読めません。cm単位の数字で入力してください（例: 130.5）。",
        ),
        (
            "130.25",
            "身長: 「130.25」は小数第2位以下があります。小数第1位まで入力してください（例: 130.5）。",
        ),
        (
            "79.9",
            "身長: 79.9cmは範囲外です。80.0〜220.0cmの値を入力してください（単位や桁の誤りがないか確認してください）。",
        ),
        (
            "1305",
            "身長: 1305.0cmは範囲外です。80.0〜220.0cmの値を入力してください（単位や桁の誤りがないか確認してください）。",
        ),
        (
            "١٣٠",
            "身長: 「١٣٠」は数値として読めません。cm単位の数字で入力してください（例: 130.5）。",
        ),
    ],
)
def test_parse_height_errors(text: str, message: str) -> None:
    with pytest.raises(MeasureError) as caught:
        parse_height(text)
    assert str(caught.value) == message
    assert caught.value.field == "身長"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("28.4", "28.4"),
        ("２８．４", "28.4"),
        ("28.4kg", "28.4"),
        ("10", "10.0"),
        ("200.0", "200.0"),
    ],
)
def test_parse_weight(text: str, value: str) -> None:
    assert parse_weight(text) == D(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "9.9",
            "体重: 9.9kgは範囲外です。10.0〜200.0kgの値を入力してください（単位や桁の誤りがないか確認してください）。",
        ),
        (
            "200.1",
            "体重: 200.1kgは範囲外です。10.0〜200.0kgの値を入力してください（単位や桁の誤りがないか確認してください）。",
        ),
        (
            "28,4",
            "体重: 「28,4」は数値として読めません。kg単位の数字で入力してください（例: 28.4）。",
        ),
    ],
)
def test_parse_weight_errors(text: str, message: str) -> None:
    with pytest.raises(MeasureError) as caught:
        parse_weight(text)
    assert str(caught.value) == message
    assert caught.value.field == "体重"


def test_bmi() -> None:
    # 60.0 ÷ 1.70² = 20.761… → 20.8; 45.0 ÷ 1.55² = 18.730… → 18.7
    assert bmi(D("170.0"), D("60.0")) == D("20.8")
    assert bmi(D("155.0"), D("45.0")) == D("18.7")
    with pytest.raises(MeasureError, match="身長"):
        bmi(D("17.0"), D("60.0"))


# --- 視力 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acuity", "category"),
    [
        ("0.01", VisionCategory.D),
        ("0.29", VisionCategory.D),
        ("0.3", VisionCategory.C),
        ("0.69", VisionCategory.C),
        ("0.7", VisionCategory.B),
        ("0.99", VisionCategory.B),
        ("1.0", VisionCategory.A),
        ("2.0", VisionCategory.A),
    ],
)
def test_vision_category_boundaries(acuity: str, category: VisionCategory) -> None:
    reading = parse_vision(acuity, field=VisionField.RIGHT_NAKED)
    assert reading is not None
    assert reading.acuity == D(acuity)
    assert reading.category is category


def test_vision_category_labels() -> None:
    assert [c.label for c in VisionCategory] == [
        "1.0以上",
        "0.7以上1.0未満",
        "0.3以上0.7未満",
        "0.3未満",
    ]


@pytest.mark.parametrize(
    ("text", "acuity", "category"),
    [
        ("1.2", "1.2", VisionCategory.A),
        ("１．０", "1.0", VisionCategory.A),
        ("０．６", "0.6", VisionCategory.C),
        ("1", "1", VisionCategory.A),
        ("A", None, VisionCategory.A),
        ("Ｂ", None, VisionCategory.B),
        ("c", None, VisionCategory.C),
        (" D ", None, VisionCategory.D),
    ],
)
def test_parse_vision(text: str, acuity: str | None, category: VisionCategory) -> None:
    reading = parse_vision(text, field=VisionField.LEFT_CORRECTED)
    assert reading is not None
    assert reading.acuity == (D(acuity) if acuity is not None else None)
    assert reading.category is category


def test_blank_vision_is_not_measured() -> None:
    assert parse_vision("", field=VisionField.LEFT_NAKED) is None
    assert parse_vision("　", field=VisionField.LEFT_NAKED) is None


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "E",
            VisionField.RIGHT_NAKED,
            "右裸眼: 「E」は視力として読めません。小数視力（例: 1.0、0.7）かA〜Dの判定を入力してください。",
        ),
        (
            "1.0.0",
            VisionField.LEFT_NAKED,
            "左裸眼: 「1.0.0」は視力として読めません。小数視力（例: 1.0、0.7）かA〜Dの判定を入力してください。",
        ),
        (
            "12",
            VisionField.RIGHT_CORRECTED,
            "右矯正: 「12」は視力として読めません。小数視力（例: 1.0、0.7）かA〜Dの判定を入力してください。",
        ),
        (
            "2.5",
            VisionField.LEFT_CORRECTED,
            "左矯正: 2.5は視力の範囲外です。0.01〜2.0の小数視力を入力してください。",
        ),
        (
            "0",
            VisionField.RIGHT_NAKED,
            "右裸眼: 0.0は視力の範囲外です。0.01〜2.0の小数視力を入力してください。",
        ),
    ],
)
def test_parse_vision_errors(text: str, field: VisionField, message: str) -> None:
    with pytest.raises(MeasureError) as caught:
        parse_vision(text, field=field)
    assert str(caught.value) == message
    assert caught.value.field == field


# --- 聴力 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("○", HearingFinding.NONE),
        ("〇", HearingFinding.NONE),
        ("異常なし", HearingFinding.NONE),
        ("所見なし", HearingFinding.NONE),
        ("×", HearingFinding.PRESENT),
        ("所見あり", HearingFinding.PRESENT),
        ("", None),
    ],
)
def test_parse_hearing(text: str, finding: HearingFinding | None) -> None:
    assert parse_hearing(text, ear=HearingEar.RIGHT) == finding


def test_parse_hearing_error_names_the_ear() -> None:
    with pytest.raises(MeasureError) as caught:
        parse_hearing("たぶん", ear=HearingEar.LEFT)
    assert str(caught.value) == (
        "聴力（左耳）: 「たぶん」は読めません。「○」「所見なし」または「×」「所見あり」を入力してください。"
    )
