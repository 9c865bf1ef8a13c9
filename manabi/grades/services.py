"""Writes of grades. Every one runs in a transaction and is audited.

Callers fetch the 授業クラス or 学級 through ``grades.permissions`` first; the services check
the data (the pupil takes the 授業クラス, the score is within 0–満点, the term is open for entry,
the pupil's 指導要録 of the year is not approved or locked) and raise ``ValidationError`` with
a Japanese message naming what is wrong and where. A refused write changes nothing.

Every change of scores recomputes the pupils' 観点 and 評定 of the term and of the year at
once, by the 評定算出ルール of the school's 年度, and stores the explanation with the result.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from manabi.accounts.selectors import Acting, signed_in_account
from manabi.classes.models import LessonClass
from manabi.core.audit import audit_record
from manabi.grades import rules, selectors
from manabi.grades.models import (
    YEAR_TERM,
    BehaviourItem,
    CheckGroup,
    CheckMark,
    EvaluationItem,
    GradingRule,
    GradingSetup,
    Narrative,
    NarrativeKind,
    RatingResult,
    Score,
    SpecialActivityItem,
    Term,
    TermSystem,
    ViewpointChoice,
    ViewpointResult,
)
from manabi.orgs.models import Organisation
from manabi.students.models import LessonMembership, Student

NARRATIVE_MAX = 1000
REASON_MAX = 200


class GradesLocked(ValidationError):
    """The write would change a closed term or a pupil's approved or locked 指導要録 (the API
    answers 409)."""


_who = signed_in_account


def _today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Rules and set-up


def shipped_rule_row(key: str) -> GradingRule:
    """The database row of a rule shipped with manabi (made on first use)."""
    shipped = rules.shipped_rules()
    if key not in shipped:
        raise ValidationError({"rule": f"規則「{key}」はありません。"})
    rule = shipped[key]
    row = GradingRule.objects.filter(owner=None, key=key, version=rule.version).first()
    if row is None:
        row, _ = GradingRule.objects.get_or_create(
            owner=None,
            key=key,
            version=rule.version,
            defaults={"name": rule.name, "data": rules.rule_as_data(rule)},
        )
    return row


def rule_save(
    *,
    actor: Acting,
    owner: Organisation,
    key: str,
    fiscal_year: int,
    data: Mapping[str, Any],
) -> GradingRule:
    """Save a new version of the owner's rule ``key`` (a version is never changed): the data
    is checked as a whole and every problem reported at once. ``actor`` may be the system
    (``manabi grades_rule import``)."""
    account = actor.account
    with transaction.atomic():
        last = (
            GradingRule.objects.select_for_update()
            .filter(owner=owner, key=key)
            .order_by("-version")
            .first()
        )
        version = (last.version if last else 0) + 1
        body = dict(data)
        body.update(
            {"key": key, "version": version, "owner": owner.name, "fiscal_year": fiscal_year}
        )
        try:
            parsed = rules.parse_rule(body)
        except rules.RuleError as error:
            raise ValidationError(error.errors) from error
        row = GradingRule.objects.create(
            owner=owner,
            key=key,
            version=version,
            name=parsed.name,
            data=rules.rule_as_data(parsed),
            created_by=account,
        )
        audit_record(
            actor=actor,
            action="grades.rule.save",
            target=row,
            details={"key": key, "version": version, "method": str(parsed.method)},
        )
    return row


@dataclass(frozen=True)
class TermInput:
    number: int
    name: str
    starts_on: date
    ends_on: date
    entry_opens_on: date | None = None
    entry_closes_on: date | None = None
    entry_closed: bool = False


def default_terms(fiscal_year: int, system: str) -> list[TermInput]:
    """The usual terms of a 年度 (the school changes the dates)."""
    y = fiscal_year
    if system == TermSystem.TWO:
        return [
            TermInput(1, "前期", date(y, 4, 1), date(y, 10, 10)),
            TermInput(2, "後期", date(y, 10, 14), date(y + 1, 3, 31)),
        ]
    return [
        TermInput(1, "1学期", date(y, 4, 1), date(y, 7, 31)),
        TermInput(2, "2学期", date(y, 8, 1), date(y, 12, 31)),
        TermInput(3, "3学期", date(y + 1, 1, 1), date(y + 1, 3, 31)),
    ]


def check_terms(terms: Sequence[TermInput], system: str, fiscal_year: int) -> None:
    expected = 2 if system == TermSystem.TWO else 3
    errors: list[str] = []
    if [t.number for t in terms] != list(range(1, expected + 1)):
        errors.append(f"学期は1から{expected}まで順に設定してください。")
    first, last = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
    previous_end: date | None = None
    for t in terms:
        where = f"{t.number}学期 ({t.name or '名称なし'})"
        if not t.name.strip():
            errors.append(f"{t.number}学期の名称を入力してください。")
        if t.starts_on > t.ends_on:
            errors.append(f"{where}: 終了日は開始日以降にしてください。")
        if t.starts_on < first or t.ends_on > last:
            errors.append(
                f"{where}: 日付は{fiscal_year}年度 (4月1日〜翌年3月31日) の中にしてください。"
            )
        if previous_end is not None and t.starts_on <= previous_end:
            errors.append(f"{where}: 前の学期と期間が重なっています。")
        if t.entry_opens_on and t.entry_closes_on and t.entry_opens_on > t.entry_closes_on:
            errors.append(f"{where}: 入力終了日は入力開始日以降にしてください。")
        previous_end = t.ends_on
    if errors:
        raise ValidationError(errors)


def setup_save(
    *,
    actor: Acting,
    school: Organisation,
    fiscal_year: int,
    term_system: str,
    rule: GradingRule,
    terms: Sequence[TermInput] | None = None,
) -> GradingSetup:
    """成績処理設定 and 入力制限設定 of a school's 年度 (created or replaced)."""
    _who(actor)
    if term_system not in TermSystem.values:
        raise ValidationError({"term_system": "学期の区分を選んでください。"})
    if rule.owner_id not in (None, school.pk) and not _owner_above(rule, school):
        raise ValidationError({"rule": "この学校では使えない規則です。"})
    chosen = list(terms) if terms is not None else default_terms(fiscal_year, term_system)
    check_terms(chosen, term_system, fiscal_year)
    with transaction.atomic():
        setup, created = GradingSetup.objects.select_for_update().get_or_create(
            school=school,
            fiscal_year=fiscal_year,
            defaults={"term_system": term_system, "rule": rule},
        )
        changed_rule = not created and setup.rule_id != rule.pk
        setup.term_system = term_system
        setup.rule = rule
        setup.save()
        dropped = setup.terms.exclude(number__in=[t.number for t in chosen])
        kept = EvaluationItem.objects.filter(
            lesson_class__school=school,
            lesson_class__fiscal_year=fiscal_year,
            term__in=dropped.values("number"),
        )
        if kept.exists():
            terms_named = "・".join(
                f"{n}学期" for n in sorted(set(kept.values_list("term", flat=True)))
            )
            raise ValidationError(
                {
                    "term_system": (
                        f"{terms_named}の評価項目が{kept.count()}件あるため、学期の区分を"
                        "変えられません。先にその評価項目を削除してください。"
                    )
                }
            )
        dropped.delete()
        for t in chosen:
            Term.objects.update_or_create(
                setup=setup,
                number=t.number,
                defaults={
                    "name": t.name.strip(),
                    "starts_on": t.starts_on,
                    "ends_on": t.ends_on,
                    "entry_opens_on": t.entry_opens_on,
                    "entry_closes_on": t.entry_closes_on,
                    "entry_closed": t.entry_closed,
                },
            )
        audit_record(
            actor=actor,
            action="grades.setup.save",
            target=setup,
            details={
                "fiscal_year": fiscal_year,
                "term_system": term_system,
                "rule": f"{rule.key} v{rule.version}",
                "terms": [
                    {
                        "number": t.number,
                        "entry": [str(t.entry_opens_on or ""), str(t.entry_closes_on or "")],
                        "closed": t.entry_closed,
                    }
                    for t in chosen
                ],
            },
        )
        if changed_rule:
            lesson_ids = list(
                LessonClass.objects.filter(
                    school=school, fiscal_year=fiscal_year, is_provisional=False
                ).values_list("pk", flat=True)
            )
            from manabi.grades.tasks import recompute_task

            transaction.on_commit(lambda: recompute_task.enqueue(lesson_ids=lesson_ids))
    return setup


