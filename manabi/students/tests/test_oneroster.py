"""OneRoster Japan Profile v1.2 export: the profile's header and code checks, referential
integrity, stable ids, scope, and who may take it (page, API, command line)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from manabi.core.models import AuditEvent
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db

# The Japan Profile v1.2 headers, in order (the receiver checks the order).
PROFILE_HEADERS = {
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear",
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods,"
    "metadata.jp.specialNeeds",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.jp.kanaGivenName,"
    "metadata.jp.kanaFamilyName,metadata.jp.kanaMiddleName,metadata.jp.homeClass",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate,metadata.jp.ShussekiNo,metadata.jp.PublicFlg",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex,"
    "americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,"
    "nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,"
    "hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,"
    "publicSchoolResidenceStatus",
}
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
GRADES = {"P1", "P2", "P3", "P4", "P5", "P6", "J1", "J2", "J3", "H1", "H2", "H3", ""}
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc・ ]+")
HALF_WIDTH_KANA = re.compile(r"[ｦ-ﾟ]")


def _files(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert names == {f"{name}.csv" for name in [*PROFILE_HEADERS, "manifest"]}
        files = {}
        for name in names:
            text = archive.read(name).decode("utf-8")
            assert not text.startswith("\ufeff")
            files[name[:-4]] = list(csv.DictReader(StringIO(text)))
            if name != "manifest.csv":
                assert text.splitlines()[0] == PROFILE_HEADERS[name[:-4]], name
        return files


def _export(client: Client, url: str = "/students/oneroster.zip") -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_export_passes_the_profiles_header_and_code_checks(school_cast: SchoolCast) -> None:
    sc = school_cast
    files = _files(_export(sc.client("principal_a")))
    manifest = {row["propertyName"]: row["value"] for row in files["manifest"]}
    assert manifest["manifest.version"] == "1.0" and manifest["oneroster.version"] == "1.2"
    for name in PROFILE_HEADERS:
        assert manifest[f"file.{name}"] == "bulk"
    assert manifest["file.userProfiles"] == "absent" and manifest["source.systemName"]

    for name, rows in files.items():
        if name == "manifest":
            continue
        ids = [row["sourcedId"] for row in rows]
        assert all(UUID4.fullmatch(i) for i in ids), name
        assert len(set(ids)) == len(ids), name
        # A bulk file leaves status and dateLastModified empty.
        assert {(row["status"], row["dateLastModified"]) for row in rows} == {("", "")}, name
        for row in rows:
            assert not any(HALF_WIDTH_KANA.search(v) for v in row.values()), (name, row)

    (session,) = files["academicSessions"]
    assert session["title"] == f"{sc.year}年度" and session["type"] == "schoolYear"
    assert session["schoolYear"] == str(sc.year)
    assert (session["startDate"], session["endDate"]) == (
        f"{sc.year}-04-01",
        f"{sc.year + 1}-03-31",
    )
    assert all(re.fullmatch(r"\d{4}年度.*", c["title"]) for c in files["courses"])
    assert {c["grades"] for c in files["classes"]} <= GRADES
    assert {u["grades"] for u in files["users"]} <= GRADES
    by_title = {c["title"]: c for c in files["classes"]}
    assert by_title["1年1組"]["grades"] == "P1" and by_title["2年1組"]["grades"] == "P2"
    assert by_title["1年 ひまわり"]["metadata.jp.specialNeeds"] == "true"
    assert by_title["1年1組"]["metadata.jp.specialNeeds"] == "false"
    assert by_title["1年 音楽A"]["classType"] == "scheduled"
    assert by_title["1年 音楽A"]["subjectCodes"] == "P060"  # 小学校 音楽
    assert {c["classType"] for c in files["classes"]} == {"homeroom", "scheduled"}
    school = next(o for o in files["orgs"] if o["type"] == "school")
    assert {o["type"] for o in files["orgs"]} == {"school", "district"}
    assert school["name"] == "みなみ小学校"

    pupils = [u for u in files["users"] if u["grades"]]
    assert len(pupils) == 8  # school A only
    aoki = next(u for u in pupils if u["familyName"] == "青木")
    assert aoki["metadata.jp.kanaFamilyName"] == "アオキ"
    assert aoki["metadata.jp.kanaGivenName"] == "ジドウ"
    assert aoki["username"] == sc.students["A1-1"].code
    assert sc.students["K1-1"].code not in {u["username"] for u in files["users"]}
    for user in files["users"]:
        assert KATAKANA.fullmatch(user["metadata.jp.kanaFamilyName"]), user
        assert user["preferredFamilyName"] and user["preferredGivenName"]
    sexes = {d["sex"] for d in files["demographics"]}
    assert sexes <= {"male", "female"} and len(files["demographics"]) == 8

    # References resolve.
    org_ids = {o["sourcedId"] for o in files["orgs"]}
    class_ids = {c["sourcedId"] for c in files["classes"]}
    user_ids = {u["sourcedId"] for u in files["users"]}
    assert {c["courseSourcedId"] for c in files["classes"]} <= {
        c["sourcedId"] for c in files["courses"]
    }
    assert {c["schoolSourcedId"] for c in files["classes"]} <= org_ids
    assert {o["parentSourcedId"] for o in files["orgs"]} - {""} <= org_ids
    assert {u["metadata.jp.homeClass"] for u in pupils} <= class_ids
    assert {r["userSourcedId"] for r in files["roles"]} <= user_ids
    assert {d["sourcedId"] for d in files["demographics"]} <= user_ids
    for e in files["enrollments"]:
        assert e["classSourcedId"] in class_ids and e["userSourcedId"] in user_ids
        if e["role"] == "student":
            assert e["primary"] == "false"
    aoki_home = next(
        e
        for e in files["enrollments"]
        if e["userSourcedId"] == aoki["sourcedId"]
        and e["classSourcedId"] == by_title["1年1組"]["sourcedId"]
    )
    assert aoki_home["metadata.jp.ShussekiNo"] == "1"
    teacher_in_music = [
        e
        for e in files["enrollments"]
        if e["classSourcedId"] == by_title["1年 音楽A"]["sourcedId"] and e["role"] == "teacher"
    ]
    assert [e["primary"] for e in teacher_in_music] == ["true"]
    assert AuditEvent.objects.filter(action="students.oneroster.export").count() == 1


def test_ids_are_stable_across_exports(school_cast: SchoolCast) -> None:
    client = school_cast.client("principal_a")
    assert _files(_export(client)) == _files(_export(client))


def test_who_may_export(school_cast: SchoolCast) -> None:
    sc = school_cast
    assert sc.client("system_staff_a").get("/students/oneroster.zip").status_code == 200
    for who in ("teacher_a", "grade_head_a", "nurse_a", "board_officer"):
        assert sc.client(who).get("/students/oneroster.zip").status_code == 403, who
    everything = _files(_export(sc.client("system_admin")))
    assert sc.students["K1-1"].code in {u["username"] for u in everything["users"]}


def test_api_export_and_its_errors(school_cast: SchoolCast) -> None:
    sc = school_cast
    school_b = sc.cast.orgs["school_b"].pk
    only_b = _files(
        _export(sc.client("system_admin"), f"/api/v1/oneroster/export/?school={school_b}")
    )
    assert {u["username"] for u in only_b["users"] if u["grades"]} == {
        sc.students["K1-1"].code,
        sc.students["K1-2"].code,
    }
    principal = sc.client("principal_a")
    assert principal.get(f"/api/v1/oneroster/export/?school={school_b}").status_code == 404
    for bad in ("school=0", "school=x", "fiscal_year=1900", "school=99999999999999999999"):
        response = principal.get(f"/api/v1/oneroster/export/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"
    assert sc.client("teacher_a").get("/api/v1/oneroster/export/").json()["code"] == (
        "permission_denied"
    )


def test_command_line_export(school_cast: SchoolCast, tmp_path: Path) -> None:
    out = tmp_path / "oneroster.zip"
    stdout = StringIO()
    call_command("oneroster", "export", str(out), "--school", "S00001", stdout=stdout)
    assert "出力しました" in stdout.getvalue()
    files = _files(out.read_bytes())
    assert len([u for u in files["users"] if u["grades"]]) == 8
    with pytest.raises(CommandError, match="S99999"):
        call_command("oneroster", "export", str(tmp_path / "x.zip"), "--school", "S99999")
    assert not (tmp_path / "x.zip").exists()
