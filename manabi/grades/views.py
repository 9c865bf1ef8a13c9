"""Pages of grades entry (成績): the 授業クラス and 学級 one works on, a 授業クラス's score grid
(htmx: a cell saves on change and its pupil's row is redrawn with the 観点 and 評定), the
評価項目, a pupil's results with their explanations and overrides, 所見 and the ○ records of a
学級, Excel in and out of the grid, and the school's 成績処理設定.

Views are thin: the 授業クラス or 学級 comes from ``grades.permissions`` (404 / 403), writes go
through ``services`` (ValidationError → the message, nothing changed), reads through
``selectors``. Every page that shows pupils' grades is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors
from manabi.grades import permissions, selectors, services
from manabi.grades.forms import (
    ItemForm,
    RatingForm,
    SetupForm,
    TermFormSet,
    ViewpointForm,
    parse_term,
)
from manabi.grades.models import (
    NARRATIVE_FUNCTIONS,
    YEAR_TERM,
    CheckGroup,
    EvaluationItem,
    NarrativeKind,
    ViewpointChoice,
)
from manabi.grades.report_cards import remarks_max_length
from manabi.grades.xlsx import ScoreSheetError, read_score_sheet, score_sheet_response
from manabi.orgs.models import Organisation
from manabi.students.models import Student


def _today() -> date:
    return timezone.localdate()


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _terms_for(lesson_or_class: LessonClass | SchoolClass) -> list[Any]:
    return selectors.terms_of(
        selectors.setup_of(lesson_or_class.school_id, lesson_or_class.fiscal_year)
    )


def _term_of(request: HttpRequest, terms: list[Any], *, allow_year: bool = True) -> int:
    """``?term=`` among the set-up's terms (0 = 学年末); else the term of today, or the first."""
    numbers = [t.number for t in terms]
    wanted = parse_term(request.GET.get("term") or request.POST.get("term"))
    if wanted is not None and (wanted in numbers or (allow_year and wanted == YEAR_TERM)):
        return wanted
    today = _today()
    for t in terms:
        if t.starts_on <= today <= t.ends_on:
            return int(t.number)
    return numbers[0] if numbers else 1


# ---------------------------------------------------------------------------------------------
# 成績 index


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """成績: the 授業クラス one enters scores for and the 学級 one writes 所見 for."""
    acting = acting_of(request)
    scores_reach = permissions.grades_reach(acting, permissions.SCORES, Action.VIEW)
    texts_reach = permissions.grades_reach(acting, "grades_entry.remarks", Action.VIEW)
    if scores_reach is None or texts_reach is None:
        raise Http404
    if scores_reach.nothing and texts_reach.nothing:
        permissions.require_lister(acting, permissions.SCORES)
    lessons = [] if scores_reach.nothing else list(selectors.lessons_in_reach(scores_reach))
    classes = [] if texts_reach.nothing else list(selectors.school_classes_in_reach(texts_reach))
    own_lessons = scores_reach.lesson_class_ids
    school_id = scores_reach.standing.school_id
    assert school_id is not None  # grades_reach answers None outside a school
    setup = selectors.setup_of(school_id, scores_reach.fiscal_year)
    return render(
        request,
        "grades/index.html",
        {
            "lessons": lessons,
            "own_lessons": [lc for lc in lessons if lc.pk in own_lessons],
            "classes": classes,
            "setup": setup,
            "terms": selectors.terms_of(setup),
            "fiscal_year": scores_reach.fiscal_year,
            "may_setup": permissions.may_setup(acting),
            "may_layout": permissions.may_edit_layout(acting),
            "reach": scores_reach,
            "is_junior_high": Organisation.objects.filter(
                pk=school_id, school_type__in=("junior_high", "compulsory", "secondary")
            ).exists(),
        },
    )


# ---------------------------------------------------------------------------------------------
# The score grid


