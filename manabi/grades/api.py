"""API of grades (成績) (/api/v1/grades/…).

The same rules as the pages: a 授業クラス or 学級 is fetched through ``grades.permissions``
(not visible → 404, visible but not allowed → 403), writes go through ``grades.services`` (so
each is audited and recomputes the 観点 and 評定), and every read of pupils' grades or texts is
audited. A closed term or a pupil whose 指導要録 is approved or locked is a 409
(``grades_locked``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.access.functions import Action
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core.api import (
    MESSAGES,
    ApiView,
    IdField,
    error_response,
    error_responses,
    error_serializer,
    many,
)
from manabi.core.audit import audit_record
from manabi.grades import cumulative, permissions, selectors, services
from manabi.grades.models import (
    NARRATIVE_FUNCTIONS,
    YEAR_TERM,
    Narrative,
    NarrativeKind,
    RatingResult,
    RecordState,
    Score,
    Term,
    ViewpointChoice,
    ViewpointResult,
)
from manabi.students.models import LessonMembership, Student

MAX_CELLS = 2000
GRADES_LOCKED = "grades_locked"
NO_SETUP = "成績処理設定がありません。管理職に設定を依頼してください。"

ERROR = error_serializer("GradesError", (GRADES_LOCKED,))
READ_ERRORS = error_responses(ERROR, (400, 401, 403, 404))
WRITE_ERRORS = error_responses(ERROR, (400, 401, 403, 404, 405, 409))

MARK_CHOICES = [("", "算出した評価に戻す"), ("A", "A"), ("B", "B"), ("C", "C")]


# --- serializers: what the API answers --------------------------------------------------------


class GradesLessonSerializer(serializers.Serializer[LessonClass]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    subject = serializers.CharField()
    fiscal_year = serializers.IntegerField()


class GradesClassSerializer(serializers.Serializer[SchoolClass]):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    fiscal_year = serializers.IntegerField()


class GradesItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="test・assignment・performance・observation")
    viewpoint = serializers.ChoiceField(choices=ViewpointChoice.choices)
    max_score = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="満点")
    weight = serializers.DecimalField(max_digits=4, decimal_places=2, help_text="重み")


class GradesScoreSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField(help_text="評価項目の ID")
    value = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="素点 (欠のときは null)"
    )
    excused = serializers.BooleanField(help_text="欠 (欠席・未提出等: 平均に入れない)")
    text = serializers.CharField(
        help_text="入力の形 (「78」「欠」)。PUT の value にそのまま使えます"
    )


class GradesViewpointSerializer(serializers.Serializer[Any]):
    viewpoint = serializers.ChoiceField(choices=ViewpointChoice.choices)
    computed = serializers.CharField(help_text="算出した評価 (A・B・C、なければ空)")
    entered = serializers.CharField(help_text="入力した評価 (A・B・C、なければ空)")
    mark = serializers.CharField(help_text="有効な評価 (入力したもの、なければ算出したもの)")
    explanation = serializers.CharField(help_text="算出の説明")
    reason = serializers.CharField(help_text="入力の理由")


class GradesRatingSerializer(serializers.Serializer[Any]):
    computed = serializers.IntegerField(allow_null=True, help_text="算出した評定")
    entered = serializers.IntegerField(allow_null=True, help_text="入力した評定")
    value = serializers.IntegerField(allow_null=True, help_text="有効な評定")
    explanation = serializers.CharField(help_text="算出の説明 (規則の名前と版を含む)")
    warnings = serializers.ListField(child=serializers.CharField(), help_text="見直しの注意")
    reason = serializers.CharField(help_text="入力の理由")


class GradesPupilSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    class_label = serializers.CharField(help_text="学級 (3年1組など)")
    number = serializers.IntegerField(allow_null=True, help_text="出席番号")
    locked = serializers.BooleanField(help_text="指導要録が承認・確定済み (変更できない)")
    viewpoints = GradesViewpointSerializer(many=True, help_text="観点別学習状況 (3観点)")
    rating = GradesRatingSerializer(help_text="評定")


class GradesScorePupilSerializer(GradesPupilSerializer):
    scores = GradesScoreSerializer(many=True, help_text="入力のある素点だけ")


class GradesResultsSerializer(serializers.Serializer[Any]):
    lesson = GradesLessonSerializer()
    term = serializers.IntegerField(help_text="学期 (0 は学年末)")
    term_label = serializers.CharField()
    entry_open = serializers.BooleanField(help_text="いま入力できるか (入力制限設定)")
    entry_message = serializers.CharField(help_text="入力できない理由")
    pupils = GradesPupilSerializer(many=True)


class GradesScoreGridSerializer(GradesResultsSerializer):
    items = GradesItemSerializer(many=True, help_text="学期の評価項目")
    pupils = GradesScorePupilSerializer(many=True)


class GradesScoresSavedSerializer(GradesScoreGridSerializer):
    saved = serializers.IntegerField(help_text="変更したセルの数")


class GradesNarrativeTextSerializer(serializers.Serializer[Any]):
    term = serializers.IntegerField(help_text="学期 (0 は年間)")
    text = serializers.CharField()
    updated_at = serializers.DateTimeField()


class GradesNarrativePupilSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.IntegerField(allow_null=True, help_text="出席番号")
    locked = serializers.BooleanField(help_text="指導要録が承認・確定済み (変更できない)")
    narratives = GradesNarrativeTextSerializer(many=True, help_text="入力のある学期だけ")


class GradesNarrativesSerializer(serializers.Serializer[Any]):
    school_class = GradesClassSerializer()
    kind = serializers.ChoiceField(choices=NarrativeKind.choices)
    kind_label = serializers.CharField()
    term = serializers.IntegerField(allow_null=True, help_text="指定した学期 (なければ null)")
    max_length = serializers.IntegerField(help_text="入力できる文字数")
    pupils = GradesNarrativePupilSerializer(many=True)


class GradesNarrativeSavedSerializer(serializers.Serializer[Any]):
    student = serializers.IntegerField()
    term = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NarrativeKind.choices)
    text = serializers.CharField(help_text="保存した内容 (空なら削除した)")
    updated_at = serializers.DateTimeField(allow_null=True)


class GradesRecordSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="児童生徒の ID")
    name = serializers.CharField()
    number = serializers.IntegerField(allow_null=True, help_text="出席番号")
    state = serializers.ChoiceField(choices=RecordState.choices)
    state_label = serializers.CharField()
    content_sha256 = serializers.CharField(help_text="確定した内容の SHA-256 (確定前は空)")
    approved_at = serializers.DateTimeField(allow_null=True)
    locked_at = serializers.DateTimeField(allow_null=True)


class GradesRecordsSerializer(serializers.Serializer[Any]):
    school_class = GradesClassSerializer()
    pupils = GradesRecordSerializer(many=True)


# --- serializers: what clients send -----------------------------------------------------------


class GradesTermQuerySerializer(serializers.Serializer[Any]):
    term = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=3,
        help_text="学期 (1〜3)。省略すると今日を含む学期 (なければ1学期)",
    )


class GradesResultsQuerySerializer(serializers.Serializer[Any]):
    term = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=3,
        help_text="学期 (0 は学年末、1〜3)。省略すると今日を含む学期",
    )


class GradesCellSerializer(serializers.Serializer[Any]):
    item = IdField(help_text="評価項目の ID")
    student = IdField(help_text="児童生徒の ID")
    value = serializers.CharField(
        allow_blank=True,
        max_length=20,
        help_text="素点 (「78」「78.5」)、欠席・未提出等は「欠」、空は素点を消す",
    )


class GradesScoresWriteSerializer(serializers.Serializer[Any]):
    term = serializers.IntegerField(min_value=1, max_value=3, help_text="学期 (1〜3)")
    cells = many(GradesCellSerializer, max_items=MAX_CELLS, min_length=1)


class GradesResultWriteSerializer(serializers.Serializer[Any]):
    """A 観点 (``viewpoint`` and ``mark``) or a 評定 (``rating``), one of the two."""

    term = serializers.IntegerField(min_value=0, max_value=3, help_text="学期 (0 は学年末)")
    viewpoint = serializers.ChoiceField(
        choices=ViewpointChoice.choices, required=False, help_text="観点を入力するとき"
    )
    mark = serializers.ChoiceField(
        choices=MARK_CHOICES,
        required=False,
        allow_blank=True,
        help_text="観点の評価 (空は算出した評価に戻す)",
    )
    rating = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text="評定を入力するとき (null は算出した評定に戻す)",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.REASON_MAX,
        help_text="算出と違う値にする理由 (そのときは必須)",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_viewpoint = "viewpoint" in attrs or "mark" in attrs
        has_rating = "rating" in attrs
        if has_viewpoint and has_rating:
            raise serializers.ValidationError(
                "観点 (viewpoint, mark) と評定 (rating) は別々に送ってください。"
            )
        if not has_viewpoint and not has_rating:
            raise serializers.ValidationError(
                "観点 (viewpoint と mark) か評定 (rating) を指定してください。"
            )
        if has_viewpoint and "viewpoint" not in attrs:
            raise serializers.ValidationError({"viewpoint": ["観点を指定してください。"]})
        if has_viewpoint and "mark" not in attrs:
            raise serializers.ValidationError(
                {"mark": ["観点の評価 (A・B・C、空で算出した評価に戻す) を指定してください。"]}
            )
        return attrs


class GradesNarrativesQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=NarrativeKind.choices, help_text="所見等の種類")
    term = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=3,
        help_text="学期 (0 は年間)。省略するとすべての学期",
    )


class GradesNarrativeWriteSerializer(serializers.Serializer[Any]):
    student = IdField(help_text="児童生徒の ID (この学級の年度の在籍者)")
    term = serializers.IntegerField(min_value=0, max_value=3, help_text="学期 (0 は年間)")
    kind = serializers.ChoiceField(choices=NarrativeKind.choices, help_text="所見等の種類")
    text = serializers.CharField(
        allow_blank=True,
        max_length=services.NARRATIVE_MAX,
        trim_whitespace=False,
        help_text="内容 (空は削除)",
    )


# --- reads ------------------------------------------------------------------------------------


def _current_term(terms: Sequence[Term], today: date) -> int:
    for t in terms:
        if t.starts_on <= today <= t.ends_on:
            return t.number
    return 1


def _invalid(errors: dict[str, Any]) -> Response:
    return error_response(
        "invalid", MESSAGES["invalid"], status.HTTP_400_BAD_REQUEST, errors=errors
    )


def _locked(exc: DjangoValidationError) -> Response:
    return error_response(GRADES_LOCKED, " ".join(exc.messages), status.HTTP_409_CONFLICT)


def _no_setup() -> Response:
    return error_response("conflict", NO_SETUP, status.HTTP_409_CONFLICT)


def _service_errors(exc: DjangoValidationError, *, rename: dict[str, str] | None = None) -> Any:
    """A service's ``ValidationError`` as ``errors``: by field, or ``non_field_errors``."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        return {
            "non_field_errors" if name == "__all__" else rename.get(name, name): messages
            for name, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _term_of(lesson: LessonClass, raw: int | None, *, year_allowed: bool) -> tuple[int, Any]:
    """The term asked for (or today's) and the set-up's terms; ``ValidationError`` for a term
    the set-up does not have."""
    setup = selectors.setup_of(lesson.school_id, lesson.fiscal_year)
    terms = selectors.terms_of(setup)
    term = raw if raw is not None else _current_term(terms, timezone.localdate())
    if term == YEAR_TERM and year_allowed:
        return term, terms
    if setup is not None and term not in {t.number for t in terms}:
        raise serializers.ValidationError(
            {"term": [f"{term}学期は{lesson.fiscal_year}年度の成績処理設定にありません。"]}
        )
    return term, terms


