"""調査書 (the 中学校's report to a 高等学校 for its entrance selection) — profiles, assembly,
access and print.

The fields of a 調査書 are set by each prefecture's 入学者選抜実施要項, so its shape is data: a
*profile* (``data/transcript_profiles/*.json``, read by the pure :func:`parse_profile`) names the
学年 columns, the 9教科, whether 観点 are shown, the 合計 and 換算 (weights per 学年), the
出欠の記録, 特別活動の記録, 行動の記録, 総合所見 and 特記事項 with their character limits, and
every label. manabi ships one profile, for the fictional みらい県 (``mirai_2026``); it is an
example, not any real prefecture's form.

:func:`transcript_content` assembles a pupil's 調査書 from what already exists: the 学年末
評定 (``RatingResult`` term 0) of each 学年 the pupil spent at the school (the 授業クラス of
that 年度), the attendance book's year totals of the pupil's 学級 of that year, the ○ of
行動の記録 and 特別活動の記録, and the year's ``Narrative`` 総合所見 (term 0). A 学年 with no
record shows blank, with a note saying why. 特記事項 has no home in the grades models yet: it is
printed from the profile's default text (a ``Transcript`` model for its own free text and its
issue/approval state is a follow-up).

Access (別表1): seeing is 成績入力 「調査書」 (``grades_entry.report``, 閲覧), printing is
成績出力 「調査書」 (``grades_output.report``, 印刷); both 学級担当 by default, 管理者 for the
managers (:func:`access_transcript_class`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.http import Http404
from django.utils import timezone

from manabi.attendance import selectors as attendance_selectors
from manabi.classes.models import SchoolClass
from manabi.core import wareki
from manabi.grades import cumulative, selectors
from manabi.grades.datafiles import DataError, load_keyed
from manabi.grades.models import YEAR_TERM, BehaviourItem, CheckGroup, NarrativeKind
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment, Student

PROFILES_DIR = Path(__file__).with_name("data") / "transcript_profiles"
PROFILE_FORMAT = "manabi-transcript-profile/1"
FORMAT = "manabi-transcript/1"
DEFAULT_PROFILE = "mirai_2026"


GRADE_RANGE = range(1, 4)  # 中学校 第1〜3学年
TEXT_MAX = 2000

LABEL_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "title": "表題",
        "subjects": "各教科の学習の記録",
        "rating": "評定",
        "viewpoints": "観点別学習状況",
        "grade_sum": "学年ごとの評定の合計",
        "totals": "合計・換算",
        "attendance": "出欠の記録",
        "lesson_days": "授業日数",
        "absent_days": "欠席日数",
        "absence_reason": "主な欠席理由",
        "special_activities": "特別活動の記録",
        "behaviour": "行動の記録",
        "overall": "総合所見",
        "notes": "特記事項",
    }
)
_FIELDS = (
    "format",
    "key",
    "name",
    "version",
    "description",
    "grades",
    "rating_max",
    "subjects",
    "grade_sums",
    "totals",
    "attendance",
    "special_activities",
    "behaviour",
    "overall",
    "notes",
    "labels",
)
_REQUIRED = tuple(f for f in _FIELDS if f not in ("description", "grade_sums"))
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


# ---------------------------------------------------------------------------------------------
# Profiles (pure)


class ProfileError(DataError):
    """A 調査書 profile is not valid; ``errors`` lists every problem, in Japanese."""


@dataclass(frozen=True)
class Total:
    """合計 or 換算: the sum of the 評定 of the profile's subjects, weighted per 学年."""

    key: str
    label: str
    weights: Mapping[int, int]  # 学年 → weight


@dataclass(frozen=True)
class TextField:
    max_chars: int
    default: str = ""