def rule_choices(school: Organisation) -> list[GradingRule]:
    """The rules a school may choose: the shipped ones, and the latest version of each rule
    kept by the school or a board above it."""
    from manabi.orgs.selectors import ancestors

    shipped = [shipped_rule_row(key) for key in sorted(rules.shipped_rules())]
    owners = [school.pk, *(org.pk for org in ancestors(school))]
    latest: dict[tuple[int | None, str], GradingRule] = {}
    for row in GradingRule.objects.filter(owner_id__in=owners).order_by("version"):
        latest[(row.owner_id, row.key)] = row
    return shipped + sorted(latest.values(), key=lambda r: (r.name, r.pk))


def terms_as_input(terms: Iterable[Term]) -> list[TermInput]:
    return [
        TermInput(
            number=t.number,
            name=t.name,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            entry_opens_on=t.entry_opens_on,
            entry_closes_on=t.entry_closes_on,
            entry_closed=t.entry_closed,
        )
        for t in terms
    ]


def _owner_above(rule: GradingRule, school: Organisation) -> bool:
    from manabi.orgs.selectors import ancestors

    return any(org.pk == rule.owner_id for org in ancestors(school))


# ---------------------------------------------------------------------------------------------
# 評価項目


@dataclass(frozen=True)
class ItemInput:
    name: str
    viewpoint: str
    max_score: Decimal
    weight: Decimal = Decimal("1")
    kind: str = EvaluationItem.Kind.TEST
    order: int = 0


def _require_setup(lesson: LessonClass) -> GradingSetup:
    setup = selectors.setup_of(lesson.school_id, lesson.fiscal_year)
    if setup is None:
        raise ValidationError(
            f"{lesson.fiscal_year}年度の成績処理設定がありません。管理職に設定を依頼してください。"
        )
    return setup


def _require_term(setup: GradingSetup, term: int) -> Term:
    found = setup.terms.filter(number=term).first()
    if found is None:
        raise ValidationError({"term": f"{term}学期は成績処理設定にありません。"})
    return found


def _require_entry_open(setup: GradingSetup, term: int) -> Term:
    found = _require_term(setup, term)
    open_, message = selectors.entry_state(found, _today())
    if not open_:
        raise GradesLocked(message)
    return found


