from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.core.codes import (
    FOUNDERS,
    PREFECTURES,
    SCHOOL_KINDS,
    SchoolCode,
    is_valid_local_government_code,
    is_valid_school_code,
    local_government_check_digit,
    parse_school_code,
    prefecture_code,
    prefecture_name,
    school_code_check_digit,
    validate_local_government_code,
    validate_school_code,
)

# No example database: keep test runs from writing a .hypothesis directory.
fast = settings(database=None, deadline=None, max_examples=200)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _validation_error(validator: object, value: object) -> ValidationError:
    assert callable(validator)
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value


# 全国地方公共団体コード

# Published codes (総務省 list); 011011 is a case where the remainder is 0 (check digit 1)
# and 310000 one where it is 1 (check digit 0).
REAL_LOCAL_GOVERNMENT_CODES = [
    ("010006", "北海道"),
    ("011002", "札幌市"),
    ("011011", "札幌市中央区"),
    ("011029", "札幌市北区"),
    ("011037", "札幌市東区"),
    ("011045", "札幌市白石区"),
    ("014605", "南富良野町"),
    ("050008", "秋田県"),
    ("120006", "千葉県"),
    ("130001", "東京都"),
    ("131016", "千代田区"),
    ("141003", "横浜市"),
    ("150002", "新潟県"),
    ("310000", "鳥取県"),
]


@pytest.mark.parametrize(("code", "name"), REAL_LOCAL_GOVERNMENT_CODES)
def test_real_local_government_codes(code: str, name: str) -> None:
    assert local_government_check_digit(code[:5]) == code[5], name
    assert is_valid_local_government_code(code)
    validate_local_government_code(code)


@pytest.mark.parametrize(
    ("first5", "remainder", "expected"),
    [
        ("01101", 0, "1"),
        ("31000", 1, "0"),
        ("13000", 10, "1"),
        ("12000", 5, "6"),
    ],
)
def test_local_government_check_digit_takes_last_digit_of_11_minus_remainder(
    first5: str, remainder: int, expected: str
) -> None:
    weighted = sum(int(c) * w for c, w in zip(first5, (6, 5, 4, 3, 2), strict=True))
    assert weighted % 11 == remainder
    assert local_government_check_digit(first5) == expected


@pytest.mark.parametrize("first5", ["1200", "120000", "1200a", "１２０００", "", "12 00"])
def test_local_government_check_digit_needs_five_digits(first5: str) -> None:
    with pytest.raises(ValueError, match="5桁の半角数字"):
        local_government_check_digit(first5)


def test_wrong_check_digit_names_the_right_one() -> None:
    assert not is_valid_local_government_code("120005")
    error = _validation_error(validate_local_government_code, "120005")
    assert error.code == "invalid_check_digit"
    assert error.params is not None
    assert error.params["expected"] == "6"
    assert error.messages == [
        "全国地方公共団体コードの検査数字が正しくありません"
        "（末尾が「5」ですが、正しくは「6」です: 120006）"
    ]


def test_five_digit_code_suggests_the_full_code() -> None:
    error = _validation_error(validate_local_government_code, "13101")
    assert error.code == "invalid_length"
    assert "131016" in error.messages[0]
    assert "6桁" in error.messages[0]


@pytest.mark.parametrize("code", ["1", "1310161", "0000000000", ""])
def test_local_government_code_wrong_length(code: str) -> None:
    assert not is_valid_local_government_code(code)
    error = _validation_error(validate_local_government_code, code)
    assert error.code == "invalid_length"
    assert f"入力は{len(code)}桁" in error.messages[0]


@pytest.mark.parametrize("code", ["12000a", "１２０００６", "12-0006", " 120006", "120006\n"])
def test_local_government_code_non_digits(code: str) -> None:
    assert not is_valid_local_government_code(code)
    error = _validation_error(validate_local_government_code, code)
    assert error.code == "invalid_characters"
    assert "半角数字" in error.messages[0]


@pytest.mark.parametrize("prefecture", ["00", "49", "99"])
def test_local_government_code_unknown_prefecture(prefecture: str) -> None:
    first5 = prefecture + "000"
    code = first5 + local_government_check_digit(first5)
    assert not is_valid_local_government_code(code)
    error = _validation_error(validate_local_government_code, code)
    assert error.code == "invalid_prefecture"
    assert f"「{prefecture}」" in error.messages[0]


@pytest.mark.parametrize("value", [120006, None, b"120006", ["120006"]])
def test_local_government_validator_rejects_non_strings(value: object) -> None:
    error = _validation_error(validate_local_government_code, value)
    assert error.code == "invalid_type"
    assert not is_valid_local_government_code(value)  # type: ignore[arg-type]


