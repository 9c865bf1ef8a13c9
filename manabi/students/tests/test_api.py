"""The school-affairs API: scoped lists, the permission decision, transfers, and errors in one
JSON shape (never a 5xx for a client's input)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from manabi.students.models import Transfer
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def names(response: object) -> set[str]:
    return {row["name"].split()[-1] for row in response.json()["results"]}  # type: ignore[attr-defined]


def test_student_list_is_scoped(school_cast: SchoolCast) -> None:
    sc = school_cast
    assert names(sc.client("teacher_a").get("/api/v1/students/")) == {"A1-1", "A1-2", "A1-3"}
    assert len(names(sc.client("principal_a").get("/api/v1/students/"))) == 8
    assert names(sc.client("teacher_b").get("/api/v1/students/")) == {"K1-1", "K1-2"}
    assert names(sc.client("principal_a").get("/api/v1/students/?grade=2")) == {"B1-1", "B1-2"}


def test_student_list_costs_a_constant_number_of_queries(school_cast: SchoolCast) -> None:
    client = school_cast.client("principal_a")
    client.get("/api/v1/students/")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/students/?page_size=1")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/students/?page_size=100")
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize(
    "query",
    ["grade=0", "grade=x", "page_size=1000", "class=99999999999999999999", "class=-1"],
)
def test_bad_parameters_are_a_400_in_one_shape(school_cast: SchoolCast, query: str) -> None:
    response = school_cast.client("principal_a").get(f"/api/v1/students/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] and body["errors"]


def test_class_pupils_and_out_of_scope_classes(school_cast: SchoolCast) -> None:
    sc = school_cast
    a11, a12 = sc.classes["a1_1"].pk, sc.classes["a1_2"].pk
    response = sc.client("teacher_a").get(f"/api/v1/classes/{a11}/students/")
    assert response.status_code == 200 and names(response) == {"A1-1", "A1-2", "A1-3"}
    hidden = sc.client("teacher_a").get(f"/api/v1/classes/{a12}/students/")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    huge = sc.client("teacher_a").get("/api/v1/classes/999999999999999999999/students/")
    assert huge.status_code == 404
    classes = sc.client("teacher_a").get("/api/v1/classes/").json()
    assert [c["id"] for c in classes] == [a11]
    assert classes[0]["pupils"] == 3


def test_permission_check_answers_and_explains(school_cast: SchoolCast) -> None:
    sc = school_cast
    a11, a12 = sc.classes["a1_1"].pk, sc.classes["a1_2"].pk
    client = sc.client("teacher_a")
    yes = client.get(f"/api/v1/permissions/check/?function=roster.students&action=view&class={a11}")
    assert yes.status_code == 200
    assert yes.json()["allowed"] is True and yes.json()["scope"] == "class"
    no = client.get(f"/api/v1/permissions/check/?function=roster.students&action=view&class={a12}")
    assert no.json()["allowed"] is False and no.json()["explanation"]
    bad = client.get("/api/v1/permissions/check/?function=nope&action=view")
    assert bad.status_code == 400 and "function" in bad.json()["errors"]
    other = sc.classes["b1_1"].pk
    elsewhere = client.get(
        f"/api/v1/permissions/check/?function=roster.students&action=view&class={other}"
    )
    assert elsewhere.status_code == 404


def test_transfer_out_and_accept_through_the_api(school_cast: SchoolCast) -> None:
    sc = school_cast
    pupil = sc.students["A1-2"]
    client = sc.client("principal_a")
    missing = client.post(
        f"/api/v1/students/{pupil.pk}/transfer/", {}, content_type="application/json"
    )
    assert missing.status_code == 400 and "moved_on" in missing.json()["errors"]
    neither = client.post(
        f"/api/v1/students/{pupil.pk}/transfer/",
        {"moved_on": f"{sc.year}-09-01", "reason": "転居"},
        content_type="application/json",
    )
    assert neither.status_code == 400 and "to_school" in neither.json()["errors"]
    assert not Transfer.objects.exists()
    made = client.post(
        f"/api/v1/students/{pupil.pk}/transfer/",
        {
            "moved_on": f"{sc.year}-09-01",
            "reason": "転居",
            "to_school": sc.cast.orgs["school_b"].pk,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    transfer_id = made.json()["id"]
    listed = client.get("/api/v1/transfers/").json()
    assert [t["id"] for t in listed["outgoing"]] == [transfer_id]
    # The sending school cannot accept its own 転出.
    refused = client.post(
        f"/api/v1/transfers/{transfer_id}/accept/",
        {"school_class": sc.classes["a1_1"].pk, "start_date": f"{sc.year}-09-02"},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