def check_item(data: ItemInput) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "評価項目名を入力してください。"
    elif len(data.name.strip()) > 60:
        errors["name"] = "評価項目名は60文字以内で入力してください。"
    if data.viewpoint not in ViewpointChoice.values:
        errors["viewpoint"] = "観点を選んでください。"
    if not (Decimal("0.1") <= data.max_score <= Decimal("1000")):
        errors["max_score"] = "満点は0.1から1000までの数で入力してください。"
    if not (Decimal("0.01") <= data.weight <= Decimal("10")):
        errors["weight"] = "重みは0.01から10までの数で入力してください。"
    if data.kind not in EvaluationItem.Kind.values:
        errors["kind"] = "種類を選んでください。"
    if errors:
        raise ValidationError(errors)


def item_save(
    *,
    actor: Acting,
    lesson: LessonClass,
    term: int,
    data: ItemInput,
    item: EvaluationItem | None = None,
) -> EvaluationItem:
    """Add a 評価項目 to the 授業クラス's term, or change one (its scores are kept; a lower
    満点 than a score already entered is refused)."""
    _who(actor)
    check_item(data)
    setup = _require_setup(lesson)
    _require_entry_open(setup, term)
    name = data.name.strip()
    with transaction.atomic():
        same = EvaluationItem.objects.filter(lesson_class=lesson, term=term, name=name)
        if item is not None:
            same = same.exclude(pk=item.pk)
        if same.exists():
            raise ValidationError({"name": f"「{name}」は{term}学期にもうあります。"})
        if item is not None and (item.max_score, item.weight, item.viewpoint) != (
            data.max_score,
            data.weight,
            data.viewpoint,
        ):
            # Changing how the item counts would change closed pupils' results.
            locked = selectors.locked_students(
                lesson.school_id,
                lesson.fiscal_year,
                Score.objects.filter(item=item).values_list("student_id", flat=True),
                for_update=True,
            )
            if locked:
                raise GradesLocked(
                    "指導要録が承認・確定された児童生徒の素点があるため、満点・重み・観点は変更できません。"
                )
        if item is not None:
            top = (
                Score.objects.filter(item=item, value__gt=data.max_score).order_by("-value").first()
            )
            if top is not None:
                raise ValidationError(
                    {"max_score": f"満点より高い素点 ({top.value}点) がすでに入力されています。"}
                )
        fields = {
            "name": name,
            "viewpoint": data.viewpoint,
            "max_score": data.max_score,
            "weight": data.weight,
            "kind": data.kind,
            "order": data.order,
        }
        if item is None:
            item = EvaluationItem.objects.create(lesson_class=lesson, term=term, **fields)
            action = "grades.item.create"
        else:
            for key, value in fields.items():
                setattr(item, key, value)
            item.save()
            action = "grades.item.update"
        audit_record(
            actor=actor,
            action=action,
            target=item,
            details={k: str(v) for k, v in fields.items()} | {"term": term},
        )
        lesson_id = lesson.pk
        transaction.on_commit(lambda: recompute_lessons([lesson_id], terms=(term,)))
    return item


def item_delete(*, actor: Acting, item: EvaluationItem) -> int:
    """Remove a 評価項目 and its scores (the page asks first). Returns how many scores went."""
    _who(actor)
    setup = _require_setup(item.lesson_class)
    _require_entry_open(setup, item.term)
    with transaction.atomic():
        locked = selectors.locked_students(
            item.lesson_class.school_id,
            item.lesson_class.fiscal_year,
            Score.objects.filter(item=item).values_list("student_id", flat=True),
            for_update=True,
        )
        if locked:
            raise GradesLocked("指導要録が承認・確定された児童生徒の素点があるため削除できません。")
        count = Score.objects.filter(item=item).count()
        audit_record(
            actor=actor,
            action="grades.item.delete",
            target=item,
            details={"name": item.name, "term": item.term, "scores": count},
        )
        lesson_id, term = item.lesson_class_id, item.term
        item.delete()
        transaction.on_commit(lambda: recompute_lessons([lesson_id], terms=(term,)))
    return count


# ---------------------------------------------------------------------------------------------
# 素点


@dataclass(frozen=True)
class ScoreChange:
    """One cell of the grid: a score, 欠 (excused) or empty (removes the score)."""

    item_id: int
    student_id: int
    value: str  # as typed: "78", "78.5", "欠" / "-", or ""


EXCUSED_WORDS = frozenset({"欠", "-", "ー", "－", "/", "／", "excused"})


def parse_score(text: str, max_score: Decimal) -> tuple[Decimal | None, bool]:
    """The typed cell as (value, excused); ``ValueError`` with the Japanese reason (pure)."""
    raw = text.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if raw == "":
        return None, False
    if raw in EXCUSED_WORDS:
        return None, True
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"「{text}」は数ではありません (欠席等は「欠」)。") from None
    if not value.is_finite():
        raise ValueError(f"「{text}」は数ではありません。")
    if value < 0:
        raise ValueError("素点は0以上で入力してください。")
    if value > max_score:
        raise ValueError(f"満点 ({max_score.normalize():f}点) を超えています。")
    if value != value.quantize(Decimal("0.1")):
        raise ValueError("素点は小数第1位までで入力してください。")
    return value, False


def _score_changes(
    current: Score | None, value: Decimal | None, excused: bool, empty: bool
) -> bool:
    if empty:
        return current is not None
    return current is None or current.value != value or current.excused != excused


@dataclass
class SaveResult:
    saved: int
    student_ids: set[int]