@dataclass(frozen=True)
class Profile:
    """The shape of one prefecture's 調査書 (様式)."""

    key: str
    name: str
    version: int
    description: str
    grades: tuple[int, ...]
    rating_max: int
    subjects: tuple[str, ...]
    show_viewpoints: bool
    grade_sums: bool
    totals: tuple[Total, ...]
    show_attendance: bool
    reason_max_chars: int
    show_special_activities: bool
    special_activities_max_chars: int
    show_behaviour: bool
    overall: TextField
    notes: TextField
    labels: Mapping[str, str]

    def total_max(self, total: Total) -> int:
        return self.rating_max * len(self.subjects) * sum(total.weights.values())

    def label(self, key: str) -> str:
        return self.labels[key]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(
    value: object, where: str, errors: list[str], *, maximum: int = 200, empty: bool = False
) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        errors.append(f"{where} は空でない文字列にしてください。")
        return ""
    if len(value) > maximum:
        errors.append(f"{where} は{maximum}文字以内にしてください (いま{len(value)}文字)。")
    return value.strip()


def _positive(value: object, where: str, errors: list[str], *, maximum: int) -> int:
    if not _is_int(value) or not 1 <= int(str(value)) <= maximum:
        errors.append(f"{where} は 1〜{maximum} の整数にしてください。")
        return 1
    return int(str(value))


def _flag(value: object, where: str, errors: list[str]) -> bool:
    if not isinstance(value, bool):
        errors.append(f"{where} は true か false にしてください。")
        return False
    return value


def _section(
    data: Mapping[str, object], name: str, allowed: Sequence[str], errors: list[str]
) -> Mapping[str, object]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        errors.append(f"{name} は JSON のオブジェクト ({{ … }}) にしてください。")
        return {}
    errors += [
        f"{name} に不明な項目「{key}」があります。使える項目は {'・'.join(allowed)} です。"
        for key in value
        if key not in allowed
    ]
    return value


def _grades(value: object, errors: list[str]) -> tuple[int, ...]:
    where = "grades (学年の列)"
    if (
        not isinstance(value, list)
        or not value
        or not all(_is_int(g) and g in GRADE_RANGE for g in value)
    ):
        errors.append(f"{where} は 1〜3 の学年の並び (例: [1, 2, 3]) にしてください。")
        return ()
    if len(set(value)) != len(value) or value != sorted(value):
        errors.append(f"{where} は重複のない昇順にしてください。")
    return tuple(int(g) for g in value)


def _subjects(data: Mapping[str, object], errors: list[str]) -> tuple[tuple[str, ...], bool]:
    section = _section(data, "subjects", ("names", "show_viewpoints"), errors)
    names = section.get("names")
    where = "subjects.names (教科)"
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and n.strip() for n in names)
    ):
        errors.append(f'{where} は教科名の並び (例: ["国語", "社会"]) にしてください。')
        names = []
    elif len(set(names)) != len(names):
        errors.append(f"{where} に同じ教科が重複しています。")
    show = _flag(section.get("show_viewpoints", False), "subjects.show_viewpoints", errors)
    return tuple(str(n).strip() for n in names), show


def _totals(value: object, grades: Sequence[int], errors: list[str]) -> tuple[Total, ...]:
    if not isinstance(value, list):
        errors.append("totals (合計・換算) は項目の並び ([ … ]) にしてください。")
        return ()
    found: list[Total] = []
    # With no valid 学年 columns (reported already) only the range is checked here.
    known = tuple(grades) or tuple(GRADE_RANGE)
    for i, item in enumerate(value):
        where = f"totals[{i}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where} は JSON のオブジェクト ({{ … }}) にしてください。")
            continue
        errors += [
            f"{where} に不明な項目「{k}」があります。使える項目は key・label・weights です。"
            for k in item
            if k not in ("key", "label", "weights")
        ]
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.append(f"{where}.key は半角英小文字・数字・_ の名前にしてください。")
            key = f"total{i}"
        elif any(t.key == key for t in found):
            errors.append(f"{where}.key 「{key}」が重複しています。")
        label = _text(item.get("label"), f"{where}.label", errors, maximum=60)
        raw = item.get("weights")
        weights: dict[int, int] = {}
        if not isinstance(raw, Mapping) or not raw:
            errors.append(f'{where}.weights は学年ごとの重み (例: {{"3": 2}}) にしてください。')
        else:
            for grade, weight in raw.items():
                if not (str(grade).isascii() and str(grade).isdigit()) or int(grade) not in known:
                    errors.append(
                        f"{where}.weights の学年「{grade}」は grades に含まれていません。"
                    )
                    continue
                weights[int(grade)] = _positive(
                    weight, f"{where}.weights の第{grade}学年の重み", errors, maximum=10
                )
        found.append(Total(key, label, MappingProxyType(dict(sorted(weights.items())))))
    return tuple(found)