def _grid_context(acting: Acting, lesson: LessonClass, term: int) -> dict[str, Any]:
    grid = selectors.score_grid(lesson, term, today=_today())
    can_edit = (
        term != YEAR_TERM
        and grid.entry_open
        and permissions.may_on_lesson(acting, lesson, permissions.SCORES, Action.EDIT)
    )
    return {
        "lesson": lesson,
        "grid": grid,
        "term": term,
        "term_label": selectors.term_label(term, grid.terms),
        "can_edit": can_edit,
        "may_items": permissions.may_on_lesson(acting, lesson, permissions.ITEMS, Action.EDIT),
        "may_excel_in": term != YEAR_TERM
        and permissions.may_on_lesson(acting, lesson, permissions.SCORES, Action.EXCEL_IN),
        "may_excel_out": permissions.may_on_lesson(
            acting, lesson, permissions.SCORES, Action.EXCEL_OUT
        ),
        "viewpoints": ViewpointChoice.choices,
    }


def score_text(score: Any) -> str:
    if score is None:
        return ""
    if score.excused:
        return "欠"
    return f"{score.value.normalize():f}" if score.value is not None else ""


def _row_html(context: dict[str, Any], row: selectors.GridRow, error: str = "") -> str:
    lesson = context["lesson"]
    return render_to_string(
        "grades/_score_row.html",
        {
            **context,
            "row": row,
            "row_error": error,
            "cells": [
                {"item": item, "text": score_text(row.scores.get(item.pk))}
                for item in context["grid"].items
            ],
            "marks": [
                {"key": key, "label": label, "result": row.viewpoints.get(key)}
                for key, label in ViewpointChoice.choices
            ],
            "result_url": reverse("grades:result", args=[lesson.pk, row.member.student.pk])
            + f"?term={context['term']}",
        },
    )


