"""API of the school-affairs roster (/api/v1/students/, /api/v1/classes/, /api/v1/transfers/).

Lists are narrowed exactly as the pages are (別表1 scope of 児童生徒名簿) and every list of
pupils is audited. A list costs a constant number of queries whatever its length."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.classes.models import SchoolClass
from manabi.classes.selectors import classes_in_reach
from manabi.core.api import (
    ApiView,
    IdField,
    PageQuerySerializer,
    Pages,
    error_responses,
    error_serializer,
    page_of,
)
from manabi.core.audit import audit_record
from manabi.students import transfers
from manabi.students.models import Enrolment, Transfer
from manabi.students.permissions import (
    access_class,
    access_student_for_change,
    access_transfer,
    require_record_manager,
    require_roster_reader,
)
from manabi.students.selectors import (
    class_sizes,
    enrolments_in_reach,
    filter_roster,
    transfer_destinations,
    transfers_incoming,
    transfers_outgoing,
)

ERROR = error_serializer("RosterError")
READ_ERRORS = error_responses(ERROR, (400, 401, 403, 404))
WRITE_ERRORS = error_responses(ERROR, (400, 401, 403, 404, 405))


class PupilSerializer(serializers.Serializer[Enrolment]):
    id = serializers.IntegerField(source="student_id")
    code = serializers.CharField(source="student.code")
    name = serializers.CharField(source="student.name")
    display_name = serializers.CharField(source="student.display_name")
    kana = serializers.CharField(source="student.kana")
    sex = serializers.CharField(source="student.sex")
    birth_date = serializers.DateField(source="student.birth_date")
    grade = serializers.IntegerField()
    class_id = serializers.IntegerField(source="school_class_id", allow_null=True)
    class_label = serializers.SerializerMethodField()
    number = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    fiscal_year = serializers.IntegerField()

    def get_class_label(self, enrolment: Enrolment) -> str:
        return enrolment.school_class.label if enrolment.school_class else ""


PupilPageSerializer = page_of("PupilPage", PupilSerializer)


class RosterQuerySerializer(serializers.Serializer[Any]):
    # ``class`` is a Python keyword: the field is declared below.
    grade = serializers.IntegerField(required=False, min_value=1, max_value=12, help_text="学年")
    q = serializers.CharField(
        required=False,
        max_length=60,
        allow_blank=True,
        default="",
        help_text="氏名・ふりがな・児童生徒コード",
    )


RosterQuerySerializer._declared_fields["class"] = IdField(required=False, help_text="学級の id")

ROSTER_PARAMETERS = [RosterQuerySerializer, PageQuerySerializer]


def _page(view: ApiView, request: Request, enrolments: Any) -> Response:
    pages = Pages()
    page: list[Enrolment] | None = pages.paginate_queryset(enrolments, request, view=view)
    data = PupilSerializer(page, many=True).data  # type: ignore[arg-type]
    return pages.get_paginated_response(data)


class StudentListView(ApiView):
    @extend_schema(
        summary="児童生徒名簿 (担当範囲で絞り込み)",
        description="別表1の児童生徒名簿の閲覧範囲(管理者=学校全体、学年担当=担当学年、"
        "学級担当=担任・担当クラス)の児童生徒だけを返します。参照は監査ログに記録されます。",
        parameters=ROSTER_PARAMETERS,
        responses={200: PupilPageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        acting = self.acting(request)
        query = RosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reach = require_roster_reader(acting)
        d = query.validated_data
        enrolments = filter_roster(
            enrolments_in_reach(reach),
            school_class_id=d.get("class"),
            grade=d.get("grade"),
            q=d.get("q", ""),
        )
        response = _page(self, request, enrolments)
        audit_record(
            actor=acting,
            action="students.api_list",
            target=acting.organisation,
            details={k: v for k, v in d.items() if k != "page_size"},
        )
        return response


class ClassSerializer(serializers.Serializer[SchoolClass]):
    id = serializers.IntegerField()
    fiscal_year = serializers.IntegerField()
    grade = serializers.IntegerField()
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    pupils = serializers.SerializerMethodField()

    def get_pupils(self, school_class: SchoolClass) -> int:
        return int(self.context["sizes"].get(school_class.pk, 0))


class ClassListView(ApiView):
    @extend_schema(
        summary="学級の一覧 (担当範囲で絞り込み)",
        responses={200: ClassSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        reach = require_roster_reader(self.acting(request))
        classes = list(classes_in_reach(reach))
        sizes = class_sizes(enrolments_in_reach(reach))
        data = ClassSerializer(classes, many=True, context={"sizes": sizes}).data  # type: ignore[arg-type]
        return Response(data)


class ClassStudentsView(ApiView):
    @extend_schema(
        summary="学級の児童生徒",
        parameters=[PageQuerySerializer],
        responses={200: PupilPageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, reach = access_class(acting, class_id)
        enrolments = enrolments_in_reach(reach).filter(school_class=school_class)
        response = _page(self, request, enrolments)
        audit_record(actor=acting, action="classes.class.api_view", target=school_class)
        return response


# --- transfers ------------------------------------------------------------------------------


class TransferSerializer(serializers.Serializer[Transfer]):
    id = serializers.IntegerField()
    student_id = serializers.IntegerField()
    student_name = serializers.CharField(source="student.name")
    from_school = serializers.CharField(source="from_school.name")
    to_school_id = serializers.IntegerField(allow_null=True)
    destination_name = serializers.CharField()
    moved_on = serializers.DateField()
    reason = serializers.CharField()
    status = serializers.CharField()


class TransferListSerializer(serializers.Serializer[Any]):
    incoming = TransferSerializer(many=True)
    outgoing = TransferSerializer(many=True)


class TransferOutSerializer(serializers.Serializer[Any]):
    moved_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)
    to_school = IdField(required=False, allow_null=True)
    destination_name = serializers.CharField(
        required=False, allow_blank=True, max_length=120, default=""
    )


class TransferAcceptSerializer(serializers.Serializer[Any]):
    school_class = IdField()
    start_date = serializers.DateField()
    number = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99)


class EnrolmentRefSerializer(serializers.Serializer[Enrolment]):
    id = serializers.IntegerField()
    student_id = serializers.IntegerField()
    school_id = serializers.IntegerField()
    class_id = serializers.IntegerField(source="school_class_id")
    status = serializers.CharField()
    start_date = serializers.DateField()


class TransferListView(ApiView):
    @extend_schema(
        summary="転出入 (受入れ待ちの転入と、転出)",
        responses={200: TransferListSerializer, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        acting = self.acting(request)
        require_record_manager(acting)
        assert acting.organisation is not None
        school_id = acting.organisation.pk
        incoming = list(transfers_incoming(school_id))
        outgoing = list(transfers_outgoing(school_id)[:200])
        return Response(
            {
                "incoming": TransferSerializer(incoming, many=True).data,  # type: ignore[arg-type]
                "outgoing": TransferSerializer(outgoing, many=True).data,  # type: ignore[arg-type]
            }
        )


class TransferOutView(ApiView):
    @extend_schema(
        summary="転出の記録",
        description="在籍は転出日で終わります。to_school (県内の manabi 利用校) か "
        "destination_name (域外の学校名) のどちらかを指定します。",
        request=TransferOutSerializer,
        responses={201: TransferSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, student_id: int) -> Response:
        acting = self.acting(request)
        enrolment = access_student_for_change(acting, student_id)
        body = TransferOutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        to_school = None
        if d.get("to_school"):
            to_school = transfer_destinations(enrolment.school_id).filter(pk=d["to_school"]).first()
            if to_school is None:
                raise serializers.ValidationError({"to_school": ["転入先の学校が見つかりません。"]})
        transfer = transfers.transfer_record(
            actor=acting,
            enrolment=enrolment,
            moved_on=d["moved_on"],
            reason=d["reason"],
            to_school=to_school,
            destination_name=d["destination_name"],
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class TransferAcceptView(ApiView):
    @extend_schema(
        summary="転入の受入れ",
        request=TransferAcceptSerializer,
        responses={201: EnrolmentRefSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, transfer_id: int) -> Response:
        acting = self.acting(request)
        transfer = access_transfer(acting, transfer_id)
        assert acting.organisation is not None
        if transfer.to_school_id != acting.organisation.pk:
            raise PermissionDenied  # the sending school sees it but cannot accept it
        body = TransferAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        reach = require_record_manager(acting)
        school_class = classes_in_reach(reach).filter(pk=d["school_class"]).first()
        if school_class is None:
            raise serializers.ValidationError({"school_class": ["学級が見つかりません。"]})
        enrolment = transfers.transfer_accept(
            actor=acting,
            transfer=transfer,
            school_class=school_class,
            start_date=d["start_date"],
            number=d.get("number"),
        )
        return Response(EnrolmentRefSerializer(enrolment).data, status=status.HTTP_201_CREATED)