def test_prefecture_helpers() -> None:
    assert prefecture_code("131016") == "13"
    assert prefecture_code("13101") == "13"
    assert prefecture_code("010006") == "01"
    assert prefecture_code("473821") == "47"
    assert prefecture_name("13") == "東京都"
    assert prefecture_name(prefecture_code("011002")) == "北海道"
    assert prefecture_name("47") == "沖縄県"
    assert list(PREFECTURES) == [f"{n:02d}" for n in range(1, 48)]
    assert len(set(PREFECTURES.values())) == 47


@pytest.mark.parametrize("code", ["491000", "001000", "1310", "1310161", "13a016", "１３１０１６"])
def test_prefecture_code_rejects_bad_codes(code: str) -> None:
    with pytest.raises(ValueError, match=r"全国地方公共団体コード|都道府県コード"):
        prefecture_code(code)


@pytest.mark.parametrize("prefecture", ["00", "49", "1", "013", ""])
def test_prefecture_name_rejects_unknown_codes(prefecture: str) -> None:
    with pytest.raises(ValueError, match="都道府県コード"):
        prefecture_name(prefecture)


@fast
@given(st.sampled_from(sorted(PREFECTURES)), st.text(alphabet="0123456789", min_size=3, max_size=3))
def test_exactly_one_check_digit_is_valid(prefecture: str, municipality: str) -> None:
    first5 = prefecture + municipality
    valid = [d for d in "0123456789" if is_valid_local_government_code(first5 + d)]
    assert valid == [local_government_check_digit(first5)]


@fast
@given(st.text(alphabet="0123456789abc-", max_size=8))
def test_local_government_validator_agrees_with_is_valid(value: str) -> None:
    try:
        validate_local_government_code(value)
    except ValidationError as error:
        assert not is_valid_local_government_code(value)
        assert error.code in {
            "invalid_characters",
            "invalid_length",
            "invalid_prefecture",
            "invalid_check_digit",
        }
    else:
        assert is_valid_local_government_code(value)


# 学校コード

# Real codes from public sources: the example on the Japanese Wikipedia page 学校コード, and
# schools in MLIT open data (国土数値情報 A27: 五霞町立五霞西小学校; 不動産情報ライブラリ API
# example: 北区立田端小学校).
REAL_SCHOOL_CODES = ["F112310102342", "B108254200026", "B113211700337"]

# Codes from the test suite of the mext_school_code_validator gem (an independent
# implementation), one per school kind.
GEM_SCHOOL_CODES = [
    "A101210000010",
    "A201210000019",
    "B101210000018",
    "C101210000016",
    "C201210000015",
    "D101210000014",
    "D201210000013",
    "E101210000011",
    "F101210000019",
    "F201210000018",
    "G101210000017",
    "H101210000015",
    "H201210000014",
    "B101110000029",
    "B101310000025",
    "B147210000005",
    "F139190110515",
    "H239390000083",
]


@pytest.mark.parametrize("code", REAL_SCHOOL_CODES + GEM_SCHOOL_CODES)
def test_known_school_codes_are_valid(code: str) -> None:
    assert school_code_check_digit(code[:12]) == code[12]
    assert is_valid_school_code(code)
    validate_school_code(code)


def test_parse_school_code() -> None:
    parsed = parse_school_code("B113211700337")
    assert parsed == SchoolCode(
        code="B113211700337",
        kind="B1",
        kind_label="小学校",
        prefecture="13",
        founder_code="2",
        founder="公立",
        school_number="1170033",
        check_digit="7",
    )
    assert parsed.kind_letter == "B"
    assert parsed.prefecture_name == "東京都"


@pytest.mark.parametrize(
    ("code", "kind_label", "prefecture_label", "founder"),
    [
        ("F112310102342", "大学", "千葉県", "私立"),
        ("B108254200026", "小学校", "茨城県", "公立"),
        ("A201210000019", "幼保連携型認定こども園", "北海道", "公立"),
        ("C201210000015", "義務教育学校", "北海道", "公立"),
        ("D201210000013", "中等教育学校", "北海道", "公立"),
        ("E101210000011", "特別支援学校", "北海道", "公立"),
        ("G101210000017", "高等専門学校", "北海道", "公立"),
        ("H201210000014", "各種学校", "北海道", "公立"),
        ("B101110000029", "小学校", "北海道", "国立"),
        ("B147210000005", "小学校", "沖縄県", "公立"),
    ],
)
def test_parse_school_code_labels(
    code: str, kind_label: str, prefecture_label: str, founder: str
) -> None:
    parsed = parse_school_code(code)
    assert parsed.kind_label == kind_label
    assert parsed.prefecture_name == prefecture_label
    assert parsed.founder == founder


