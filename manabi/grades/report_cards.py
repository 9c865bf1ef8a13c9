"""通知表 (report cards): the school's layout as data, a pupil's card, its PDF and the bulk PDF of
a class as a background job.

- **Layouts** (通知表の様式): three shipped patterns (``models.LayoutPattern``) as pure default
  configs; a school's changes (which 欄, which terms, 所見の文字数, 学校からの連絡, 表題, whether
  校長名・担任名 are shown) are checked by :func:`check_config` and kept in ``ReportCardLayout``
  for the school's 年度 by :func:`layout_save`.
- **Cards**: :func:`card_data` reads a class's pupils' year (``selectors.pupil_years``), their
  出欠 (``attendance.selectors.class_year_totals``, the months of each term summed) and the
  names on the card; :func:`build_card` turns plain values into a :class:`Card` (pure).
- **PDF**: :func:`cards_pdf` renders cards with WeasyPrint, one A4 page per pupil; the print
  preview embeds the same PDF.
- **Bulk**: :func:`batch_create` asks for a class's PDF in one action (``ReportCardBatch``),
  :func:`batch_run` (the django-tasks task of ``grades.tasks``) makes it pupil by pupil with
  progress.

A 所見 longer than the layout's 所見の文字数 is never cut: the entry refuses it
(:func:`remarks_max_length` gives the limit to pass to ``services.narrative_save``), and one
saved before the layout was shortened is shown whole, with a warning on the preview.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting
from manabi.attendance import rules as attendance_rules
from manabi.attendance import selectors as attendance_selectors
from manabi.attendance.reports import homeroom_teachers
from manabi.classes.models import SchoolClass
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.pdf import render_pdf
from manabi.eligibility.selectors import principal_name_of
from manabi.grades import permissions, rules, selectors
from manabi.grades.models import (
    YEAR_TERM,
    BatchStatus,
    BehaviourItem,
    CheckGroup,
    LayoutPattern,
    NarrativeKind,
    ReportCardBatch,
    ReportCardLayout,
    SpecialActivityItem,
    Term,
    ViewpointChoice,
)
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "grades/report_cards/pdf/cards.html"

# ---------------------------------------------------------------------------------------------
# Layouts as data (pure).

COLUMNS: dict[str, str] = {
    "viewpoints": "観点別学習状況",
    "rating": "評定",
    "remarks": "所見",
    "attendance": "出欠の記録",
    "behaviour": "行動の記録",
    "special_activities": "特別活動の記録",
    "school_message": "学校からの連絡",
    "guardian_seal": "保護者印欄",
}
TERM_CHOICES: dict[int, str] = {1: "1学期 (前期)", 2: "2学期 (後期)", 3: "3学期", 0: "学年末"}
REMARKS_MIN, REMARKS_MAX = 50, 400
MESSAGE_MAX = 400
TITLE_MAX = 40
CONFIG_KEYS = frozenset(
    {
        "title",
        "columns",
        "terms",
        "remarks_length",
        "school_message",
        "show_principal",
        "show_homeroom",
    }
)

_COMMON: dict[str, Any] = {
    "title": "通知表",
    "terms": [1, 2, 3, 0],
    "remarks_length": 200,
    "school_message": "",
    "show_principal": True,
    "show_homeroom": True,
}
DEFAULTS: dict[str, dict[str, Any]] = {
    LayoutPattern.STANDARD: {
        **_COMMON,
        "columns": [
            "viewpoints",
            "rating",
            "remarks",
            "attendance",
            "behaviour",
            "special_activities",
            "school_message",
            "guardian_seal",
        ],
    },
    LayoutPattern.ELEMENTARY_LOW: {
        **_COMMON,
        "title": "あゆみ",
        "columns": [
            "viewpoints",
            "remarks",
            "attendance",
            "behaviour",
            "special_activities",
            "school_message",
            "guardian_seal",
        ],
    },
    LayoutPattern.COMPACT: {**_COMMON, "columns": ["rating", "remarks"], "remarks_length": 150},
}


@dataclass(frozen=True)
class LayoutConfig:
    """A school's 通知表 layout: the pattern it starts from and every setting in force."""

    pattern: str
    title: str
    columns: tuple[str, ...]
    terms: tuple[int, ...]
    remarks_length: int
    school_message: str
    show_principal: bool
    show_homeroom: bool

    def shows(self, column: str) -> bool:
        return column in self.columns

    def as_data(self) -> dict[str, Any]:
        """The settings as JSON data (what ``ReportCardLayout.config`` keeps)."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "terms": list(self.terms),
            "remarks_length": self.remarks_length,
            "school_message": self.school_message,
            "show_principal": self.show_principal,
            "show_homeroom": self.show_homeroom,
        }


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_columns(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ["表示する欄の指定が正しくありません。"]
    unknown = [v for v in value if v not in COLUMNS]
    if unknown:
        return [f"表示する欄に「{'・'.join(unknown)}」はありません。"]
    if not value:
        return ["表示する欄を1つ以上選んでください。"]
    if len(set(value)) != len(value):
        return ["表示する欄に同じ欄が2回指定されています。"]
    return []


def _check_terms(value: object, term_numbers: Sequence[int]) -> list[str]:
    if not isinstance(value, list) or not all(_is_int(v) for v in value):
        return ["表示する学期の指定が正しくありません。"]
    allowed = {*term_numbers, YEAR_TERM}
    unknown = [v for v in value if v not in allowed]
    if unknown:
        names = "・".join(TERM_CHOICES.get(v, str(v)) for v in unknown)
        return [f"表示する学期「{names}」は成績処理設定にありません。"]
    if not value:
        return ["表示する学期を1つ以上選んでください。"]
    if len(set(value)) != len(value):
        return ["表示する学期に同じ学期が2回指定されています。"]
    return []


def _check_remarks_length(value: object) -> list[str]:
    if not _is_int(value):
        return ["所見の文字数は半角数字で入力してください。"]
    assert isinstance(value, int)
    if not REMARKS_MIN <= value <= REMARKS_MAX:
        return [
            f"所見の文字数は{REMARKS_MIN}〜{REMARKS_MAX}文字の範囲で指定してください"
            f" (いま{value}文字)。"
        ]
    return []


def _check_text(value: object, *, label: str, maximum: int, required: bool) -> list[str]:
    if not isinstance(value, str):
        return [f"{label}の指定が正しくありません。"]
    if required and not value.strip():
        return [f"{label}を入力してください。"]
    if len(value) > maximum:
        return [f"{label}は{maximum}文字以内で入力してください (いま{len(value)}文字)。"]
    return []


def check_config(
    data: Mapping[str, object], *, term_numbers: Sequence[int] = (1, 2, 3)
) -> list[str]:
    """What is wrong with a school's layout settings (pure), in Japanese; empty when none.

    ``data`` may leave settings out (the pattern's defaults apply); ``term_numbers`` are the
    terms of the school's 成績処理設定 (1, 2 under 2学期制)."""
    errors = [f"「{key}」は様式の設定にない項目です。" for key in data if key not in CONFIG_KEYS]
    checks: dict[str, Callable[[object], list[str]]] = {
        "columns": _check_columns,
        "terms": lambda v: _check_terms(v, term_numbers),
        "remarks_length": _check_remarks_length,
        "school_message": lambda v: _check_text(
            v, label="学校からの連絡", maximum=MESSAGE_MAX, required=False
        ),
        "title": lambda v: _check_text(v, label="表題", maximum=TITLE_MAX, required=True),
    }
    for key, check in checks.items():
        if key in data:
            errors += check(data[key])
    for key, label in (("show_principal", "校長名"), ("show_homeroom", "担任名")):
        if key in data and not isinstance(data[key], bool):
            errors.append(f"{label}を表示するかどうかの指定が正しくありません。")
    return errors


def layout_config(
    pattern: str,
    overrides: Mapping[str, object] | None = None,
    *,
    term_numbers: Sequence[int] = (1, 2, 3),
) -> LayoutConfig:
    """The layout of a shipped pattern with a school's changes (pure). Raises ``ValueError``
    (with the Japanese messages of :func:`check_config`) for an unknown pattern or bad
    changes."""
    if pattern not in DEFAULTS:
        raise ValueError(f"基本の様式「{pattern}」はありません。")
    changes = dict(overrides or {})
    errors = check_config(changes, term_numbers=term_numbers)
    if errors:
        raise ValueError(" ".join(errors))
    data = {**DEFAULTS[pattern], **changes}
    # Shown in the order of the paper form, not of the form's ticks.
    columns = tuple(c for c in COLUMNS if c in data["columns"])
    terms = tuple(t for t in (1, 2, 3, YEAR_TERM) if t in data["terms"])
    return LayoutConfig(
        pattern=pattern,
        title=str(data["title"]).strip(),
        columns=columns,
        terms=terms,
        remarks_length=int(data["remarks_length"]),
        school_message=str(data["school_message"]).replace("\r\n", "\n").strip(),
        show_principal=bool(data["show_principal"]),
        show_homeroom=bool(data["show_homeroom"]),
    )


def term_numbers_of(school_id: int, fiscal_year: int) -> list[int]:
    terms = selectors.terms_of(selectors.setup_of(school_id, fiscal_year))
    return [t.number for t in terms] or [1, 2, 3]


def layout_of(school_id: int, fiscal_year: int) -> LayoutConfig:
    """The layout in force at a school's 年度: its saved one, else the standard pattern."""
    row = ReportCardLayout.objects.filter(school_id=school_id, fiscal_year=fiscal_year).first()
    if row is None:
        return layout_config(LayoutPattern.STANDARD)
    try:
        return layout_config(
            row.pattern, {**row.config, "title": row.title}, term_numbers=(1, 2, 3)
        )
    except ValueError:
        logger.warning("report card layout %s does not check; the pattern's defaults apply", row.pk)
        return layout_config(row.pattern if row.pattern in DEFAULTS else LayoutPattern.STANDARD)


def remarks_max_length(school_id: int, fiscal_year: int) -> int:
    """所見の文字数 of the school's layout: the ``max_length`` for ``services.narrative_save``
    of a 所見 (NarrativeKind.REMARKS)."""
    return layout_of(school_id, fiscal_year).remarks_length


def layout_save(
    *,
    actor: Acting,
    school: Organisation,
    fiscal_year: int,
    pattern: str,
    config: Mapping[str, object],
) -> ReportCardLayout:
    """Save a school's 通知表の様式 for a 年度 (audited). Raises ``ValidationError`` with the
    Japanese messages of :func:`check_config`."""
    if actor.account is None:
        raise PermissionError("signed-in accounts only")
    try:
        layout = layout_config(
            pattern, config, term_numbers=term_numbers_of(school.pk, fiscal_year)
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    data = layout.as_data()
    title = data.pop("title")
    with transaction.atomic():
        row = (
            ReportCardLayout.objects.select_for_update()
            .filter(school=school, fiscal_year=fiscal_year)
            .first()
        ) or ReportCardLayout(school=school, fiscal_year=fiscal_year)
        before = {"pattern": row.pattern, "title": row.title, **row.config} if row.pk else {}
        row.pattern, row.title, row.config = pattern, title, data
        row.updated_by = actor.account
        row.save()
        after = {"pattern": pattern, "title": title, **data}
        audit_record(
            actor=actor,
            action="grades.report_card_layout.save",
            target=row,
            details={
                "fiscal_year": fiscal_year,
                "changed": sorted(k for k in after if before.get(k) != after[k]),
            },
        )
    return row


# ---------------------------------------------------------------------------------------------
# A pupil's card (pure once the data is read).

VIEWPOINT_ORDER = tuple(ViewpointChoice)


@dataclass(frozen=True)
class TermColumn:
    """A term column of the card; ``filled`` once the card's term has reached it."""

    number: int
    label: str
    filled: bool


@dataclass(frozen=True)
class MarkRow:
    """A row of marks, one per term column ("" where none or not yet)."""

    label: str
    marks: tuple[str, ...]


@dataclass(frozen=True)
class SubjectRow:
    subject: str
    viewpoints: tuple[MarkRow, ...]
    ratings: tuple[str, ...]


@dataclass(frozen=True)
class AttendanceRow:
    label: str
    cells: tuple[str, ...]  # ATTENDANCE_HEADER's order; "" for a term not yet reached


ATTENDANCE_HEADER = (
    "授業日数",
    "出席停止・忌引等の日数",
    "出席しなければならない日数",
    "欠席日数",
    "出席日数",
    "遅刻",
    "早退",
)


@dataclass(frozen=True)
class CardHeader:
    """The names on a card (the same for a class)."""

    school_name: str
    class_label: str
    fiscal_year_label: str
    homeroom: str
    principal: str


@dataclass(frozen=True)
class Card:
    """One pupil's 通知表 for a term, as the PDF shows it."""

    layout: LayoutConfig
    header: CardHeader
    student_id: int
    number: int | None
    name: str
    term: int
    term_label: str
    terms: tuple[TermColumn, ...]
    show_rating: bool
    subjects: tuple[SubjectRow, ...]
    remarks: str
    attendance: tuple[AttendanceRow, ...]
    behaviour: tuple[MarkRow, ...]
    special_activities: tuple[MarkRow, ...]
    special_activities_text: str

    @property
    def remarks_too_long(self) -> bool:
        return len(self.remarks) > self.layout.remarks_length


def term_columns(
    layout: LayoutConfig, terms: Sequence[tuple[int, str]], card_term: int
) -> tuple[TermColumn, ...]:
    """The term columns the layout shows, of the school's ``(number, name)`` terms; a card of
    term ``card_term`` fills its term and those before it, and 学年末 on the last term's card."""
    names = dict(terms)
    last = max(names) if names else 3
    columns = []
    for number in layout.terms:
        if number == YEAR_TERM:
            columns.append(TermColumn(YEAR_TERM, "学年末", card_term == last))
        elif number in names:
            columns.append(TermColumn(number, names[number], number <= card_term))
    return tuple(columns)


def _cells(columns: Sequence[TermColumn], value: Callable[[int], str]) -> tuple[str, ...]:
    return tuple(value(c.number) if c.filled else "" for c in columns)


def _subject_row(subject: selectors.SubjectYear, columns: Sequence[TermColumn]) -> SubjectRow:
    def rating(term: int) -> str:
        found = subject.ratings.get(term)
        return "" if found is None else str(found)

    def mark(viewpoint: str) -> Callable[[int], str]:
        return lambda term: subject.viewpoints.get(term, {}).get(viewpoint, "")

    return SubjectRow(
        subject=subject.subject,
        viewpoints=tuple(
            MarkRow(str(vp.label), _cells(columns, mark(vp.value))) for vp in VIEWPOINT_ORDER
        ),
        ratings=_cells(columns, rating),
    )


def _check_rows(
    pupil: selectors.PupilYear,
    group: str,
    items: Sequence[tuple[str, str]],
    columns: Sequence[TermColumn],
) -> tuple[MarkRow, ...]:
    def mark(item: str) -> Callable[[int], str]:
        return lambda t: "○" if item in pupil.checks.get((group, t), set()) else ""

    return tuple(MarkRow(label, _cells(columns, mark(value))) for value, label in items)


def _attendance_cells(totals: attendance_rules.Totals | None) -> tuple[str, ...]:
    if totals is None:
        return ("",) * len(ATTENDANCE_HEADER)
    return tuple(
        str(n)
        for n in (
            totals.lesson_days,
            totals.leave_days,
            totals.required_days,
            totals.absent_days,
            totals.present_days,
            totals.late,
            totals.early,
        )
    )


def build_card(
    *,
    layout: LayoutConfig,
    header: CardHeader,
    student_id: int,
    number: int | None,
    name: str,
    term: int,
    terms: Sequence[tuple[int, str]],
    pupil: selectors.PupilYear,
    attendance: Mapping[int, attendance_rules.Totals],
    scale: rules.Scale,
    special_activity_items: Sequence[tuple[str, str]] = tuple(SpecialActivityItem.choices),
) -> Card:
    """A pupil's card for ``term`` (pure): ``attendance`` maps term numbers (0 = the year) to
    the pupil's totals; no 評定 where the scale has none (小1・2)."""
    columns = term_columns(layout, terms, term)
    names = dict(terms)
    return Card(
        layout=layout,
        header=header,
        student_id=student_id,
        number=number,
        name=name,
        term=term,
        term_label=names.get(term, f"{term}学期"),
        terms=columns,
        show_rating=layout.shows("rating") and scale != rules.Scale.NONE,
        subjects=tuple(_subject_row(s, columns) for s in pupil.subjects),
        remarks=pupil.narratives.get((NarrativeKind.REMARKS, term), ""),
        attendance=tuple(
            AttendanceRow(
                c.label, _attendance_cells(attendance.get(c.number) if c.filled else None)
            )
            for c in columns
        ),
        behaviour=_check_rows(pupil, CheckGroup.BEHAVIOUR, BehaviourItem.choices, columns),
        special_activities=_check_rows(
            pupil, CheckGroup.SPECIAL_ACTIVITIES, special_activity_items, columns
        ),
        special_activities_text=pupil.narratives.get((NarrativeKind.SPECIAL_ACTIVITIES, term), ""),
    )


def term_of_month(year: int, month: int, terms: Sequence[tuple[int, date, date]]) -> int | None:
    """The term a month's 出欠 counts in (pure): the term its first day falls in, else the
    first term that starts during the month (a month split between terms counts whole)."""
    first = date(year, month, 1)
    last = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    for number, starts_on, ends_on in terms:
        if starts_on <= first <= ends_on:
            return number
    for number, starts_on, _ in sorted(terms, key=lambda t: t[1]):
        if first <= starts_on < last:
            return number
    return None


def term_attendance(
    months: Mapping[tuple[int, int], attendance_rules.Totals],
    terms: Sequence[tuple[int, date, date]],
) -> dict[int, attendance_rules.Totals]:
    """A pupil's 出欠 per term (pure), summed from the months (:func:`term_of_month`), and the
    year as term 0."""
    result = {number: attendance_rules.Totals.zero() for number, _, _ in terms}
    year = attendance_rules.Totals.zero()
    for (y, m), totals in sorted(months.items()):
        year = year + totals
        number = term_of_month(y, m, terms)
        if number is not None:
            result[number] = result[number] + totals
    result[YEAR_TERM] = year
    return result


# ---------------------------------------------------------------------------------------------
# Reading a class's cards.


def class_pupil(school_class: SchoolClass, student_id: int) -> Enrolment:
    """The pupil's placement in the class that year; 404 when they were never in it."""
    found = (
        Enrolment.objects.filter(
            school_class=school_class,
            fiscal_year=school_class.fiscal_year,
            student_id=student_id,
            is_provisional=False,
        )
        .select_related("student")
        .order_by("-start_date")
        .first()
    )
    if found is None:
        raise Http404
    return found


def class_header(school_class: SchoolClass, layout: LayoutConfig) -> CardHeader:
    school = Organisation.objects.get(pk=school_class.school_id)
    return CardHeader(
        school_name=school.name,
        class_label=school_class.label,
        fiscal_year_label=wareki.format_fiscal_year(school_class.fiscal_year),
        homeroom="・".join(homeroom_teachers(school_class)) if layout.show_homeroom else "",
        principal=principal_name_of(school) if layout.show_principal else "",
    )


def school_terms(school_class: SchoolClass) -> list[Term]:
    return selectors.terms_of(selectors.setup_of(school_class.school_id, school_class.fiscal_year))


def card_data(school_class: SchoolClass, term: int, student_ids: Sequence[int]) -> list[Card]:
    """The cards of pupils of the class for ``term``, in the order of ``student_ids``: their
    year's grades and texts, 出欠 by term and the names on the card (a fixed number of
    queries, whatever the class size)."""
    layout = layout_of(school_class.school_id, school_class.fiscal_year)
    header = class_header(school_class, layout)
    terms = school_terms(school_class)
    named = [(t.number, t.name) for t in terms]
    spans = [(t.number, t.starts_on, t.ends_on) for t in terms]
    school = Organisation.objects.get(pk=school_class.school_id)
    years = selectors.pupil_years(school_class.school_id, school_class.fiscal_year, student_ids)
    wanted = set(student_ids)
    attendance = {
        p.enrolment.student_id: term_attendance(p.months, spans)
        for p in attendance_selectors.class_year_totals(school_class)
        if p.enrolment.student_id in wanted
    }
    placements = {
        e.student_id: e for e in selectors.class_pupils(school_class) if e.student_id in wanted
    }
    items = selectors.check_items(CheckGroup.SPECIAL_ACTIVITIES, school, school_class.grade)
    cards = []
    for sid in student_ids:
        placement = placements.get(sid)
        if placement is None:
            continue
        cards.append(
            build_card(
                layout=layout,
                header=header,
                student_id=sid,
                number=placement.number,
                name=placement.student.display_name,
                term=term,
                terms=named,
                pupil=years[sid],
                attendance=attendance.get(sid, {}),
                scale=selectors.scale_of(school, placement.grade),
                special_activity_items=items,
            )
        )
    return cards


def sample_card(layout: LayoutConfig, header: CardHeader, terms: Sequence[tuple[int, str]]) -> Card:
    """A made-up pupil's card for the layout editor's preview (pure)."""
    shown = [n for n, _ in terms] or [1]
    marks = {t: {vp.value: "ABA"[i % 3] for i, vp in enumerate(VIEWPOINT_ORDER)} for t in shown}
    subjects = [
        selectors.SubjectYear(
            subject=name,
            lesson_class_id=0,
            viewpoints={**marks, YEAR_TERM: marks[shown[0]]},
            ratings=dict.fromkeys([*shown, YEAR_TERM], 3 if i % 2 else 2),
            explanations={},
        )
        for i, name in enumerate(("国語", "社会", "算数", "理科", "音楽"))
    ]
    text = "友達の考えをよく聞き、自分の考えと比べながら学習に取り組みました。" * 2
    pupil = selectors.PupilYear(
        student_id=0,
        subjects=subjects,
        narratives={(NarrativeKind.REMARKS, shown[0]): text[: layout.remarks_length]},
        checks={(CheckGroup.BEHAVIOUR, shown[0]): {BehaviourItem.HABITS, BehaviourItem.CARE}},
    )
    one = attendance_rules.Totals(
        lesson_days=70,
        leave_days=1,
        required_days=69,
        absent_days=2,
        present_days=67,
        late=1,
        early=0,
        deemed_days=0,
    )
    return build_card(
        layout=layout,
        header=header,
        student_id=0,
        number=1,
        name="見本 花子",
        term=shown[0],
        terms=terms,
        pupil=pupil,
        attendance=dict.fromkeys([*shown, YEAR_TERM], one),
        scale=rules.Scale.THREE,
    )


# ---------------------------------------------------------------------------------------------
# PDF.


def pdf_context(cards: Sequence[Card]) -> dict[str, Any]:
    return {"cards": list(cards), "attendance_header": ATTENDANCE_HEADER}


def cards_pdf(cards: Sequence[Card]) -> bytes:
    """The cards as one A4 PDF, a page per pupil (raises ``core.pdf.PdfUnavailable``)."""
    return render_pdf(PDF_TEMPLATE, pdf_context(cards))


def card_file_name(school_class: SchoolClass, term_label: str, name: str = "") -> str:
    who = f"_{name}" if name else ""
    return f"通知表_{school_class.label}_{term_label}{who}.pdf".replace(" ", "").replace("　", "")


def audit_card(*, actor: Acting, card_enrolment: Enrolment, term: int, action: str) -> None:
    """Every view and print of a pupil's card is audited, with the pupil as subject."""
    audit_record(
        actor=actor,
        action=action,
        target=card_enrolment.school_class,
        subject=card_enrolment.student,
        details={"term": term},
    )


# ---------------------------------------------------------------------------------------------
# Bulk PDF of a class (a background job).


def batch_create(*, actor: Acting, school_class: SchoolClass, term: int) -> ReportCardBatch:
    """学級の通知表を一括作成: a job for the class's cards of ``term``, made in the background
    after the commit (audited)."""
    from manabi.grades.tasks import report_card_batch_task

    if actor.account is None:
        raise PermissionError("signed-in accounts only")
    if term not in [t.number for t in school_terms(school_class)]:
        raise ValidationError("成績処理設定にない学期です。学期を選び直してください。")
    with transaction.atomic():
        batch = ReportCardBatch.objects.create(
            requested_by=actor.account,
            school_class=school_class,
            term=term,
            total=len(selectors.class_pupils(school_class)),
        )
        audit_record(
            actor=actor,
            action="grades.report_card.batch_create",
            target=batch,
            details={"school_class": school_class.pk, "term": term, "pupils": batch.total},
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: report_card_batch_task.enqueue(batch_id=batch_id))
    return batch


def _render_batch(batch: ReportCardBatch, progress: Callable[[int], None]) -> bytes:
    """The class's cards, rendered a pupil at a time so progress can be shown, then written as
    one PDF."""
    school_class = batch.school_class
    ids = [e.student_id for e in selectors.class_pupils(school_class)]
    cards = card_data(school_class, batch.term, ids)
    return render_pages(cards, progress)


# Pupils laid out per WeasyPrint document in a batch. One document of a whole class of 35
# takes ~440 MB; five at a time with one font configuration ~300 MB in the same ~13 s on two
# cores (the progress moves every five pupils). Rendering each pupil on its own costs a second
# per pupil more, for the stylesheets parsed again.
BATCH_CHUNK = 5


def render_pages(
    cards: Sequence[Card], progress: Callable[[int], None], *, chunk: int = BATCH_CHUNK
) -> bytes:
    """One PDF of ``cards``, laid out ``chunk`` pupils at a time (``progress`` is told how many
    are done after each) and written out together."""
    # TODO(lead): move into manabi.core.pdf as a public helper (it uses its private ones).
    from django.template.loader import render_to_string

    from manabi.core.pdf import _static_fetcher, _weasyprint

    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    documents: list[Any] = []
    for start in range(0, len(cards), chunk):
        html = render_to_string(PDF_TEMPLATE, pdf_context(cards[start : start + chunk]))
        documents.append(
            weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher()).render(
                font_config=fonts
            )
        )
        progress(min(start + chunk, len(cards)))
    if not documents:
        return cards_pdf([])
    pages = [page for document in documents for page in document.pages]
    body: bytes = documents[0].copy(pages).write_pdf()
    return body


def batch_run(*, batch_id: int) -> ReportCardBatch:
    """Make a batch's PDF (the background task): claim it, render pupil by pupil with
    progress, save the file; FAILED with a message when it cannot be made."""
    claimed = ReportCardBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, done=0
    )
    batch = ReportCardBatch.objects.select_related("school_class").get(pk=batch_id)
    if not claimed:
        return batch

    def progress(done: int) -> None:
        ReportCardBatch.objects.filter(pk=batch_id).update(done=done)

    try:
        body = _render_batch(batch, progress)
        label = selectors.term_label(batch.term, school_terms(batch.school_class))
        batch.file.save(f"report-cards-{batch.pk}.pdf", ContentFile(body), save=False)
    except Exception as exc:
        logger.exception("report card batch %s failed", batch_id)
        ReportCardBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED,
            message=_failure_message(exc),
            finished_at=timezone.now(),
        )
        raise
    batch.refresh_from_db(fields=["done", "total"])
    batch.status = BatchStatus.DONE
    batch.message = f"{label}の通知表を{batch.done}名分作成しました。"
    batch.finished_at = timezone.now()
    batch.save(update_fields=["file", "status", "message", "finished_at"])
    return batch