def _score_text(score: Score) -> str:
    if score.excused:
        return "欠"
    return f"{score.value.normalize():f}" if score.value is not None else ""


def _viewpoints(rows: dict[str, ViewpointResult]) -> list[dict[str, Any]]:
    out = []
    for vp in ViewpointChoice.values:
        row = rows.get(vp)
        out.append(
            {
                "viewpoint": vp,
                "computed": row.computed if row else "",
                "entered": row.entered if row else "",
                "mark": row.mark if row else "",
                "explanation": row.explanation if row else "",
                "reason": row.reason if row else "",
            }
        )
    return out


def _rating(row: RatingResult | None) -> dict[str, Any]:
    return {
        "computed": row.computed if row else None,
        "entered": row.entered if row else None,
        "value": row.value if row else None,
        "explanation": row.explanation if row else "",
        "warnings": list(row.warnings) if row else [],
        "reason": row.reason if row else "",
    }


def _grid(
    lesson: LessonClass, term: int, *, with_scores: bool, only: Iterable[int] | None = None
) -> dict[str, Any]:
    """The 授業クラス's term as the API shows it (the pupils of ``only`` when given)."""
    grid = selectors.score_grid(lesson, term, today=timezone.localdate())
    wanted = set(only) if only is not None else None
    # 観点 in the order of 指導要録 (知識・技能, 思考・判断・表現, 態度), not by their keys.
    rank = {vp: i for i, vp in enumerate(ViewpointChoice.values)}
    items = sorted(grid.items, key=lambda i: (rank.get(i.viewpoint, 9), i.order, i.pk))
    pupils = []
    for row in grid.rows:
        student = row.member.student
        if wanted is not None and student.pk not in wanted:
            continue
        pupil: dict[str, Any] = {
            "id": student.pk,
            "name": student.name,
            "class_label": row.member.class_label,
            "number": row.member.number,
            "locked": row.locked,
            "viewpoints": _viewpoints(row.viewpoints),
            "rating": _rating(row.rating),
        }
        if with_scores:
            pupil["scores"] = [
                {
                    "item": item.pk,
                    "value": score.value,
                    "excused": score.excused,
                    "text": _score_text(score),
                }
                for item in items
                if (score := row.scores.get(item.pk)) is not None
            ]
        pupils.append(pupil)
    data: dict[str, Any] = {
        "lesson": lesson,
        "term": term,
        "term_label": selectors.term_label(term, grid.terms),
        "entry_open": grid.entry_open,
        "entry_message": grid.entry_message,
        "pupils": pupils,
    }
    if with_scores:
        data["items"] = items
    return data