def scores_save(
    *, actor: Acting, lesson: LessonClass, term: int, changes: Sequence[ScoreChange]
) -> SaveResult:
    """Save cells of a 授業クラス's score grid, all or nothing: each bad cell is reported with its
    pupil and 評価項目. Then the pupils' 観点 and 評定 (the term's and the year's) are computed."""
    account = _who(actor)
    setup = _require_setup(lesson)
    _require_entry_open(setup, term)
    items = {i.pk: i for i in EvaluationItem.objects.filter(lesson_class=lesson, term=term)}
    members = {
        m.student_id: m.student
        for m in LessonMembership.objects.filter(lesson_class=lesson).select_related("student")
    }
    errors: list[str] = []
    parsed: list[tuple[EvaluationItem, Student, Decimal | None, bool, bool]] = []
    seen: set[tuple[int, int]] = set()
    for n, change in enumerate(changes, start=1):
        if (change.item_id, change.student_id) in seen:
            errors.append(f"{n}件目: 同じ児童生徒と評価項目の組み合わせが2回あります。")
            continue
        seen.add((change.item_id, change.student_id))
        item = items.get(change.item_id)
        student = members.get(change.student_id)
        if item is None:
            errors.append(f"{n}件目: この授業クラスの{term}学期の評価項目ではありません。")
            continue
        if student is None:
            errors.append(f"{n}件目: この授業クラスの児童生徒ではありません。")
            continue
        try:
            value, excused = parse_score(change.value, item.max_score)
        except ValueError as error:
            errors.append(
                f"{student.family_name} {student.given_name}さんの「{item.name}」: {error}"
            )
            continue
        parsed.append((item, student, value, excused, change.value.strip() == ""))
    if errors:
        raise ValidationError(errors)
    touched = {student.pk for _, student, _, _, _ in parsed}
    with transaction.atomic():
        existing = {
            (s.item_id, s.student_id): s
            for s in Score.objects.select_for_update().filter(
                item_id__in=[i.pk for i, *_ in parsed], student_id__in=touched
            )
        }
        # Only cells whose value changes count: a sheet that repeats an approved pupil's
        # scores as they are saves the other pupils.
        changed = [
            cell
            for cell in parsed
            if _score_changes(existing.get((cell[0].pk, cell[1].pk)), cell[2], cell[3], cell[4])
        ]
        changed_students = {student.pk for _, student, *_ in changed}
        locked = selectors.locked_students(
            lesson.school_id, lesson.fiscal_year, changed_students, for_update=True
        )
        if locked:
            names = sorted(f"{members[s].family_name} {members[s].given_name}" for s in locked)
            raise GradesLocked(
                f"指導要録が承認・確定されているため変更できません: {'、'.join(names)}"
            )
        saved = 0
        for item, student, value, excused, empty in changed:
            current = existing.get((item.pk, student.pk))
            if empty:
                assert current is not None
                current.delete()
            elif current is None:
                Score.objects.create(
                    item=item, student=student, value=value, excused=excused, updated_by=account
                )
            else:
                current.value, current.excused, current.updated_by = value, excused, account
                current.save(update_fields=["value", "excused", "updated_by", "updated_at"])
            saved += 1
        touched = changed_students
        parsed = changed
        recompute_lessons([lesson.pk], terms=(term,), student_ids=touched)
        audit_record(
            actor=actor,
            action="grades.scores.save",
            target=lesson,
            details={
                "term": term,
                "cells": [
                    [i.pk, s.pk, "欠" if ex else (str(v) if v is not None else "")]
                    for i, s, v, ex, _ in parsed
                ],
            },
        )
    return SaveResult(saved=saved, student_ids=touched)


# ---------------------------------------------------------------------------------------------
# 観点 and 評定: computation


def _item_score(item: EvaluationItem, score: Score | None) -> rules.ItemScore:
    return rules.ItemScore(
        name=item.name,
        viewpoint=rules.Viewpoint(item.viewpoint),
        score=score.value if score is not None else None,
        max_score=item.max_score,
        weight=item.weight,
        excused=score.excused if score is not None else False,
    )


def recompute_lessons(
    lesson_ids: Iterable[int],
    *,
    terms: Iterable[int] | None = None,
    student_ids: Iterable[int] | None = None,
    include_ended: bool = False,
) -> int:
    """Compute and store the 観点 and 評定 of the 授業クラス's pupils for the given terms (all
    when none) and for the year (学年末, from every term's items). Terms whose entry is over
    are left as they are unless ``include_ended`` (the demo builds past terms). Entered marks
    and values are kept; the rule's result and explanation are stored beside them. Returns the
    rows written. Reads everything in a few queries per 授業クラス batch."""
    lessons = list(LessonClass.objects.filter(pk__in=list(lesson_ids)).select_related("school"))
    if not lessons:
        return 0
    only = set(student_ids) if student_ids is not None else None
    wanted_terms = set(terms) if terms is not None else None
    today = _today()
    written = 0
    by_year: dict[tuple[int, int], list[LessonClass]] = defaultdict(list)
    for lesson in lessons:
        by_year[(lesson.school_id, lesson.fiscal_year)].append(lesson)
    for (school_id, fiscal_year), group in by_year.items():
        setup = selectors.setup_of(school_id, fiscal_year)
        if setup is None:
            continue
        rule = selectors.parsed_rule(setup.rule)
        setup_terms = sorted(setup.terms.all(), key=lambda t: t.number)
        term_numbers = [t.number for t in setup_terms]
        group_terms = set(term_numbers) if wanted_terms is None else set(wanted_terms)
        with_year = True
        if not include_ended:
            # A term whose entry is over keeps its results (they were printed); so does the
            # 学年末 once the last term's entry is over.
            ended = {t.number for t in setup_terms if selectors.entry_ended(t, today)}
            group_terms -= ended
            with_year = not (setup_terms and setup_terms[-1].number in ended)
        written += _recompute_group(
            group, setup, rule, term_numbers, group_terms, only, with_year=with_year
        )
    return written


