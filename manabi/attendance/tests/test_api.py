"""The attendance-book API: a class's marks (read and all-or-nothing write), year totals and
guardians' notices, scoped as the pages are (別表1 出席簿), errors in the one JSON shape."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from manabi.accounts.selectors import acting_for
from manabi.attendance import services
from manabi.attendance.choices import (
    AbsenceReason,
    MarkStatus,
    NoticeKind,
    NoticeStatus,
)
from manabi.attendance.models import AbsenceNotice, Mark, MonthLock
from manabi.attendance.rules import RULES_VERSION
from manabi.core.models import AuditEvent
from manabi.students.models import Student
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db

JSON = "application/json"


def weekday(year: int, n: int = 0) -> date:
    """The ``n``-th weekday of June (no national holidays in June)."""
    day = date(year, 6, 1)
    seen = -1
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


def marks_url(sc: SchoolCast, key: str = "a1_1") -> str:
    return f"/api/v1/attendance/classes/{sc.classes[key].pk}/marks/"


def put(client: Client, url: str, items: list[dict[str, Any]]) -> Any:
    return client.put(url, {"marks": items}, content_type=JSON)


def absent(sc: SchoolCast, key: str, day: date, **extra: Any) -> dict[str, Any]:
    return {
        "student_id": sc.students[key].pk,
        "date": day.isoformat(),
        "status": "absent",
        "reason": "illness",
        **extra,
    }


def set_mark(sc: SchoolCast, key: str, day: date, data: services.MarkData) -> None:
    services.mark_set(
        actor=acting_for(sc.account("teacher_a")),
        school_class=sc.classes["a1_1"],
        student_id=sc.students[key].pk,
        day=day,
        data=data,
    )


def notice(
    sc: SchoolCast, key: str, day: date, kind: NoticeKind = NoticeKind.ABSENT
) -> AbsenceNotice:
    student: Student = sc.students[key]
    enrolment = sc.enrolments[key]
    return AbsenceNotice.objects.create(
        student=student,
        school_id=enrolment.school_id,
        guardian=student.guardians.get(),
        date=day,
        kind=kind,
        reason=AbsenceReason.ILLNESS if kind == NoticeKind.ABSENT else "",
        symptoms="発熱",
    )


# --- GET marks ------------------------------------------------------------------------------


def test_marks_of_a_span_list_pupils_exceptions_and_lesson_days(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 2)
    set_mark(sc, "A1-2", day, services.MarkData(status=MarkStatus.ABSENT, reason="illness"))
    set_mark(sc, "A1-3", day, services.MarkData(status=MarkStatus.PRESENT, late=True, note="寝坊"))
    before = AuditEvent.objects.count()
    start, end = date(sc.year, 6, 1), date(sc.year, 7, 31)
    response = sc.client("teacher_a").get(f"{marks_url(sc)}?from={start}&to={end}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from"] == start.isoformat() and body["to"] == end.isoformat()
    assert body["school_class"]["label"] == sc.classes["a1_1"].label
    assert len(body["days"]) == 61
    lessons = {d["date"]: d["lesson"] for d in body["days"]}
    assert lessons[day.isoformat()] is True
    saturday = next(d for d in body["days"] if date.fromisoformat(d["date"]).weekday() == 5)
    assert saturday["lesson"] is False
    assert [m["month"] for m in body["months"]] == [f"{sc.year}-06", f"{sc.year}-07"]
    assert {m["state"] for m in body["months"]} == {"open"}
    pupils = {p["name"].split()[-1]: p for p in body["pupils"]}
    assert list(pupils) == ["A1-1", "A1-2", "A1-3"]
    assert [p["number"] for p in body["pupils"]] == [1, 2, 3]
    assert pupils["A1-1"]["marks"] == []
    assert [(m["date"], m["status"], m["reason"]) for m in pupils["A1-2"]["marks"]] == [
        (day.isoformat(), "absent", "illness")
    ]
    assert pupils["A1-3"]["marks"][0]["late"] is True
    assert pupils["A1-3"]["enrolled"] == [{"start": start.isoformat(), "end": None}]
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "attendance.marks.api_view"


def test_marks_without_a_span_are_the_current_month(school_cast: SchoolCast) -> None:
    response = school_cast.client("principal_a").get(marks_url(school_cast))
    assert response.status_code == 200
    body = response.json()
    assert len(body["months"]) == 1 and body["from"].endswith("-01")


@pytest.mark.parametrize("persona", ["teacher_b", "board_officer", "system_admin"])
def test_marks_of_another_schools_class_are_404(school_cast: SchoolCast, persona: str) -> None:
    before = AuditEvent.objects.count()
    response = school_cast.client(persona).get(marks_url(school_cast))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert AuditEvent.objects.count() == before


def test_marks_need_a_sign_in(school_cast: SchoolCast) -> None:
    response = Client().get(marks_url(school_cast))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert school_cast.client("principal_a").get(marks_url(school_cast, "b1_1")).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "from=2025-13-01&to=2025-06-30",
        "from=nonsense&to=x",
        "from={y}-06-01",
        "to={y}-06-01",
        "from={y}-06-30&to={y}-06-01",
        "from={y}-06-01&to={y}-08-02",
        "from={y}-03-01&to={y}-04-10",
        "from={n}-03-20&to={n}-04-02",
        "from=99999-01-01&to=99999-01-02",
    ],
)
def test_bad_spans_are_a_400_in_one_shape(school_cast: SchoolCast, query: str) -> None:
    y, n = school_cast.year, school_cast.year + 1
    url = f"{marks_url(school_cast)}?{query.format(y=y, n=n)}"
    response = school_cast.client("teacher_a").get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] and body["errors"]


def test_bad_class_ids_are_a_json_404(school_cast: SchoolCast) -> None:
    client = school_cast.client("teacher_a")
    for url in (
        "/api/v1/attendance/classes/999999999999999999999/marks/",
        "/api/v1/attendance/classes/0/marks/",
        "/api/v1/attendance/classes/abc/totals/",
        "/api/v1/attendance/notices/123456789/accept/",
    ):
        response = client.get(url) if "accept" not in url else client.post(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


# --- PUT marks ------------------------------------------------------------------------------


def test_put_sets_and_clears_marks(school_cast: SchoolCast) -> None:
    sc = school_cast
    day, next_day = weekday(sc.year, 0), weekday(sc.year, 1)
    client = sc.client("teacher_a")
    response = put(
        client,
        marks_url(sc),
        [
            absent(sc, "A1-1", day),
            {
                "student_id": sc.students["A1-2"].pk,
                "date": day.isoformat(),
                "status": "present",
                "late": True,
                "arrived_at": "10:15",
            },
            {
                "student_id": sc.students["A1-3"].pk,
                "date": next_day.isoformat(),
                "status": "deemed",
                "deemed_kind": "separate_room",
            },
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": 3, "cleared": 0}
    mark = Mark.objects.get(student=sc.students["A1-2"], date=day)
    assert mark.late and f"{mark.arrived_at:%H:%M}" == "10:15"
    assert Mark.objects.count() == 3
    assert AuditEvent.objects.filter(action="attendance.mark.set").count() == 3
    # 出席 with nothing else is the default: the day's mark goes.
    cleared = put(
        client,
        marks_url(sc),
        [{"student_id": sc.students["A1-1"].pk, "date": day.isoformat(), "status": "present"}],
    )
    assert cleared.json() == {"saved": 0, "cleared": 1}
    assert not Mark.objects.filter(student=sc.students["A1-1"]).exists()


def test_put_is_all_or_nothing(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    before = AuditEvent.objects.count()
    response = put(
        sc.client("teacher_a"),
        marks_url(sc),
        [
            absent(sc, "A1-1", day),
            absent(sc, "A1-2", day, reason=""),  # 欠席 needs a reason
            absent(sc, "K1-1", day),  # not in the class
        ],
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    items = body["errors"]["items"]
    assert [(e["index"], e["field"]) for e in items] == [(1, "reason"), (2, "non_field_errors")]
    assert all(e["message"] for e in items)
    assert "在籍していません" in items[1]["message"]
    assert not Mark.objects.exists()
    assert AuditEvent.objects.count() == before


def test_put_refuses_malformed_items_by_index(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    response = put(
        sc.client("teacher_a"),
        marks_url(sc),
        [
            absent(sc, "A1-1", day),
            {"student_id": sc.students["A1-2"].pk, "date": "2025-02-30", "status": "gone"},
        ],
    )
    assert response.status_code == 400
    fields = {(e["index"], e["field"]) for e in response.json()["errors"]["items"]}
    assert fields == {(1, "date"), (1, "status")}
    assert not Mark.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"marks": []},
        {"marks": "absent"},
        {"marks": [{"student_id": 1, "date": "2025-06-02", "status": "absent"}] * 501},
        [1, 2, 3],
    ],
)
def test_put_bodies_out_of_bounds_are_a_400(school_cast: SchoolCast, body: Any) -> None:
    sc = school_cast
    response = sc.client("teacher_a").put(marks_url(sc), body, content_type=JSON)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert not Mark.objects.exists()


def test_put_refuses_the_same_day_twice(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    item = absent(sc, "A1-1", day)
    response = put(sc.client("teacher_a"), marks_url(sc), [item, item])
    assert response.status_code == 400
    assert response.json()["errors"]["items"][0]["index"] == 1
    assert not Mark.objects.exists()


def test_put_into_a_closed_month_is_a_409(school_cast: SchoolCast) -> None:
    sc = school_cast
    day, july = weekday(sc.year, 0), date(sc.year, 7, 1)
    services.month_close(
        actor=acting_for(sc.account("teacher_a")),
        school_class=sc.classes["a1_1"],
        year=day.year,
        month=day.month,
    )
    while july.weekday() >= 5:
        july += timedelta(days=1)
    before = AuditEvent.objects.count()
    response = put(
        sc.client("teacher_a"), marks_url(sc), [absent(sc, "A1-1", july), absent(sc, "A1-2", day)]
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "month_closed"
    assert "締め済み" in body["detail"]
    assert [e["index"] for e in body["errors"]["items"]] == [1]
    assert not Mark.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("persona", "expected"), [("teacher_b", 404), ("board_officer", 404)])
def test_put_elsewhere_is_refused_and_writes_nothing(
    school_cast: SchoolCast, persona: str, expected: int
) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    before = AuditEvent.objects.count()
    response = put(sc.client(persona), marks_url(sc), [absent(sc, "A1-1", day)])
    assert response.status_code == expected
    anonymous = put(Client(), marks_url(sc), [absent(sc, "A1-1", day)])
    assert anonymous.status_code == 401
    assert not Mark.objects.exists() and AuditEvent.objects.count() == before


# --- totals ---------------------------------------------------------------------------------


def test_totals_give_the_year_and_each_month(school_cast: SchoolCast) -> None:
    sc = school_cast
    day, next_day = weekday(sc.year, 0), weekday(sc.year, 1)
    set_mark(sc, "A1-1", day, services.MarkData(status=MarkStatus.ABSENT, reason="illness"))
    set_mark(sc, "A1-1", next_day, services.MarkData(status=MarkStatus.MOURNING))
    url = f"/api/v1/attendance/classes/{sc.classes['a1_1'].pk}/totals/"
    response = sc.client("teacher_a").get(f"{url}?fiscal_year={sc.year}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rules_version"] == RULES_VERSION and body["fiscal_year"] == sc.year
    pupils = {p["name"].split()[-1]: p for p in body["pupils"]}
    year = pupils["A1-1"]["totals"]
    assert year["absent_days"] == 1 and year["leave_days"] == 1
    assert year["required_days"] == year["lesson_days"] - 1
    assert year["present_days"] == year["required_days"] - 1
    assert year["absence_by_reason"]["illness"] == 1
    months = pupils["A1-1"]["months"]
    assert [m["month"] for m in months][:3] == [f"{sc.year}-04", f"{sc.year}-05", f"{sc.year}-06"]
    assert len(months) == 12
    assert sum(m["lesson_days"] for m in months) == year["lesson_days"]
    june = months[2]
    assert june["absent_days"] == 1 and june["leave_days"] == 1
    assert pupils["A1-2"]["totals"]["absent_days"] == 0
    assert AuditEvent.objects.filter(action="attendance.totals.api_view").count() == 1


@pytest.mark.parametrize("query", ["fiscal_year=abc", "fiscal_year=1", "fiscal_year={other}"])
def test_totals_of_another_year_are_a_400(school_cast: SchoolCast, query: str) -> None:
    sc = school_cast
    url = f"/api/v1/attendance/classes/{sc.classes['a1_1'].pk}/totals/"
    response = sc.client("teacher_a").get(f"{url}?{query.format(other=sc.year - 1)}")
    assert response.status_code == 400 and "fiscal_year" in response.json()["errors"]


def test_totals_are_scoped(school_cast: SchoolCast) -> None:
    sc = school_cast
    url = f"/api/v1/attendance/classes/{sc.classes['a1_1'].pk}/totals/"
    assert sc.client("teacher_b").get(url).status_code == 404
    assert sc.client("board_officer").get(url).status_code == 404
    assert Client().get(url).status_code == 401


# --- notices --------------------------------------------------------------------------------


def test_notices_of_the_class_are_listed_by_status(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    first = notice(sc, "A1-1", day)
    notice(sc, "A1-2", day, NoticeKind.LATE)
    notice(sc, "A2-1", day)  # another class of the school
    notice(sc, "K1-1", day)  # another school
    AbsenceNotice.objects.filter(pk=first.pk).update(status=NoticeStatus.DISMISSED)
    url = f"/api/v1/attendance/classes/{sc.classes['a1_1'].pk}/notices/"
    client = sc.client("teacher_a")
    everything = client.get(url).json()
    assert everything["count"] == 2
    received = client.get(f"{url}?status=received").json()
    assert [n["student_id"] for n in received["results"]] == [sc.students["A1-2"].pk]
    assert received["results"][0]["kind"] == "late"
    assert received["results"][0]["guardian"]
    paged = client.get(f"{url}?page_size=1&page=2").json()
    assert paged["count"] == 2 and len(paged["results"]) == 1
    assert AuditEvent.objects.filter(action="attendance.notices.api_list").count() == 3
    for query in ("status=nonsense", "page=0", "page_size=1000"):
        assert client.get(f"{url}?{query}").status_code == 400, query
    assert sc.client("teacher_b").get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_a_notice_is_accepted_into_the_book(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    made = notice(sc, "A1-1", day)
    url = f"/api/v1/attendance/notices/{made.pk}/accept/"
    response = sc.client("teacher_a").post(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["notice"]["status"] == "accepted"
    assert body["mark"]["status"] == "absent" and body["mark"]["reason"] == "illness"
    assert Mark.objects.get(student=sc.students["A1-1"], date=day).status == MarkStatus.ABSENT
    again = sc.client("teacher_a").post(url)
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert "処理されています" in again.json()["detail"]


def test_a_notice_is_dismissed(school_cast: SchoolCast) -> None:
    sc = school_cast
    made = notice(sc, "A1-1", weekday(sc.year, 0))
    response = sc.client("principal_a").post(f"/api/v1/attendance/notices/{made.pk}/dismiss/")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert not Mark.objects.exists()


def test_notices_elsewhere_are_404_and_change_nothing(school_cast: SchoolCast) -> None:
    sc = school_cast
    day = weekday(sc.year, 0)
    ours, theirs = notice(sc, "A1-1", day), notice(sc, "K1-1", day)
    before = AuditEvent.objects.count()
    for persona, target in (("teacher_a", theirs), ("teacher_b", ours), ("board_officer", ours)):
        for verb in ("accept", "dismiss"):
            response = sc.client(persona).post(f"/api/v1/attendance/notices/{target.pk}/{verb}/")
            assert response.status_code == 404, (persona, verb)
    assert Client().post(f"/api/v1/attendance/notices/{ours.pk}/accept/").status_code == 401
    assert (
        sc.client("teacher_a").get(f"/api/v1/attendance/notices/{ours.pk}/accept/").status_code
        == 405
    )
    assert AuditEvent.objects.count() == before
    assert set(AbsenceNotice.objects.values_list("status", flat=True)) == {NoticeStatus.RECEIVED}
    assert not Mark.objects.exists()


# --- schema ---------------------------------------------------------------------------------


def test_the_schema_lists_every_status() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    marks = schema["paths"]["/api/v1/attendance/classes/{class_id}/marks/"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(marks["put"]["responses"])
    assert {"200", "400", "401", "404"} <= set(marks["get"]["responses"])
    body = schema["components"]["schemas"]["BookMarksWrite"]
    assert body["properties"]["marks"]["maxItems"] == 500
    accept = schema["paths"]["/api/v1/attendance/notices/{notice_id}/accept/"]["post"]
    assert "409" in accept["responses"]


def test_months_close_lock_and_unlock_through_the_api(school_cast: SchoolCast) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    url = f"/api/v1/attendance/classes/{klass.pk}/months/"
    june = f"{sc.year}-06"
    teacher, principal = sc.client("teacher_a"), sc.client("principal_a")

    def post(client, **body):  # type: ignore[no-untyped-def]
        return client.post(url, body, content_type="application/json")

    assert post(teacher, month=june, step="lock").status_code == 403
    refused = post(principal, month=june, step="lock")
    assert refused.status_code == 409 and "締められていません" in refused.json()["detail"]
    closed = post(teacher, month=june, step="close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    locked = post(principal, month=june, step="lock")
    assert locked.status_code == 200 and len(locked.json()["content_sha256"]) == 64
    # A locked month refuses a PUT of marks.
    first = date(sc.year, 6, 1)
    day = (first + timedelta(days=(7 - first.weekday()) % 7)).isoformat()
    put = teacher.put(
        f"/api/v1/attendance/classes/{klass.pk}/marks/",
        {
            "marks": [
                {
                    "student_id": sc.students["A1-1"].pk,
                    "date": day,
                    "status": "present",
                    "late": True,
                }
            ]
        },
        content_type="application/json",
    )
    assert put.status_code == 409
    no_reason = post(principal, month=june, step="unlock")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert post(principal, month=f"{sc.year + 5}-06", step="close").status_code == 400
    assert post(principal, month="2026-13", step="close").status_code == 400
    assert post(principal, month="0000-04", step="close").status_code == 400
    opened = post(principal, month=june, step="unlock", reason="訂正のため")
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    assert not MonthLock.objects.exists()
    assert AuditEvent.objects.filter(action="attendance.month.unlock").count() == 1
    assert post(sc.client("teacher_b"), month=june, step="close").status_code == 404
