"""歯式 and 歯・口腔 findings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manabi.health.teeth import (
    ALL_POSITIONS,
    Dentition,
    OralFindings,
    OralItem,
    OralScale,
    Quadrant,
    ToothChart,
    ToothChartError,
    ToothCounts,
    ToothMark,
    ToothPosition,
    gingiva_code,
    parse_chart,
    parse_chart_lines,
    parse_mark,
    parse_position,
    parse_scale,
    scale_label,
)

# --- positions -------------------------------------------------------------------------------


def test_there_are_52_positions_in_the_forms_order() -> None:
    assert len(ALL_POSITIONS) == 52
    assert len(set(ALL_POSITIONS)) == 52
    labels = [p.label for p in ALL_POSITIONS]
    assert labels[:16] == [f"右上{n}" for n in "87654321"] + [f"左上{n}" for n in "12345678"]
    assert labels[16:26] == [f"右上{n}" for n in "EDCBA"] + [f"左上{n}" for n in "ABCDE"]
    assert labels[26:36] == [f"右下{n}" for n in "EDCBA"] + [f"左下{n}" for n in "ABCDE"]
    assert labels[36:] == [f"右下{n}" for n in "87654321"] + [f"左下{n}" for n in "12345678"]
    assert sum(p.dentition is Dentition.PERMANENT for p in ALL_POSITIONS) == 32
    assert sum(p.dentition is Dentition.PRIMARY for p in ALL_POSITIONS) == 20


@pytest.mark.parametrize(
    ("label", "fdi"),
    [("右上6", "16"), ("左上1", "21"), ("左下7", "37"), ("右下8", "48"), ("右上E", "55"),
     ("左上A", "61"), ("左下D", "74"), ("右下C", "83")],
)  # fmt: skip
def test_fdi_codes(label: str, fdi: str) -> None:
    assert parse_position(label).fdi == fdi


def test_parse_position_takes_full_width() -> None:
    assert parse_position("右上６") == ToothPosition(Quadrant.UPPER_RIGHT, "6")
    assert parse_position("左下ｅ") == ToothPosition(Quadrant.LOWER_LEFT, "E")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("右上9", "右上9: 歯の番号は永久歯1〜8、乳歯A〜Eです。"),
        ("真ん中1", "「真ん中1」は歯の位置ではありません（例: 右上6、左下E）。"),
    ],
)
def test_parse_position_errors(text: str, problem: str) -> None:
    with pytest.raises(ToothChartError) as caught:
        parse_position(text)
    assert caught.value.problems == [problem]


def test_a_position_must_be_a_real_tooth() -> None:
    with pytest.raises(ValueError, match="右上F"):
        ToothPosition(Quadrant.UPPER_RIGHT, "F")
    with pytest.raises(ValueError):
        ToothPosition(Quadrant.UPPER_RIGHT, "67")


# --- marks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("/", ToothMark.PRESENT),
        ("／", ToothMark.PRESENT),
        ("－", ToothMark.PRESENT),
        ("ー", ToothMark.PRESENT),
        ("C", ToothMark.DECAYED),
        ("ｃ", ToothMark.DECAYED),
        ("○", ToothMark.FILLED),
        ("〇", ToothMark.FILLED),
        ("△", ToothMark.MISSING),
        ("×", ToothMark.CAUTION_PRIMARY),
        ("x", ToothMark.CAUTION_PRIMARY),
        ("CO", ToothMark.OBSERVE),
        ("ＣＯ", ToothMark.OBSERVE),
        ("co", ToothMark.OBSERVE),
        ("Q", None),
        ("G", None),
        ("", None),
    ],
)
def test_parse_mark(text: str, mark: ToothMark | None) -> None:
    assert parse_mark(text) is mark


def test_mark_labels() -> None:
    assert {m.value: m.label for m in ToothMark} == {
        "/": "現在歯",
        "C": "未処置歯",
        "○": "処置歯",
        "△": "喪失歯",
        "×": "要注意乳歯",
        "CO": "要観察歯",
    }


# --- charts ----------------------------------------------------------------------------------

# A 小学3年 in the mixed dentition: 6s and incisors erupted, 乳臼歯 and 乳犬歯 still in.
MIXED = {
    "右上": "1/ 2/ 6C C/ DC E○",
    "左上": "1/ 2CO 6/ C× D/ E/",
    "右下": "1/ 2/ 6○ C/ D/ EC",
    "左下": "1/ 2/ 6C C/ DCO E×",
}


def test_parse_a_mixed_dentition_chart() -> None:
    chart = parse_chart(MIXED)
    assert chart.mark("右上6") is ToothMark.DECAYED
    assert chart.mark("左上C") is ToothMark.CAUTION_PRIMARY
    assert chart.mark("左上2") is ToothMark.OBSERVE
    assert chart.mark("右上3") is None
    assert chart.counts() == ToothCounts(
        primary_present=12,
        primary_decayed=2,
        primary_filled=1,
        permanent_present=12,
        permanent_decayed=2,
        permanent_filled=1,
        permanent_missing=0,
        observe=2,
        caution_primary=2,
    )
    assert chart.counts().dmf == 3
    assert chart.counts().has_untreated


def test_a_permanent_dentition_with_a_lost_tooth() -> None:
    # 中学3年: 28 permanent teeth erupted; 右下6 lost to caries, two filled, one C, one CO.
    full = "1/ 2/ 3/ 4/ 5/ 6/ 7/"
    chart = parse_chart(
        {
            "右上": "1/ 2/ 3/ 4/ 5/ 6○ 7/",
            "左上": "1/ 2/ 3/ 4/ 5/ 6○ 7CO",
            "右下": "1/ 2/ 3/ 4/ 5/ 6△ 7C",
            "左下": full,
        }
    )
    counts = chart.counts()
    assert counts == ToothCounts(
        primary_present=0,
        primary_decayed=0,
        primary_filled=0,
        permanent_present=27,
        permanent_decayed=1,
        permanent_filled=2,
        permanent_missing=1,
        observe=1,
        caution_primary=0,
    )
    assert counts.dmf == 4


def test_a_sound_chart_has_no_dmf() -> None:
    chart = parse_chart({"右上": "1/ 2/", "左上": "1- 2-"})
    counts = chart.counts()
    assert (counts.permanent_present, counts.dmf, counts.has_untreated) == (4, 0, False)


def test_full_width_and_separators() -> None:
    chart = parse_chart({"右上": "６Ｃ、５／，Ｅ×　1〇", "左下": "6-,7ー"})
    assert chart.to_dict() == {
        "右上6": "C",
        "右上5": "/",
        "右上1": "○",
        "右上E": "×",
        "左下6": "/",
        "左下7": "/",
    }


def test_to_dict_and_back() -> None:
    chart = parse_chart(MIXED)
    stored = chart.to_dict()
    assert list(stored)[:4] == ["右上6", "右上2", "右上1", "左上1"]
    assert ToothChart.from_dict(stored) == chart


def test_from_dict_reports_every_problem() -> None:
    with pytest.raises(ToothChartError) as caught:
        ToothChart.from_dict(
            {"右上6": "Q", "右上9": "/", "左下E": "△", "左上6": "×", "右下1": "GO"}
        )
    assert caught.value.problems == [
        "右上6: 記号「Q」は使えません（使える記号: ／（－） C ○ △ × CO）。",
        "右上9: 歯の番号は永久歯1〜8、乳歯A〜Eです。",
        "右下1: G・GOは歯ごとではなく「歯肉の状態」に記入します。",
        "左上6: ×（要注意乳歯）は乳歯にだけ使います。",
        "左下E: △（喪失歯）は永久歯にだけ使います。乳歯が抜けた所は空欄にします。",
    ]


def test_parse_chart_reports_every_problem() -> None:
    with pytest.raises(ToothChartError) as caught:
        parse_chart({"右上": "6Q 6C 6/ 9/ 5", "中央": "1/", "左上": "D△"})
    assert caught.value.problems == [
        "右上6: 記号「Q」は使えません（使える記号: ／（－） C ○ △ × CO）。",
        "右上6: 2回記入されています。",
        "右上: 「9/」は歯の番号（永久歯1〜8、乳歯A〜E）で始まっていません（例: 6C、E×）。",
        "右上5: 記号がありません（使える記号: ／（－） C ○ △ × CO）。",
        "「中央」は歯式の区分（右上・左上・右下・左下）ではありません。",
        "左上D: △（喪失歯）は永久歯にだけ使います。乳歯が抜けた所は空欄にします。",
    ]
    assert str(caught.value).startswith("歯式に誤りがあります:\n- 右上6: 記号「Q」")


def test_the_model_itself_refuses_a_wrong_dentition() -> None:
    with pytest.raises(ToothChartError) as caught:
        ToothChart({ToothPosition(Quadrant.UPPER_RIGHT, "6"): ToothMark.CAUTION_PRIMARY})
    assert caught.value.problems == ["右上6: ×（要注意乳歯）は乳歯にだけ使います。"]


def test_parse_chart_lines() -> None:
    chart = parse_chart_lines("右上: 6C 5/\n\n左下：E×\n右下 6○\n")
    assert chart.to_dict() == {"右上6": "C", "右上5": "/", "左下E": "×", "右下6": "○"}
    with pytest.raises(ToothChartError) as caught:
        parse_chart_lines("右上 6C\n上 1/")
    assert caught.value.problems == [
        "2行目: 行の初めに右上・左上・右下・左下のどれかを書いてください。"
    ]


permanent_marks = st.sampled_from([m for m in ToothMark if m is not ToothMark.CAUTION_PRIMARY])
primary_marks = st.sampled_from([m for m in ToothMark if m is not ToothMark.MISSING])


@st.composite
def charts(draw: st.DrawFn) -> ToothChart:
    positions = draw(st.sets(st.sampled_from(ALL_POSITIONS)))
    return ToothChart(
        {
            p: draw(permanent_marks if p.dentition is Dentition.PERMANENT else primary_marks)
            for p in positions
        }
    )


@given(chart=charts())
def test_counts_add_up_and_the_dict_round_trips(chart: ToothChart) -> None:
    counts = chart.counts()
    marks = list(chart.marks.values())
    assert counts.primary_present + counts.permanent_present + counts.permanent_missing == len(
        marks
    )
    assert counts.primary_decayed + counts.primary_filled <= counts.primary_present
    assert counts.permanent_decayed + counts.permanent_filled <= counts.permanent_present
    assert counts.dmf <= 32
    assert counts.observe == marks.count(ToothMark.OBSERVE)
    assert ToothChart.from_dict(chart.to_dict()) == chart


# --- 歯列・咬合, 顎関節, 歯垢, 歯肉 ---------------------------------------------------------------


def test_scale_labels() -> None:
    assert [scale_label(OralItem.OCCLUSION, v) for v in OralScale] == [
        "異常なし",
        "定期的観察が必要",
        "専門医（歯科医師）による診断が必要",
    ]
    assert scale_label(OralItem.JAW_JOINT, OralScale.REFER) == "専門医（歯科医師）による診断が必要"
    assert [scale_label(OralItem.PLAQUE, v) for v in OralScale] == [
        "ほとんど付着なし",
        "若干の付着あり",
        "相当の付着あり",
    ]
    assert [scale_label(OralItem.GINGIVA, v) for v in OralScale] == [
        "異常なし",
        "定期的観察が必要（GO: 歯周疾患要観察者）",
        "専門医（歯科医師）による診断が必要（G）",
    ]


def test_gingiva_codes() -> None:
    assert [gingiva_code(v) for v in OralScale] == [None, "GO", "G"]
    findings = OralFindings(
        occlusion=OralScale.NORMAL,
        jaw_joint=OralScale.NORMAL,
        plaque=OralScale.OBSERVE,
        gingiva=OralScale.OBSERVE,
    )
    assert findings.gingiva_code == "GO"
    assert [item for item, _ in findings.items()] == list(OralItem)


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("0", OralItem.OCCLUSION, OralScale.NORMAL),
        ("１", OralItem.PLAQUE, OralScale.OBSERVE),
        ("2", OralItem.JAW_JOINT, OralScale.REFER),
        ("GO", OralItem.GINGIVA, OralScale.OBSERVE),
        ("ｇ", OralItem.GINGIVA, OralScale.REFER),
        ("", OralItem.GINGIVA, None),
    ],
)
def test_parse_scale(text: str, item: OralItem, value: OralScale | None) -> None:
    assert parse_scale(text, item=item) is value


@pytest.mark.parametrize(
    ("text", "item", "message"),
    [
        ("3", OralItem.OCCLUSION, "歯列・咬合: 「3」は使えません。0・1・2で入力してください。"),
        ("GO", OralItem.PLAQUE, "歯垢の状態: 「GO」は使えません。0・1・2で入力してください。"),
        (
            "P",
            OralItem.GINGIVA,
            "歯肉の状態: 「P」は使えません。0・1・2、またはGO・Gで入力してください。",
        ),
    ],
)
def test_parse_scale_errors(text: str, item: OralItem, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_scale(text, item=item)
    assert str(caught.value) == message