def _recompute_group(
    lessons: list[LessonClass],
    setup: GradingSetup,
    rule: rules.Rule,
    term_numbers: list[int],
    wanted_terms: set[int],
    only: set[int] | None,
    *,
    with_year: bool,
) -> int:
    """One school's 年度: read plain values (no model instances), compute, and write only the
    rows whose result changed, as upserts that leave the entered marks and reasons alone.
    Pupils whose 指導要録 is approved or locked keep their results as they were."""
    school = lessons[0].school
    lesson_ids = [lc.pk for lc in lessons]
    members: dict[int, list[int]] = defaultdict(list)
    memberships = LessonMembership.objects.filter(lesson_class_id__in=lesson_ids)
    if only is not None:
        memberships = memberships.filter(student_id__in=only)
    for lesson_id, sid in memberships.values_list("lesson_class_id", "student_id"):
        members[lesson_id].append(sid)
    all_students = {sid for sids in members.values() for sid in sids}
    if not all_students:
        return 0
    closed = selectors.locked_students(school.pk, setup.fiscal_year, all_students)
    grades = selectors.enrolment_grades(school.pk, setup.fiscal_year, all_students)
    # Each item with its "kind" (name, 観点, 満点, 重み): items of one kind in different 授業クラス
    # give the same outcome for the same score, so their scores are made once (below).
    items: dict[int, list[tuple[int, int, int, rules.Viewpoint, str, Decimal, Decimal]]] = (
        defaultdict(list)
    )
    kinds: dict[tuple[str, str, Decimal, Decimal], int] = {}
    for pk, lesson_id, term, viewpoint, name, top, weight in EvaluationItem.objects.filter(
        lesson_class_id__in=lesson_ids
    ).values_list("pk", "lesson_class_id", "term", "viewpoint", "name", "max_score", "weight"):
        kind = kinds.setdefault((name, viewpoint, top, weight), len(kinds))
        items[lesson_id].append((pk, kind, term, rules.Viewpoint(viewpoint), name, top, weight))
    scores: dict[tuple[int, int], tuple[Decimal | None, bool]] = {
        (item_id, sid): (value, excused)
        for item_id, sid, value, excused in Score.objects.filter(
            item__lesson_class_id__in=lesson_ids, student_id__in=all_students
        ).values_list("item_id", "student_id", "value", "excused")
    }
    vp_rows: dict[tuple[int, int, int, str], tuple[str, str, str, int]] = {
        (lc, sid, term, vp): (computed, explanation, entered, pk)
        for lc, sid, term, vp, computed, explanation, entered, pk in ViewpointResult.objects.filter(
            lesson_class_id__in=lesson_ids, student_id__in=all_students
        ).values_list(
            "lesson_class_id",
            "student_id",
            "term",
            "viewpoint",
            "computed",
            "explanation",
            "entered",
            "pk",
        )
    }
    # The warnings come as JSON text, decoded only when there are any (most rows have none):
    # 36,000 json.loads of "[]" cost a tenth of the recompute.
    rating_rows: dict[tuple[int, int, int], tuple[tuple[Any, ...], int]] = {
        (lc, sid, term): ((computed, explanation, [] if w == "[]" else json.loads(w), rule_id), pk)
        for lc, sid, term, computed, explanation, w, rule_id, pk in RatingResult.objects.filter(
            lesson_class_id__in=lesson_ids, student_id__in=all_students
        )
        .annotate(warnings_text=Cast("warnings", models.TextField()))
        .values_list(
            "lesson_class_id",
            "student_id",
            "term",
            "computed",
            "explanation",
            "warnings_text",
            "rule_id",
            "pk",
        )
    }
    term_set = set(term_numbers)
    terms = [t for t in term_numbers if t in wanted_terms]
    if with_year:
        terms.append(YEAR_TERM)
    if not terms:
        return 0
    # Rows as plain dicts of column values (attnames): 36,000 model instances would cost more
    # than the computation.
    vp_out: list[dict[str, Any]] = []
    rating_out: list[dict[str, Any]] = []
    # Outcomes by 観点 and the identities of its item scores (each made once, below, and kept
    # alive by ``item_scores_seen``): hashing ints is cheaper than hashing the dataclasses.
    outcomes: dict[tuple[rules.Viewpoint, tuple[int, ...]], rules.ViewpointOutcome] = {}
    # A kind of item's score is the same value for every pupil who has it: made once.
    item_scores_seen: dict[tuple[int, Decimal | None, bool], rules.ItemScore] = {}
    ratings_seen: dict[tuple[Any, ...], rules.RatingOutcome] = {}
    averaging = rule.method == rules.Method.AVERAGE
    viewpoints = [(vp, str(vp)) for vp in rules.VIEWPOINTS]
    for lesson in lessons:
        lesson_id = lesson.pk
        lesson_items = items[lesson_id]
        for sid in members.get(lesson_id, ()):
            if sid in closed:
                continue
            scale = selectors.scale_of(school, grades.get(sid, lesson.grade or 1))
            # The pupil's item scores by (term, 観点); the 学年末 takes every term's.
            own: dict[tuple[int, rules.Viewpoint], list[rules.ItemScore]] = defaultdict(list)
            for pk, kind, term, viewpoint, name, top, weight in lesson_items:
                value, excused = scores.get((pk, sid), (None, False))
                item_score = item_scores_seen.get((kind, value, excused))
                if item_score is None:
                    item_score = rules.ItemScore(
                        name=name,
                        viewpoint=viewpoint,
                        score=value,
                        max_score=top,
                        weight=weight,
                        excused=excused,
                    )
                    item_scores_seen[(kind, value, excused)] = item_score
                own[(term, viewpoint)].append(item_score)
                if term in term_set:
                    own[(YEAR_TERM, viewpoint)].append(item_score)
            for term in terms:
                marks: dict[rules.Viewpoint, rules.Mark | None] = {}
                for vp, vp_name in viewpoints:
                    # Pupils with the same scores get the same outcome: one computation each
                    # (a term's 観点 often has one item, so most pupils share theirs).
                    vp_items = own.get((term, vp), ())
                    okey = (vp, tuple(map(id, vp_items)))
                    outcome = outcomes.get(okey)
                    if outcome is None:
                        outcome = rules.viewpoint_from_scores(tuple(vp_items), vp, rule)
                        outcomes[okey] = outcome
                    computed = outcome.mark or ""
                    explanation = outcome.explanation[:300]
                    before = vp_rows.get((lesson_id, sid, term, vp_name))
                    entered = before[2] if before is not None else ""
                    if before is None or before[:2] != (computed, explanation):
                        vp_out.append(
                            {
                                "id": before[3] if before is not None else None,
                                "lesson_class_id": lesson_id,
                                "student_id": sid,
                                "term": term,
                                "viewpoint": vp_name,
                                "computed": computed,
                                "explanation": explanation,
                            }
                        )
                    mark = entered or computed
                    marks[vp] = mark if mark in ("A", "B", "C") else None  # type: ignore[assignment]
                average = (
                    rules.weighted_percent(
                        [i for vp, _ in viewpoints for i in own.get((term, vp), ())]
                    )
                    if averaging
                    else None
                )
                # The 評定 depends on the three marks, the scale and (for the average rule) the
                # percent only: 36,000 pupils' results come from a few hundred computations.
                rating_key = (tuple(marks.values()), scale, average)
                rating = ratings_seen.get(rating_key)
                if rating is None:
                    rating = rules.rating_of(marks, rule, scale, average_percent=average)
                    ratings_seen[rating_key] = rating
                now = (rating.value, rating.explanation[:300], list(rating.warnings), setup.rule_id)
                held = rating_rows.get((lesson_id, sid, term))
                if held is None or held[0] != now:
                    rating_out.append(
                        {
                            "id": held[1] if held is not None else None,
                            "lesson_class_id": lesson_id,
                            "student_id": sid,
                            "term": term,
                            "computed": now[0],
                            "explanation": now[1],
                            "warnings": now[2],
                            "rule_id": setup.rule_id,
                        }
                    )
    with transaction.atomic():
        _upsert(
            ViewpointResult,
            vp_out,
            unique=("lesson_class", "student", "term", "viewpoint"),
            update=("computed", "explanation", "updated_at"),
        )
        _upsert(
            RatingResult,
            rating_out,
            unique=("lesson_class", "student", "term"),
            update=("computed", "explanation", "warnings", "rule", "updated_at"),
        )
    return len(vp_out) + len(rating_out)