def _text_field(data: Mapping[str, object], name: str, errors: list[str]) -> TextField:
    section = _section(data, name, ("max_chars", "default"), errors)
    maximum = _positive(
        section.get("max_chars"), f"{name}.max_chars (文字数の上限)", errors, maximum=TEXT_MAX
    )
    default = _text(
        section.get("default", ""), f"{name}.default", errors, maximum=maximum, empty=True
    )
    return TextField(maximum, default)


def _labels(value: object, errors: list[str]) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        errors.append("labels (欄の名前) は JSON のオブジェクト ({ … }) にしてください。")
        return MappingProxyType(dict(LABEL_KEYS))
    errors += [
        f"labels に不明な項目「{k}」があります。使える項目は {'・'.join(LABEL_KEYS)} です。"
        for k in value
        if k not in LABEL_KEYS
    ]
    labels: dict[str, str] = {}
    for key, meaning in LABEL_KEYS.items():
        if key not in value:
            errors.append(f"labels.{key} ({meaning}の欄の名前) がありません。")
            labels[key] = meaning
        else:
            labels[key] = _text(value[key], f"labels.{key} ({meaning})", errors, maximum=40)
    return MappingProxyType(labels)


def parse_profile(data: object) -> Profile:
    """Read and check a 調査書 profile (pure); ``ProfileError`` lists every problem at once,
    each naming its field."""
    if not isinstance(data, Mapping):
        raise ProfileError(["調査書の様式は JSON のオブジェクト ({ … }) で書いてください。"])
    errors = [
        f"不明な項目「{name}」があります。使える項目は {'・'.join(_FIELDS)} です。"
        for name in data
        if name not in _FIELDS
    ]
    missing = [name for name in _REQUIRED if name not in data]
    errors += [f"項目「{name}」がありません。" for name in missing]
    if missing:
        raise ProfileError(errors)
    if data["format"] != PROFILE_FORMAT:
        errors.append(f"format は「{PROFILE_FORMAT}」にしてください。")
    key = data["key"]
    if not isinstance(key, str) or not _KEY.match(key):
        errors.append("key は半角英小文字で始まる英小文字・数字・_ の名前にしてください。")
    name = _text(data["name"], "name (様式の名前)", errors, maximum=100)
    version = _positive(data["version"], "version (版)", errors, maximum=9999)
    description = _text(data.get("description", ""), "description", errors, maximum=500, empty=True)
    grades = _grades(data["grades"], errors)
    rating_max = _positive(data["rating_max"], "rating_max (評定の最高値)", errors, maximum=10)
    subjects, show_viewpoints = _subjects(data, errors)
    grade_sums = _flag(data.get("grade_sums", False), "grade_sums", errors)
    totals = _totals(data["totals"], grades, errors)
    attendance = _section(data, "attendance", ("show", "reason_max_chars"), errors)
    special = _section(data, "special_activities", ("show", "max_chars"), errors)
    behaviour = _section(data, "behaviour", ("show",), errors)
    profile = Profile(
        key=str(key),
        name=name,
        version=version,
        description=description,
        grades=grades,
        rating_max=rating_max,
        subjects=subjects,
        show_viewpoints=show_viewpoints,
        grade_sums=grade_sums,
        totals=totals,
        show_attendance=_flag(attendance.get("show"), "attendance.show", errors),
        reason_max_chars=_positive(
            attendance.get("reason_max_chars", 40),
            "attendance.reason_max_chars (主な欠席理由の文字数)",
            errors,
            maximum=TEXT_MAX,
        ),
        show_special_activities=_flag(special.get("show"), "special_activities.show", errors),
        special_activities_max_chars=_positive(
            special.get("max_chars", 100),
            "special_activities.max_chars (文字数の上限)",
            errors,
            maximum=TEXT_MAX,
        ),
        show_behaviour=_flag(behaviour.get("show"), "behaviour.show", errors),
        overall=_text_field(data, "overall", errors),
        notes=_text_field(data, "notes", errors),
        labels=_labels(data["labels"], errors),
    )
    if errors:
        raise ProfileError(list(dict.fromkeys(errors)))
    return profile