def test_school_code_wrong_check_digit_names_the_right_one() -> None:
    assert not is_valid_school_code("F112310102341")
    error = _validation_error(validate_school_code, "F112310102341")
    assert error.code == "invalid_check_digit"
    assert error.messages == [
        "学校コードの検査数字が正しくありません"
        "（末尾が「1」ですが、正しくは「2」です: F112310102342）"
    ]
    with pytest.raises(ValueError, match="正しくは「2」"):
        parse_school_code("F112310102341")


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        ("", "invalid_length", "入力は0桁"),
        ("B11321170033", "invalid_length", "入力は12桁"),
        ("B1132117003377", "invalid_length", "入力は14桁"),
        ("b113211700337", "invalid_kind", "「b1」"),
        ("Z113211700337", "invalid_kind", "「Z1」"),
        ("B313211700337", "invalid_kind", "「B3」"),
        ("1B13211700337", "invalid_kind", "「1B」"),
        ("B100211700337", "invalid_prefecture", "「00」"),
        ("B149211700337", "invalid_prefecture", "「49」"),
        ("B1AB211700337", "invalid_prefecture", "「AB」"),
        ("B113011700337", "invalid_founder", "「0」"),
        ("B113411700337", "invalid_founder", "「4」"),
        ("B1132117003x7", "invalid_school_number", "半角数字"),
        ("B11321170033X", "invalid_school_number", "半角数字"),
        ("B1132１1700337", "invalid_school_number", "半角数字"),
        ("B113211700338", "invalid_check_digit", "正しくは「7」"),
        # Looks plausible but is not a real code: the check digit should be 5.
        ("B113210000001", "invalid_check_digit", "正しくは「5」"),
    ],
)
def test_invalid_school_codes(code: str, error_code: str, fragment: str) -> None:
    assert not is_valid_school_code(code)
    error = _validation_error(validate_school_code, code)
    assert error.code == error_code
    assert fragment in error.messages[0]
    with pytest.raises(ValueError, match="学校コード"):
        parse_school_code(code)


@pytest.mark.parametrize("value", [None, 1234567890123, b"B113211700337"])
def test_school_code_validator_rejects_non_strings(value: object) -> None:
    error = _validation_error(validate_school_code, value)
    assert error.code == "invalid_type"


@pytest.mark.parametrize(
    "first12", ["", "B113211700337", "B1132117003", "I11321170033", "b11321170033", "BB1321170033"]
)
def test_school_code_check_digit_needs_letter_and_eleven_digits(first12: str) -> None:
    with pytest.raises(ValueError, match="英大文字"):
        school_code_check_digit(first12)


def test_school_code_check_digit_by_hand() -> None:
    # F112310102342: F -> 06, digits 0611231010234 weighted 1,2,1,2,... from the left:
    # 0 + (1+2) + 1 + 2 + 2 + 6 + 1 + 0 + 1 + 0 + 2 + 6 + 4 = 28, and (10 - 8) % 10 = 2.
    assert school_code_check_digit("F11231010234") == "2"


school_codes = st.builds(
    lambda kind, prefecture, founder, number: kind + prefecture + founder + number,
    st.sampled_from(sorted(SCHOOL_KINDS)),
    st.sampled_from(sorted(PREFECTURES)),
    st.sampled_from(sorted(FOUNDERS)),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
).map(lambda first12: first12 + school_code_check_digit(first12))


@fast
@given(school_codes)
def test_generated_school_codes_parse(code: str) -> None:
    assert is_valid_school_code(code)
    parsed = parse_school_code(code)
    assert parsed.code == code
    assert parsed.kind + parsed.prefecture + parsed.founder_code == code[:5]
    assert parsed.school_number + parsed.check_digit == code[5:]
    assert parsed.kind_label == SCHOOL_KINDS[parsed.kind]
    assert parsed.founder == FOUNDERS[parsed.founder_code]


@fast
@given(school_codes, st.integers(min_value=0, max_value=12), st.data())
def test_any_single_character_change_is_detected(
    code: str, position: int, data: st.DataObject
) -> None:
    alphabet = "ABCDEFGH" if position == 0 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_school_code(changed)


@fast
@given(school_codes, digits)
def test_only_the_computed_check_digit_is_valid(code: str, digit: str) -> None:
    assert is_valid_school_code(code[:12] + digit) == (digit == code[12])


def test_fictional_prefecture_only_where_declared(settings: object) -> None:
    """The demo's みらい県 (48) is valid in development, never in production."""
    from manabi.core.codes import known_prefectures

    settings.FICTIONAL_PREFECTURES = {"48": "みらい県"}  # type: ignore[attr-defined]
    assert is_valid_local_government_code("480002")
    assert known_prefectures()["48"] == "みらい県"
    settings.FICTIONAL_PREFECTURES = {}  # type: ignore[attr-defined]
    assert not is_valid_local_government_code("480002")