# --- views: 素点 ------------------------------------------------------------------------------


class GradesScoresView(ApiView):
    @extend_schema(
        summary="成績: 授業クラスの素点と観点・評定 (学期)",
        description=(
            "授業クラスの学期の評価項目、児童生徒ごとの素点、観点別学習状況 (算出した評価・入力"
            "した評価・説明) と評定 (算出値・入力値・説明・注意) を返します。entry_open は入力"
            "制限設定でいま入力できるか、entry_message はできない理由です。別表1 「素点 閲覧」"
            "の範囲外の授業クラスは 404。参照は監査ログに記録されます。"
        ),
        parameters=[GradesTermQuerySerializer],
        responses={200: GradesScoreGridSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        acting = self.acting(request)
        lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.SCORES)
        query = GradesTermQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        term, _ = _term_of(lesson, query.validated_data["term"], year_allowed=False)
        data = _grid(lesson, term, with_scores=True)
        audit_record(
            actor=acting,
            action="grades.scores.api_view",
            target=lesson,
            details={"term": term, "pupils": len(data["pupils"]), "items": len(data["items"])},
        )
        return Response(GradesScoreGridSerializer(data).data)

    @extend_schema(
        summary="成績: 素点の一括入力",
        description=(
            f"最大{MAX_CELLS}セルの素点をまとめて入力します。value は「78」「78.5」、欠席・"
            "未提出等は「欠」、空は素点を消します。すべて成功するか、1セルでも誤りがあれば何も"
            "保存しません (400、errors.cells に児童生徒と評価項目を名指ししたメッセージ)。"
            f"入力期間外・締切後の学期や指導要録が承認・確定された児童生徒は 409 ({GRADES_LOCKED})。"
            "保存すると観点と評定を算出し直し、変更した児童生徒の表を返します。別表1 「素点 編集」"
            "が必要です。"
        ),
        request=GradesScoresWriteSerializer,
        responses={200: GradesScoresSavedSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, lesson_id: int) -> Response:
        acting = self.acting(request)
        lesson, _ = permissions.access_lesson(
            acting, lesson_id, permissions.SCORES, action=Action.EDIT
        )
        body = GradesScoresWriteSerializer(data=request.data)
        if not body.is_valid():
            return _invalid(body.errors)
        term = body.validated_data["term"]
        if selectors.setup_of(lesson.school_id, lesson.fiscal_year) is None:
            return _no_setup()
        cells = body.validated_data["cells"]
        seen: dict[tuple[int, int], int] = {}
        duplicates = []
        for n, cell in enumerate(cells, start=1):
            key = (cell["item"], cell["student"])
            if key in seen:
                duplicates.append(f"{n}件目: {seen[key]}件目と同じ児童生徒・評価項目です。")
            seen.setdefault(key, n)
        if duplicates:
            return _invalid({"cells": duplicates})
        changes = [
            services.ScoreChange(item_id=c["item"], student_id=c["student"], value=c["value"])
            for c in cells
        ]
        try:
            result = services.scores_save(actor=acting, lesson=lesson, term=term, changes=changes)
        except services.GradesLocked as exc:
            return _locked(exc)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                return _invalid(_service_errors(exc))
            return _invalid({"cells": exc.messages})
        data = _grid(lesson, term, with_scores=True, only=result.student_ids)
        data["saved"] = result.saved
        return Response(GradesScoresSavedSerializer(data).data)


# --- views: 観点 and 評定 ----------------------------------------------------------------------


class GradesResultsView(ApiView):
    @extend_schema(
        summary="成績: 授業クラスの観点と評定 (学期・学年末)",
        description=(
            "授業クラスの児童生徒ごとに、観点別学習状況と評定を算出の説明とともに返します。"
            "term 0 は学年末 (指導要録の評定)。別表1 「必修教科 (授業クラス)」 (選択教科は"
            "「選択教科」) の閲覧範囲外は 404。参照は監査ログに記録されます。"
        ),
        parameters=[GradesResultsQuerySerializer],
        responses={200: GradesResultsSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, lesson_id: int) -> Response:
        acting = self.acting(request)
        lesson, _ = permissions.access_lesson(acting, lesson_id, permissions.ENTRY_REQUIRED)
        query = GradesResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        term, _ = _term_of(lesson, query.validated_data["term"], year_allowed=True)
        data = _grid(lesson, term, with_scores=False)
        audit_record(
            actor=acting,
            action="grades.results.api_view",
            target=lesson,
            details={"term": term, "pupils": len(data["pupils"])},
        )
        return Response(GradesResultsSerializer(data).data)


class GradesResultView(ApiView):
    @extend_schema(
        summary="成績: 観点または評定の入力",
        description=(
            "児童生徒の観点 ({term, viewpoint, mark}) か評定 ({term, rating, reason}) を入力し"
            "ます。mark を空、rating を null にすると算出した値に戻ります。算出と違う値には理由"
            "が必要です (なければ 400)。変更は監査ログに算出値と説明とともに記録されます。入力"
            f"期間外の学期や指導要録が承認・確定された児童生徒は 409 ({GRADES_LOCKED})。答えは"
            "その児童生徒の観点と評定です。"
        ),
        request=GradesResultWriteSerializer,
        responses={200: GradesPupilSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, lesson_id: int, student_id: int) -> Response:
        acting = self.acting(request)
        lesson, _ = permissions.access_lesson(
            acting, lesson_id, permissions.ENTRY_REQUIRED, action=Action.EDIT
        )
        if not LessonMembership.objects.filter(lesson_class=lesson, student_id=student_id).exists():
            raise Http404
        body = GradesResultWriteSerializer(data=request.data)
        if not body.is_valid():
            return _invalid(body.errors)
        if selectors.setup_of(lesson.school_id, lesson.fiscal_year) is None:
            return _no_setup()
        data = body.validated_data
        term = data["term"]
        try:
            if "rating" in data:
                services.rating_set(
                    actor=acting,
                    lesson=lesson,
                    student_id=student_id,
                    term=term,
                    value=data["rating"],
                    reason=data["reason"],
                )
            else:
                services.viewpoint_set(
                    actor=acting,
                    lesson=lesson,
                    student_id=student_id,
                    term=term,
                    viewpoint=data["viewpoint"],
                    mark=data["mark"],
                    reason=data["reason"],
                )
        except services.GradesLocked as exc:
            return _locked(exc)
        except DjangoValidationError as exc:
            return _invalid(_service_errors(exc, rename={"value": "rating"}))
        pupils = _grid(lesson, term, with_scores=False, only=[student_id])["pupils"]
        return Response(GradesPupilSerializer(pupils[0]).data)


# --- views: 所見等 (per 学級) ------------------------------------------------------------------


def _class_student(school_class: SchoolClass, student_id: int) -> Student | None:
    return next(
        (e.student for e in selectors.class_pupils(school_class) if e.student_id == student_id),
        None,
    )


class GradesNarrativesView(ApiView):
    @extend_schema(
        summary="成績: 学級の所見等",
        description=(
            "学級の児童生徒 (学級の年度の在籍者) の所見・道徳・総合的な学習の時間・外国語活動・"
            "特別活動・総合所見のうち kind の種類を返します。term を省略するとすべての学期。"
            "別表1 の種類ごとの機能 (所見、道徳 …) の閲覧範囲外の学級は 404。参照は監査ログに"
            "記録されます。"
        ),
        parameters=[GradesNarrativesQuerySerializer],
        responses={200: GradesNarrativesSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        query = GradesNarrativesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, term = query.validated_data["kind"], query.validated_data["term"]
        school_class, _ = permissions.access_class(
            acting, class_id, NARRATIVE_FUNCTIONS[kind], action=Action.VIEW
        )
        enrolments = selectors.class_pupils(school_class)
        ids = [e.student_id for e in enrolments]
        texts: dict[int, list[Narrative]] = {}
        rows = Narrative.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            kind=kind,
            student_id__in=ids,
        ).order_by("term")
        if term is not None:
            rows = rows.filter(term=term)
        for n in rows:
            texts.setdefault(n.student_id, []).append(n)
        locked = selectors.locked_students(school_class.school_id, school_class.fiscal_year, ids)
        pupils = [
            {
                "id": e.student_id,
                "name": e.student.name,
                "number": e.number,
                "locked": e.student_id in locked,
                "narratives": [
                    {"term": n.term, "text": n.text, "updated_at": n.updated_at}
                    for n in texts.get(e.student_id, [])
                ],
            }
            for e in enrolments
        ]
        audit_record(
            actor=acting,
            action="grades.narratives.view",
            target=school_class,
            details={"kind": kind, "term": term, "pupils": len(pupils)},
        )
        data = {
            "school_class": school_class,
            "kind": kind,
            "kind_label": NarrativeKind(kind).label,
            "term": term,
            "max_length": services.NARRATIVE_MAX,
            "pupils": pupils,
        }
        return Response(GradesNarrativesSerializer(data).data)

    @extend_schema(
        summary="成績: 所見等の入力",
        description=(
            "学級の児童生徒の所見等を1件保存します (text が空なら削除)。児童生徒はこの学級の"
            "年度の在籍者であること (ほかは 404)。別表1 の種類ごとの機能の 「編集」が必要です。"
            f"指導要録が承認・確定された児童生徒は 409 ({GRADES_LOCKED})。"
        ),
        request=GradesNarrativeWriteSerializer,
        responses={200: GradesNarrativeSavedSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        body = GradesNarrativeWriteSerializer(data=request.data)
        if not body.is_valid():
            # An unseen class is 404 before the body is judged.
            permissions.access_class(
                acting, class_id, NARRATIVE_FUNCTIONS[NarrativeKind.REMARKS], action=Action.VIEW
            )
            return _invalid(body.errors)
        data = body.validated_data
        kind, term = data["kind"], data["term"]
        school_class, _ = permissions.access_class(
            acting, class_id, NARRATIVE_FUNCTIONS[kind], action=Action.EDIT
        )
        student = _class_student(school_class, data["student"])
        if student is None:
            return error_response(
                "not_found",
                MESSAGES["not_found"],
                status.HTTP_404_NOT_FOUND,
                errors={
                    "student": [
                        f"{school_class.label}の児童生徒が見つかりません (ID {data['student']})。"
                    ]
                },
            )
        try:
            row = services.narrative_save(
                actor=acting,
                school_id=school_class.school_id,
                fiscal_year=school_class.fiscal_year,
                student=student,
                term=term,
                kind=kind,
                text=data["text"],
            )
        except services.GradesLocked as exc:
            return _locked(exc)
        except DjangoValidationError as exc:
            return _invalid(_service_errors(exc))
        saved = {
            "student": student.pk,
            "term": term,
            "kind": kind,
            "text": row.text if row is not None else "",
            "updated_at": row.updated_at if row is not None else None,
        }
        return Response(GradesNarrativeSavedSerializer(saved).data)


# --- views: 指導要録 --------------------------------------------------------------------------


class GradesRecordsView(ApiView):
    @extend_schema(
        summary="成績: 学級の指導要録の状態",
        description=(
            "学級の児童生徒 (学級の年度の在籍者) ごとに、指導要録の状態 (作成中・校長承認済み・"
            "確定) と、確定した内容の SHA-256 を返します。別表1 「指導要録 印刷」の範囲外の学級"
            "は 404。参照は監査ログに記録されます。"
        ),
        responses={200: GradesRecordsSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, _ = permissions.access_class(acting, class_id, permissions.CUMULATIVE)
        rows = cumulative.records_for_class(school_class)
        pupils = [
            {
                "id": row.student.pk,
                "name": row.student.name,
                "number": row.enrolment.number,
                "state": row.record.state,
                "state_label": RecordState(row.record.state).label,
                "content_sha256": row.record.content_sha256,
                "approved_at": row.record.approved_at,
                "locked_at": row.record.locked_at,
            }
            for row in rows
        ]
        audit_record(
            actor=acting,
            action="grades.records.api_list",
            target=school_class,
            details={"fiscal_year": school_class.fiscal_year, "pupils": len(pupils)},
        )
        return Response(
            GradesRecordsSerializer({"school_class": school_class, "pupils": pupils}).data
        )