@functools.cache
def _load_shipped() -> Mapping[str, Profile]:
    return load_keyed(PROFILES_DIR, parse_profile, ProfileError)


def shipped_profiles() -> dict[str, Profile]:
    """The 調査書 profiles shipped with manabi (``data/transcript_profiles/*.json``) by key."""
    return dict(_load_shipped())


def profile_or_404(key: str | None) -> Profile:
    profiles = _load_shipped()
    found = profiles.get(key or DEFAULT_PROFILE)
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# Pure sums


def weighted_total(
    profile: Profile, total: Total, ratings: Mapping[int, Mapping[str, int | None]]
) -> dict[str, Any]:
    """A 合計 or 換算 from the 評定 by 学年 and subject (pure). ``complete`` only when every
    subject of every weighted 学年 has its 評定; ``missing`` names the gaps."""
    value = 0
    seen = 0
    missing: list[str] = []
    for grade, weight in total.weights.items():
        own = ratings.get(grade, {})
        for subject in profile.subjects:
            rating = own.get(subject)
            if rating is None:
                missing.append(f"第{grade}学年 {subject}")
            else:
                value += weight * rating
                seen += 1
    return {
        "key": total.key,
        "label": total.label,
        "value": value if seen else None,
        "max": profile.total_max(total),
        "complete": not missing,
        "missing": missing,
    }


def grade_sum(profile: Profile, ratings: Mapping[str, int | None]) -> dict[str, Any]:
    """The 評定 of one 学年 summed over the profile's subjects (pure)."""
    values = [ratings.get(s) for s in profile.subjects]
    given = [v for v in values if v is not None]
    return {
        "value": sum(given) if given else None,
        "max": profile.rating_max * len(profile.subjects),
        "complete": len(given) == len(values),
    }


def absence_reason(by_reason: Mapping[Any, int], max_chars: int) -> str:
    """主な欠席理由 from the days by reason category, most days first (pure)."""
    parts = [
        f"{category.label} {days}日"
        for category, days in sorted(by_reason.items(), key=lambda kv: -kv[1])
        if days > 0
    ]
    text = "、".join(parts)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def text_part(text: str, max_chars: int) -> dict[str, Any]:
    return {"text": text, "length": len(text), "max": max_chars, "over": len(text) > max_chars}


# ---------------------------------------------------------------------------------------------
# Assembly


@dataclass(frozen=True)
class YearPlace:
    """Where the pupil was in one 学年 column: the 年度 and the 学級 (from the 学籍)."""

    grade: int
    fiscal_year: int
    school_class: SchoolClass | None


def years_at_school(
    student: Student, school: Organisation, fiscal_year: int
) -> dict[int, YearPlace]:
    """The pupil's 年度 for each 中学校 学年 at the school, up to ``fiscal_year`` (the latest
    placement of each 年度; 義務教育学校 7–9年 count as 1–3)."""
    placed: dict[int, Enrolment] = {}
    for e in (
        Enrolment.objects.filter(
            student=student, school=school, is_provisional=False, fiscal_year__lte=fiscal_year
        )
        .select_related("school_class")
        .order_by("fiscal_year", "start_date")
    ):
        placed[e.fiscal_year] = e
    years: dict[int, YearPlace] = {}
    for year, e in sorted(placed.items()):
        level, grade = selectors.school_level(school, e.grade)
        if level == "junior_high":
            years[grade] = YearPlace(grade, year, e.school_class)
    return years