@login_required
@require_GET
def scores(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A 授業クラス's term: pupils × 評価項目, with each pupil's 観点 and 評定 beside."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.SCORES)
    terms = _terms_for(lesson)
    term = _term_of(request, terms)
    context = _grid_context(acting, lesson, term)
    context["rows_html"] = [_row_html(context, row) for row in context["grid"].rows]
    context["term_choices"] = [(t.number, t.name) for t in terms] + [(YEAR_TERM, "学年末")]
    audit_record(
        actor=acting,
        action="grades.scores.view",
        target=lesson,
        details={"term": term, "pupils": len(context["grid"].rows)},
    )
    return render(request, "grades/scores.html", context)


@login_required
@require_POST
def score_cell(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """One cell of the grid (htmx): saved, then the pupil's row is redrawn. A refused value
    is kept in the cell with the reason, and nothing is saved."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.SCORES, action=Action.EDIT)
    terms = _terms_for(lesson)
    term = _term_of(request, terms, allow_year=False)
    item_id = _int(request.POST.get("item"))
    student_id = _int(request.POST.get("student"))
    value = request.POST.get("value", "")[:20]
    if item_id is None or student_id is None:
        return HttpResponse("評価項目と児童生徒を指定してください。", status=400)
    error = ""
    try:
        services.scores_save(
            actor=acting,
            lesson=lesson,
            term=term,
            changes=[services.ScoreChange(item_id, student_id, value)],
        )
    except ValidationError as exc:
        error = " ".join(_errors(exc))
    context = _grid_context(acting, lesson, term)
    row = next((r for r in context["grid"].rows if r.member.student.pk == student_id), None)
    if row is None:
        raise Http404
    html = _row_html(context, row, error)
    response = HttpResponse(html)
    if error:
        response["HX-Trigger"] = "grades-error"
        # The typed value stays in its cell so that nothing the teacher typed is lost.
        response.content = _keep_typed(html, item_id, student_id, value).encode()
    return response


def _keep_typed(html: str, item_id: int, student_id: int, value: str) -> str:
    from django.utils.html import escape

    marker = f'data-cell="{item_id}-{student_id}"'
    start = html.find(marker)
    if start < 0:
        return html
    value_at = html.find('value="', start)
    end = html.find('"', value_at + 7)
    if value_at < 0 or end < 0:
        return html
    return html[: value_at + 7] + escape(value) + html[end:]


def _int(text: str | None) -> int | None:
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)


@login_required
@require_GET
def scores_xlsx(request: HttpRequest, lesson_id: int) -> FileResponse:
    """Excel出力 of the grid (the file Excel入力 takes back)."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(
        acting, lesson_id, permissions.SCORES, action=Action.EXCEL_OUT
    )
    terms = _terms_for(lesson)
    term = _term_of(request, terms, allow_year=False)
    grid = selectors.score_grid(lesson, term, today=_today())
    audit_record(
        actor=acting,
        action="grades.scores.excel_out",
        target=lesson,
        details={"term": term, "pupils": len(grid.rows)},
    )
    return score_sheet_response(grid, selectors.term_label(term, grid.terms))


@login_required
@require_http_methods(["GET", "POST"])
def scores_import(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Excel入力: the grid's file back with scores filled in, all or nothing with a report
    per row."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(
        acting, lesson_id, permissions.SCORES, action=Action.EXCEL_IN
    )
    terms = _terms_for(lesson)
    term = _term_of(request, terms, allow_year=False)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = ["ファイルを選んでください。"]
        else:
            grid = selectors.score_grid(lesson, term, today=_today())
            try:
                changes = read_score_sheet(upload.read(), grid)
                result = services.scores_save(
                    actor=acting, lesson=lesson, term=term, changes=changes
                )
            except ScoreSheetError as exc:
                problems = exc.problems
            except ValidationError as exc:
                problems = _errors(exc)
            else:
                messages.success(
                    request,
                    f"{len(result.student_ids)}人分の素点を取り込みました (変更 {result.saved}件)。",
                )
                return redirect(f"{reverse('grades:scores', args=[lesson.pk])}?term={term}")
    return render(
        request,
        "grades/scores_import.html",
        {
            "lesson": lesson,
            "term": term,
            "term_label": selectors.term_label(term, terms),
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# ---------------------------------------------------------------------------------------------
# 評価項目


@login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The 評価項目 of a 授業クラス's term, and a form to add one."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.ITEMS)
    terms = _terms_for(lesson)
    term = _term_of(request, terms, allow_year=False)
    may_edit = permissions.may_on_lesson(acting, lesson, permissions.ITEMS, Action.EDIT)
    form = ItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        permissions.access_lesson(acting, lesson_id, permissions.ITEMS, action=Action.EDIT)
        if form.is_valid():
            try:
                item = services.item_save(
                    actor=acting, lesson=lesson, term=term, data=form.item_input()
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"評価項目「{item.name}」を追加しました。")
                return redirect(f"{reverse('grades:items', args=[lesson.pk])}?term={term}")
    return render(
        request,
        "grades/items.html",
        {
            "lesson": lesson,
            "term": term,
            "terms": terms,
            "term_label": selectors.term_label(term, terms),
            "items": sorted(
                EvaluationItem.objects.filter(lesson_class=lesson, term=term),
                key=selectors.item_order,
            ),
            "form": form,
            "may_edit": may_edit,
        },
        status=400 if form.errors else 200,
    )


def _item_of(lesson: LessonClass, item_id: int) -> EvaluationItem:
    item = EvaluationItem.objects.filter(pk=item_id, lesson_class=lesson).first()
    if item is None:
        raise Http404
    item.lesson_class = lesson
    return item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, lesson_id: int, item_id: int) -> HttpResponse:
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.ITEMS, action=Action.EDIT)
    item = _item_of(lesson, item_id)
    form = ItemForm(request.POST if request.method == "POST" else None, instance_item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(
                actor=acting, lesson=lesson, term=item.term, data=form.item_input(), item=item
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"評価項目「{item.name}」を変更しました。")
            return redirect(f"{reverse('grades:items', args=[lesson.pk])}?term={item.term}")
    return render(
        request,
        "grades/item_edit.html",
        {"lesson": lesson, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, lesson_id: int, item_id: int) -> HttpResponse:
    """Removing a 評価項目 asks first, saying how many scores go with it."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.ITEMS, action=Action.EDIT)
    item = _item_of(lesson, item_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            count = services.item_delete(actor=acting, item=item)
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, f"評価項目「{item.name}」と素点{count}件を削除しました。")
            return redirect(f"{reverse('grades:items', args=[lesson.pk])}?term={item.term}")
    return render(
        request,
        "grades/item_delete.html",
        {
            "lesson": lesson,
            "item": item,
            "scores": item.scores.count(),
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# ---------------------------------------------------------------------------------------------
# A pupil's results: explanations and overrides


def _member_of(lesson: LessonClass, student_id: int) -> Student:
    student = Student.objects.filter(pk=student_id, lessons__lesson_class=lesson).first()
    if student is None:
        raise Http404
    return student


@login_required
@require_http_methods(["GET", "POST"])
def result(request: HttpRequest, lesson_id: int, student_id: int) -> HttpResponse:
    """A pupil's 観点 and 評定 of a term with the rule's explanation, and the forms that set them
    by hand (with a reason)."""
    acting = acting_of(request)
    lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.SCORES)
    student = _member_of(lesson, student_id)
    terms = _terms_for(lesson)
    term = _term_of(request, terms)
    may_enter = permissions.may_on_lesson(acting, lesson, permissions.ENTRY_REQUIRED, Action.EDIT)
    grade = selectors.enrolment_grades(lesson.school_id, lesson.fiscal_year, [student.pk]).get(
        student.pk, lesson.grade or 1
    )
    top = selectors.scale_of(lesson.school, grade).top()
    vp_form = ViewpointForm(request.POST if request.POST.get("form") == "viewpoint" else None)
    rating_form = RatingForm(
        request.POST if request.POST.get("form") == "rating" else None, top=top or 5
    )
    if request.method == "POST":
        permissions.access_lesson(acting, lesson_id, permissions.ENTRY_REQUIRED, action=Action.EDIT)
        form = vp_form if request.POST.get("form") == "viewpoint" else rating_form
        if form.is_valid():
            try:
                if form is vp_form:
                    services.viewpoint_set(
                        actor=acting,
                        lesson=lesson,
                        student_id=student.pk,
                        term=term,
                        viewpoint=vp_form.cleaned_data["viewpoint"],
                        mark=vp_form.cleaned_data["mark"],
                        reason=vp_form.cleaned_data["reason"],
                    )
                else:
                    services.rating_set(
                        actor=acting,
                        lesson=lesson,
                        student_id=student.pk,
                        term=term,
                        value=rating_form.cleaned_data["value"],
                        reason=rating_form.cleaned_data["reason"],
                    )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "保存しました。")
                return redirect(
                    f"{reverse('grades:result', args=[lesson.pk, student.pk])}?term={term}"
                )
    grid = selectors.score_grid(lesson, term, today=_today())
    row = next((r for r in grid.rows if r.member.student.pk == student.pk), None)
    if row is None:
        raise Http404
    audit_record(
        actor=acting,
        action="grades.result.view",
        target=lesson,
        subject=student,
        details={"term": term},
    )
    bound = vp_form.errors or rating_form.errors
    return render(
        request,
        "grades/result.html",
        {
            "lesson": lesson,
            "student": student,
            "row": row,
            "grid": grid,
            "term": term,
            "term_label": selectors.term_label(term, terms),
            "term_choices": [(t.number, t.name) for t in terms] + [(YEAR_TERM, "学年末")],
            "viewpoints": [
                (value, label, row.viewpoints.get(value))
                for value, label in ViewpointChoice.choices
            ],
            "may_enter": may_enter and not row.locked,
            "vp_form": vp_form,
            "rating_form": rating_form,
            "rated": top is not None,
        },
        status=400 if bound else 200,
    )


# ---------------------------------------------------------------------------------------------
# 所見 and the ○ records of a 学級


def _kind_of(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or NarrativeKind.REMARKS
    return kind if kind in NarrativeKind.values else NarrativeKind.REMARKS


YEAR_KINDS = frozenset({NarrativeKind.OVERALL, NarrativeKind.INTEGRATED, NarrativeKind.MORAL})


@login_required
@require_http_methods(["GET", "POST"])
def texts(request: HttpRequest, class_id: int) -> HttpResponse:
    """The 所見 (or 道徳, 総合的な学習の時間 …) of a 学級's pupils for a term, in one form that
    saves all or nothing."""
    acting = acting_of(request)
    kind = _kind_of(request)
    function = NARRATIVE_FUNCTIONS[kind]
    school_class, _ = permissions.access_class(acting, class_id, function, action=Action.VIEW)
    terms = _terms_for(school_class)
    # 道徳, 総合的な学習の時間 and 総合所見 are the year's (what the 指導要録 reads).
    term = YEAR_TERM if kind in YEAR_KINDS else _term_of(request, terms)
    pupils = selectors.class_pupils(school_class)
    years = selectors.pupil_years(
        school_class.school_id, school_class.fiscal_year, [e.student_id for e in pupils]
    )
    may_edit = permissions.may_on_class(acting, school_class, function, Action.EDIT)
    max_length = (
        remarks_max_length(school_class.school_id, school_class.fiscal_year)
        if kind == NarrativeKind.REMARKS
        else services.NARRATIVE_MAX
    )
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    if request.method == "POST":
        permissions.access_class(acting, class_id, function, action=Action.EDIT)
        for e in pupils:
            typed[e.student_id] = request.POST.get(f"text-{e.student_id}", "")
        try:
            with transaction.atomic():
                for e in pupils:
                    try:
                        services.narrative_save(
                            actor=acting,
                            school_id=school_class.school_id,
                            fiscal_year=school_class.fiscal_year,
                            student=e.student,
                            term=term,
                            kind=kind,
                            text=typed[e.student_id],
                        )
                    except ValidationError as exc:
                        errors[e.student_id] = " ".join(_errors(exc))
                if errors:
                    raise ValidationError("not saved")
        except ValidationError:
            pass
        else:
            messages.success(request, f"{NarrativeKind(kind).label}を保存しました。")
            return redirect(
                f"{reverse('grades:texts', args=[school_class.pk])}?kind={kind}&term={term}"
            )
    audit_record(
        actor=acting,
        action="grades.narratives.view",
        target=school_class,
        details={"kind": kind, "term": term, "pupils": len(pupils)},
    )
    rows = [
        {
            "enrolment": e,
            "text": typed.get(e.student_id, years[e.student_id].narratives.get((kind, term), "")),
            "error": errors.get(e.student_id, ""),
        }
        for e in pupils
    ]
    return render(
        request,
        "grades/texts.html",
        {
            "school_class": school_class,
            "kind": kind,
            "kind_label": NarrativeKind(kind).label,
            "kinds": NarrativeKind.choices,
            "term": term,
            "term_label": "年間" if term == YEAR_TERM else selectors.term_label(term, terms),
            "term_choices": [(t.number, t.name) for t in terms] + [(YEAR_TERM, "年間")],
            "rows": rows,
            "may_edit": may_edit,
            "max_length": max_length,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def checks(request: HttpRequest, class_id: int) -> HttpResponse:
    """行動の記録 or 特別活動の記録 of a 学級 for the year: pupils × items, ○ by checkbox."""
    acting = acting_of(request)
    group = request.GET.get("group") or request.POST.get("group") or CheckGroup.BEHAVIOUR
    if group not in CheckGroup.values:
        group = CheckGroup.BEHAVIOUR
    function = (
        "grades_entry.behaviour"
        if group == CheckGroup.BEHAVIOUR
        else "grades_entry.special_activities"
    )
    school_class, _ = permissions.access_class(acting, class_id, function, action=Action.VIEW)
    pupils = selectors.class_pupils(school_class)
    terms = _terms_for(school_class)
    # The 指導要録 reads the year's ○; a 通知表 that shows them per 学期 reads each term's.
    term = parse_term(request.GET.get("term") or request.POST.get("term"))
    if term is None or (term != YEAR_TERM and term not in {t.number for t in terms}):
        term = YEAR_TERM
    may_edit = permissions.may_on_class(acting, school_class, function, Action.EDIT)
    school = Organisation.objects.get(pk=school_class.school_id)
    labels = selectors.check_items(group, school, school_class.grade)
    problems: list[str] = []
    if request.method == "POST":
        permissions.access_class(acting, class_id, function, action=Action.EDIT)
        try:
            with transaction.atomic():
                for e in pupils:
                    services.checks_save(
                        actor=acting,
                        school_id=school_class.school_id,
                        fiscal_year=school_class.fiscal_year,
                        student=e.student,
                        term=term,
                        group=group,
                        items=request.POST.getlist(f"c-{e.student_id}"),
                    )
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, f"{CheckGroup(group).label}を保存しました。")
            return redirect(
                f"{reverse('grades:checks', args=[school_class.pk])}?group={group}&term={term}"
            )
    years = selectors.pupil_years(
        school_class.school_id, school_class.fiscal_year, [e.student_id for e in pupils]
    )
    audit_record(
        actor=acting,
        action="grades.checks.view",
        target=school_class,
        details={"group": group, "term": term, "pupils": len(pupils)},
    )
    rows = [
        {
            "enrolment": e,
            # After a refused save the ticks as sent stay, so that nothing is lost.
            "checked": set(request.POST.getlist(f"c-{e.student_id}"))
            if problems
            else years[e.student_id].checks.get((group, term), set()),
        }
        for e in pupils
    ]
    return render(
        request,
        "grades/checks.html",
        {
            "school_class": school_class,
            "group": group,
            "group_label": CheckGroup(group).label,
            "groups": CheckGroup.choices,
            "labels": labels,
            "term": term,
            "term_label": "年間" if term == YEAR_TERM else selectors.term_label(term, terms),
            "term_choices": [(YEAR_TERM, "年間")] + [(t.number, t.name) for t in terms],
            "rows": rows,
            "may_edit": may_edit,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# ---------------------------------------------------------------------------------------------
# 成績処理設定


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """成績処理設定 and 入力制限設定 of the school's 年度: 学期, their 入力期間, and the
    評定算出ルール."""
    acting = acting_of(request)
    reach = permissions.require_setup(acting, action=Action.VIEW)
    assert reach.standing.school_id is not None  # require_setup: 404 outside a school
    school = Organisation.objects.get(pk=reach.standing.school_id)
    fiscal_year = reach.fiscal_year
    current = selectors.setup_of(school.pk, fiscal_year)
    choices = services.rule_choices(school)
    posted = request.POST if request.method == "POST" else None
    form = SetupForm(posted, current=current, rules=choices)
    if current is not None:
        initial = [vars(t) for t in services.terms_as_input(selectors.terms_of(current))]
    else:
        initial = [vars(t) for t in services.default_terms(fiscal_year, "3")]
    formset = TermFormSet(posted, initial=initial, prefix="terms")
    problems: list[str] = []
    if request.method == "POST":
        permissions.require_setup(acting, action=Action.EDIT)
        if form.is_valid() and formset.is_valid():
            system = form.cleaned_data["term_system"]
            terms = [f.term_input() for f in formset.forms if f.cleaned_data]
            expected = 2 if system == "2" else 3
            changed_system = len(terms) != expected
            try:
                services.setup_save(
                    actor=acting,
                    school=school,
                    fiscal_year=fiscal_year,
                    term_system=system,
                    rule=form.cleaned_data["rule"],
                    terms=None if changed_system else terms,
                )
            except ValidationError as exc:
                problems = _errors(exc)
            else:
                messages.success(request, "成績処理設定を保存しました。")
                if changed_system:
                    messages.warning(
                        request,
                        "学期の区分を変えたため、学期の期間を標準の日付にしました。確かめてください。",
                    )
                return redirect("grades:setup")
    return render(
        request,
        "grades/setup.html",
        {
            "form": form,
            "formset": formset,
            "current": current,
            "fiscal_year": fiscal_year,
            "school": school,
            "problems": problems,
            "rule": selectors.parsed_rule(current.rule) if current else None,
        },
        status=400 if (problems or form.errors or (formset.errors and formset.is_bound)) else 200,
    )