def _failure_message(exc: Exception) -> str:
    from manabi.core.pdf import PdfUnavailable

    if isinstance(exc, PdfUnavailable):
        return str(exc)[:500]
    return "通知表の作成中にエラーが発生しました。もう一度作成するか、システム管理者に連絡してください。"


def access_report_class(acting: Acting, class_id: int) -> SchoolClass:
    """The 学級 whose 通知表 ``acting`` may print (印刷 ``grades_output.report_card``): a class
    outside that scope, of another school, or none, is 404 (as every grades output)."""
    school_class, _ = permissions.access_class(acting, class_id, permissions.REPORT_CARD)
    return school_class


def access_batch(acting: Acting, batch_id: int) -> ReportCardBatch:
    """A batch of the acting school, for whoever may print the class's 通知表 now (else 404)."""
    school_id = acting_school_id(acting)
    batch = (
        ReportCardBatch.objects.select_related("school_class", "requested_by")
        .filter(pk=batch_id, school_class__school_id=school_id)
        .first()
        if school_id is not None
        else None
    )
    if batch is None:
        raise Http404
    # The requester too: whoever has lost the class's 印刷 scope no longer gets its file.
    access_report_class(acting, batch.school_class_id)
    return batch


def recent_batches(school_class: SchoolClass, limit: int = 10) -> list[ReportCardBatch]:
    return list(
        ReportCardBatch.objects.filter(school_class=school_class)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def batch_percent(batch: ReportCardBatch) -> int:
    return round(100 * batch.done / batch.total) if batch.total else 0