def _attendance_of(place: YearPlace, student_id: int, max_chars: int) -> dict[str, Any] | None:
    if place.school_class is None:
        return None
    for pupil in attendance_selectors.class_year_totals(place.school_class):
        if pupil.enrolment.student_id == student_id:
            t = pupil.totals
            return {
                "lesson_days": t.lesson_days,
                "absent_days": t.absent_days,
                "reason": absence_reason(t.absence_by_reason, max_chars),
            }
    return None


def _marks(chosen: set[str], items: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"key": k, "label": label, "mark": k in chosen} for k, label in items]


def _column_note(grade: int, current: int, place: YearPlace | None, has_data: bool) -> str:
    if grade > current:
        return f"第{grade}学年は未履修です。"
    if place is None and not has_data:
        return f"第{grade}学年の当校の在籍記録がありません (転入前など)。"
    if not has_data:
        return f"第{grade}学年の成績の記録がありません。"
    return ""


def transcript_content(
    student: Student, school: Organisation, fiscal_year: int, profile: Profile
) -> dict[str, Any]:
    """A pupil's 調査書 of a 年度 as plain JSON, assembled from the data that exists (a few
    queries per 学年)."""
    places = years_at_school(student, school, fiscal_year)
    current_place = next((p for p in places.values() if p.fiscal_year == fiscal_year), None)
    current = current_place.grade if current_place else max(profile.grades)
    columns: list[dict[str, Any]] = []
    ratings: dict[int, dict[str, int | None]] = {}
    subject_cells: dict[str, list[dict[str, Any]]] = {s: [] for s in profile.subjects}
    attendance: list[dict[str, Any] | None] = []
    special: list[dict[str, Any]] = []
    behaviour: list[list[dict[str, Any]]] = []
    read: dict[int, selectors.PupilYear | None] = {}
    special_items = selectors.special_activity_items("junior_high")
    behaviour_items = [(i.value, i.label) for i in BehaviourItem]
    for grade in profile.grades:
        place = places.get(grade)
        year_of = place.fiscal_year if place else fiscal_year - (current - grade)
        year: selectors.PupilYear | None = None
        if grade <= current:
            year = selectors.pupil_years(school.pk, year_of, [student.pk]).get(student.pk)
            read[year_of] = year
        own: dict[str, int | None] = {}
        viewpoints: dict[str, dict[str, str]] = {}
        for s in year.subjects if year else []:
            if s.subject in subject_cells and own.get(s.subject) is None:
                own[s.subject] = s.ratings.get(YEAR_TERM)
                viewpoints[s.subject] = dict(s.viewpoints.get(YEAR_TERM, {}))
        has_data = any(v is not None for v in own.values())
        ratings[grade] = own
        for subject, cells in subject_cells.items():
            cells.append({"rating": own.get(subject), "viewpoints": viewpoints.get(subject, {})})
        columns.append(
            {
                "grade": grade,
                "fiscal_year": year_of if grade <= current else None,
                "fiscal_year_label": wareki.format_fiscal_year(year_of) if grade <= current else "",
                "class": place.school_class.label if place and place.school_class else "",
                "note": _column_note(grade, current, place, has_data),
                "sum": grade_sum(profile, own),
            }
        )
        attendance.append(
            _attendance_of(place, student.pk, profile.reason_max_chars)
            if place and profile.show_attendance and grade <= current
            else None
        )
        checks = year.checks if year else {}
        narratives = year.narratives if year else {}
        special.append(
            {
                "items": _marks(
                    checks.get((CheckGroup.SPECIAL_ACTIVITIES, YEAR_TERM), set()), special_items
                ),
                **text_part(
                    narratives.get((NarrativeKind.SPECIAL_ACTIVITIES, YEAR_TERM), ""),
                    profile.special_activities_max_chars,
                ),
            }
        )
        behaviour.append(
            _marks(checks.get((CheckGroup.BEHAVIOUR, YEAR_TERM), set()), behaviour_items)
        )
    this_year = (
        read[fiscal_year]
        if fiscal_year in read
        else selectors.pupil_years(school.pk, fiscal_year, [student.pk]).get(student.pk)
    )
    overall = this_year.narratives if this_year else {}
    level, _ = selectors.school_level(school, current_place.grade if current_place else 7)
    notes = [c["note"] for c in columns if c["note"]]
    if level != "junior_high":
        notes.insert(0, "この学校は中学校ではありません。調査書は中学校の生徒について作成します。")
    return {
        "format": FORMAT,
        "profile": {"key": profile.key, "name": profile.name, "version": profile.version},
        "fiscal_year": fiscal_year,
        "school": {"name": school.name, "code": school.school_code},
        "pupil": {
            "code": student.code,
            "name": student.name,
            "kana": student.kana,
            "sex_label": student.get_sex_display(),
            "birth_date": student.birth_date.isoformat(),
        },
        "year": {
            "grade": current,
            "class": current_place.school_class.label
            if current_place and current_place.school_class
            else "",
        },
        "columns": columns,
        "subjects": [
            {"subject": subject, "cells": cells} for subject, cells in subject_cells.items()
        ],
        "totals": [weighted_total(profile, t, ratings) for t in profile.totals],
        "attendance": attendance,
        "special_activities": special,
        "behaviour": behaviour,
        "overall": text_part(
            overall.get((NarrativeKind.OVERALL, YEAR_TERM), ""), profile.overall.max_chars
        ),
        "notes": text_part(profile.notes.default, profile.notes.max_chars),
        "gaps": notes,
    }