_PG_TYPES = {
    "BigAutoField": "bigint",
    "ForeignKey": "bigint",
    "PositiveSmallIntegerField": "smallint",
    "CharField": "text",
    "JSONField": "jsonb",
    "DateTimeField": "timestamptz",
}


def _upsert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Write the rows (dicts of column values by attname; other fields take their defaults):
    a row whose ``id`` is known updates ``update`` of that row, the others are inserted, or
    update the row with the same ``unique`` fields that appeared since it was read.

    On PostgreSQL one ``UPDATE … FROM json_to_recordset(rows)`` and one ``INSERT … SELECT FROM
    json_to_recordset(rows) ON CONFLICT DO UPDATE`` per 10,000 rows: Django's own bulk
    methods spend most of their time building model instances and per-row SQL."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(  # type: ignore[attr-defined]
            [model(**{k: v for k, v in row.items() if k != "id"}) for row in rows],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=list(unique),
            update_fields=list(update),
        )
        return
    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.get_internal_type() in _PG_TYPES
    ]
    assert all(f.column == f.attname for f in fields), "rows are keyed by attname"
    stamped = {f.name for f in fields if f.get_internal_type() == "DateTimeField"}
    given = [f for f in fields if f.name not in stamped]
    by_name = {f.name: f for f in fields}
    table = model._meta.db_table

    def value(name: str) -> str:
        return "%(now)s::timestamptz" if name in stamped else f"v.{by_name[name].column}"

    def source(columns: Sequence[models.Field[Any, Any]], *, with_id: bool) -> str:
        record = ", ".join(f"{f.column} {_PG_TYPES[f.get_internal_type()]}" for f in columns)
        return f"json_to_recordset(%(rows)s::json) AS v({'id bigint, ' if with_id else ''}{record})"

    # Table and column names come from the model; every value is a parameter.
    changed = [by_name[name] for name in update if name not in stamped]
    sets = ", ".join(f"{by_name[name].column} = {value(name)}" for name in update)
    update_sql = (
        f"UPDATE {table} AS t SET {sets} FROM {source(changed, with_id=True)} WHERE t.id = v.id"  # noqa: S608
    )
    columns = ", ".join(str(f.column) for f in fields)
    selects = ", ".join(value(f.name) for f in fields)
    conflict = ", ".join(str(by_name[name].column) for name in unique)
    updates = ", ".join(f"{by_name[n].column} = EXCLUDED.{by_name[n].column}" for n in update)
    insert_sql = (
        f"INSERT INTO {table} ({columns}) SELECT {selects} FROM {source(given, with_id=False)} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    defaults = {f.attname: f.get_default() for f in given}
    known = [row for row in rows if row.get("id") is not None]
    new = [defaults | row for row in rows if row.get("id") is None]
    with connection.cursor() as cursor:
        # One JSON text per batch: json.dumps is C, and the server reads it faster than the
        # driver adapts one array per column.
        for sql, batch_rows in ((update_sql, known), (insert_sql, new)):
            for start in range(0, len(batch_rows), 10_000):
                batch = batch_rows[start : start + 10_000]
                cursor.execute(sql, {"now": now, "rows": json.dumps(batch, ensure_ascii=False)})


# ---------------------------------------------------------------------------------------------
# 観点 and 評定: entered by hand


def _require_member(lesson: LessonClass, student_id: int) -> Student:
    membership = (
        LessonMembership.objects.filter(lesson_class=lesson, student_id=student_id)
        .select_related("student")
        .first()
    )
    if membership is None:
        raise ValidationError("この授業クラスの児童生徒ではありません。")
    return membership.student


def _require_results_open(lesson: LessonClass, student: Student, term: int) -> None:
    setup = _require_setup(lesson)
    if term == YEAR_TERM:
        # 学年末 is entered with the last term, inside its 入力期間.
        last = setup.terms.order_by("-number").first()
        if last is None:
            raise ValidationError({"term": "成績処理設定に学期がありません。"})
        term = last.number
    _require_entry_open(setup, term)
    if selectors.locked_students(
        lesson.school_id, lesson.fiscal_year, [student.pk], for_update=True
    ):
        raise GradesLocked("指導要録が承認・確定されているため変更できません。")


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "算出結果と違う値にする理由を入力してください。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"理由は{REASON_MAX}文字以内で入力してください。"})
    return reason


def viewpoint_set(
    *,
    actor: Acting,
    lesson: LessonClass,
    student_id: int,
    term: int,
    viewpoint: str,
    mark: str,
    reason: str = "",
) -> ViewpointResult:
    """Enter a pupil's 観点 by hand (``mark`` "" goes back to the computed one). A mark that
    differs from the computed one needs a reason; it is audited and the 評定 recomputed."""
    account = _who(actor)
    if viewpoint not in ViewpointChoice.values:
        raise ValidationError({"viewpoint": "観点を選んでください。"})
    if mark not in ("", "A", "B", "C"):
        raise ValidationError({"mark": "観点の評価は A・B・C のどれかです。"})
    if term not in (0, 1, 2, 3):
        raise ValidationError({"term": "学期が正しくありません。"})
    student = _require_member(lesson, student_id)
    with transaction.atomic():
        _require_results_open(lesson, student, term)
        row, _ = ViewpointResult.objects.select_for_update().get_or_create(
            lesson_class=lesson, student=student, term=term, viewpoint=viewpoint
        )
        if mark and mark != row.computed:
            row.reason = _check_reason(reason)
        else:
            row.reason = reason.strip()[:REASON_MAX] if mark else ""
        before = row.mark
        row.entered = mark
        row.updated_by = account
        row.save()
        audit_record(
            actor=actor,
            action="grades.viewpoint.set",
            target=row,
            subject=student,
            details={
                "term": term,
                "viewpoint": viewpoint,
                "before": before,
                "after": row.mark,
                "computed": row.computed,
                "reason": row.reason,
            },
        )
        recompute_lessons([lesson.pk], terms=[term] if term else (), student_ids=[student.pk])
    return row


def rating_set(
    *,
    actor: Acting,
    lesson: LessonClass,
    student_id: int,
    term: int,
    value: int | None,
    reason: str = "",
) -> RatingResult:
    """Override a pupil's 評定 (``None`` goes back to the computed one). An override always
    needs a reason and is audited with the computed value and its explanation."""
    account = _who(actor)
    if term not in (0, 1, 2, 3):
        raise ValidationError({"term": "学期が正しくありません。"})
    student = _require_member(lesson, student_id)
    grade = selectors.enrolment_grades(lesson.school_id, lesson.fiscal_year, [student.pk]).get(
        student.pk, lesson.grade or 1
    )
    scale = selectors.scale_of(lesson.school, grade)
    top = {rules.Scale.FIVE: 5, rules.Scale.THREE: 3}.get(scale)
    if value is not None:
        if top is None:
            raise ValidationError({"value": "この学年は評定を付けません。"})
        if not 1 <= value <= top:
            raise ValidationError({"value": f"評定は1から{top}までで入力してください。"})
    with transaction.atomic():
        _require_results_open(lesson, student, term)
        row, _ = RatingResult.objects.select_for_update().get_or_create(
            lesson_class=lesson, student=student, term=term
        )
        before = row.value
        if value is None:
            row.entered, row.reason = None, ""
        else:
            row.reason = _check_reason(reason)
            row.entered = value
        row.updated_by = account
        row.save()
        audit_record(
            actor=actor,
            action="grades.rating.override" if value is not None else "grades.rating.clear",
            target=row,
            subject=student,
            details={
                "term": term,
                "before": before,
                "after": row.value,
                "computed": row.computed,
                "explanation": row.explanation,
                "reason": row.reason,
            },
        )
    return row


# ---------------------------------------------------------------------------------------------
# 所見 and the ○ records (per 学級)


def _require_year_open(school_id: int, fiscal_year: int, student: Student) -> None:
    if selectors.locked_students(school_id, fiscal_year, [student.pk], for_update=True):
        raise GradesLocked(
            f"{student.family_name} {student.given_name}さんの指導要録が承認・確定されているため"
            "変更できません。"
        )


def narrative_save(
    *,
    actor: Acting,
    school_id: int,
    fiscal_year: int,
    student: Student,
    term: int,
    kind: str,
    text: str,
    max_length: int | None = None,
) -> Narrative | None:
    """Save a 所見 (or 道徳, 総合的な学習の時間 …) of a pupil; an empty text removes it. A 所見
    may be as long as the school's 通知表 layout allows (所見の文字数), the others
    ``NARRATIVE_MAX``; ``max_length`` overrides both."""
    account = _who(actor)
    if max_length is None:
        max_length = NARRATIVE_MAX
        if kind == NarrativeKind.REMARKS:
            from manabi.grades.report_cards import remarks_max_length

            max_length = remarks_max_length(school_id, fiscal_year)
    if kind not in NarrativeKind.values:
        raise ValidationError({"kind": "種類が正しくありません。"})
    if term not in (0, 1, 2, 3):
        raise ValidationError({"term": "学期が正しくありません。"})
    text = text.replace("\r\n", "\n").strip()
    label = NarrativeKind(kind).label
    if len(text) > max_length:
        raise ValidationError(
            {"text": f"{label}は{max_length}文字以内で入力してください (いま{len(text)}文字)。"}
        )
    with transaction.atomic():
        row = (
            Narrative.objects.select_for_update()
            .filter(
                student=student, school_id=school_id, fiscal_year=fiscal_year, term=term, kind=kind
            )
            .first()
        )
        if (row.text if row is not None else "") == text:
            return row  # nothing changes: no lock to ask (a whole class's form saves this way)
        _require_year_open(school_id, fiscal_year, student)
        if not text:
            if row is not None:
                audit_record(
                    actor=actor,
                    action="grades.narrative.delete",
                    target=row,
                    subject=student,
                    details={"kind": kind, "term": term},
                )
                row.delete()
            return None
        if row is None:
            row = Narrative(
                student=student, school_id=school_id, fiscal_year=fiscal_year, term=term, kind=kind
            )
        row.text = text
        row.updated_by = account
        row.save()
        audit_record(
            actor=actor,
            action="grades.narrative.save",
            target=row,
            subject=student,
            details={"kind": kind, "term": term, "length": len(text)},
        )
    return row


def checks_save(
    *,
    actor: Acting,
    school_id: int,
    fiscal_year: int,
    student: Student,
    term: int,
    group: str,
    items: Iterable[str],
) -> set[str]:
    """Set the ○ of 行動の記録 or 特別活動の記録 of a pupil and term to exactly ``items``."""
    account = _who(actor)
    if group not in CheckGroup.values:
        raise ValidationError({"group": "記録の種類が正しくありません。"})
    school = Organisation.objects.get(pk=school_id)
    grade = selectors.enrolment_grades(school_id, fiscal_year, [student.pk]).get(student.pk, 1)
    allowed = dict(selectors.check_items(group, school, grade))
    wanted = set(items)
    known = BehaviourItem.values if group == CheckGroup.BEHAVIOUR else SpecialActivityItem.values
    unknown = wanted - set(known)
    if unknown:
        raise ValidationError({"items": f"項目が正しくありません: {', '.join(sorted(unknown))}"})
    other_level = wanted - set(allowed)
    if other_level:
        labels = "、".join(sorted(SpecialActivityItem(k).label for k in other_level))
        raise ValidationError(
            {
                "items": f"{student.family_name} {student.given_name}さんの学年では記録しない項目です: {labels}"
            }
        )
    if term not in (0, 1, 2, 3):
        raise ValidationError({"term": "学期が正しくありません。"})
    with transaction.atomic():
        rows = CheckMark.objects.select_for_update().filter(
            student=student, school_id=school_id, fiscal_year=fiscal_year, term=term, group=group
        )
        have = {r.item for r in rows}
        if have == wanted:
            return have
        _require_year_open(school_id, fiscal_year, student)
        rows.exclude(item__in=wanted).delete()
        CheckMark.objects.bulk_create(
            [
                CheckMark(
                    student=student,
                    school_id=school_id,
                    fiscal_year=fiscal_year,
                    term=term,
                    group=group,
                    item=item,
                    updated_by=account,
                )
                for item in sorted(wanted - have)
            ]
        )
        audit_record(
            actor=actor,
            action="grades.checks.save",
            target=student,
            subject=student,
            details={"group": group, "term": term, "items": sorted(wanted)},
        )
    return wanted