# ---------------------------------------------------------------------------------------------
# Display and print


VIEWPOINT_SHORT = (("knowledge", "知"), ("thinking", "思"), ("attitude", "態"))


def display_of(content: Mapping[str, Any], profile: Profile) -> dict[str, Any]:
    """What a page or the PDF shows beside the content: labels, 和暦 dates and the rows of the
    学年 table side by side."""
    pupil = content.get("pupil", {})
    birth = pupil.get("birth_date")
    behaviour = content.get("behaviour", [])
    rows = [
        {
            "label": item.label,
            "marks": [n < len(column) and bool(column[n]["mark"]) for column in behaviour],
        }
        for n, item in enumerate(BehaviourItem)
    ]
    return {
        "labels": dict(profile.labels),
        "fiscal_year": wareki.format_fiscal_year(int(content.get("fiscal_year", 2000))),
        "birth_date": wareki.format_date(date.fromisoformat(birth)) if birth else "",
        "show_viewpoints": profile.show_viewpoints,
        "subjects": [
            {
                "subject": s["subject"],
                "cells": [
                    {
                        "rating": cell.get("rating"),
                        "marks": " ".join(
                            f"{short}{cell.get('viewpoints', {}).get(key, '')}"
                            for key, short in VIEWPOINT_SHORT
                            if cell.get("viewpoints", {}).get(key)
                        ),
                    }
                    for cell in s.get("cells", [])
                ],
            }
            for s in content.get("subjects", [])
        ],
        "columns": list(
            zip(content.get("columns", []), content.get("attendance", []), strict=False)
        ),
        "behaviour_rows": rows,
        "specials": list(
            zip(content.get("columns", []), content.get("special_activities", []), strict=False)
        ),
    }


def pdf_context(content: Mapping[str, Any], profile: Profile, *, principal: str) -> dict[str, Any]:
    return {
        "content": content,
        "display": display_of(content, profile),
        "profile": profile,
        "principal": principal,
        "printed_on": wareki.format_date(timezone.localdate()),
    }


def render_transcript_pdf(
    content: Mapping[str, Any], profile: Profile, *, principal: str = ""
) -> bytes:
    """The 調査書 on A4 (raises ``core.pdf.PdfUnavailable`` without WeasyPrint)."""
    from manabi.core.pdf import render_pdf

    return render_pdf(
        "grades/transcripts/pdf/transcript.html",
        pdf_context(content, profile, principal=principal),
    )


def principal_of(school: Organisation) -> str:
    return cumulative.principal_name(school.pk, timezone.localdate())


def file_name(content: Mapping[str, Any]) -> str:
    name = str(content.get("pupil", {}).get("name", "")).replace(" ", "").replace("　", "")
    return f"調査書_{content.get('fiscal_year')}年度_{name}.pdf"
