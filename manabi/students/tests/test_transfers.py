"""転出入: within the deployment (recorded, accepted, cancelled) and outside it (the signed
handover file written, verified, refused when changed or signed by an unknown key)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.urls import reverse

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.students import handover, transfers
from manabi.students.models import Enrolment, EnrolmentStatus, Student, Transfer, TransferStatus
from tests.personas import _account, _role, _with_totp
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_key(settings: object, tmp_path: Path) -> None:
    settings.HANDOVER_SIGNING_KEY_FILE = str(tmp_path / "key.pem")  # type: ignore[attr-defined]
    settings.HANDOVER_TRUSTED_KEYS = []  # type: ignore[attr-defined]


def principal_b(sc: SchoolCast) -> Account:
    """The 校長 of school B, who receives the pupil (``sc.client("principal_b")``)."""
    if "principal_b" not in sc.cast.accounts:
        account = _with_totp(_account("480002T20000001", "北 校長"))
        _role(account, Role.SCHOOL_ADMIN, sc.cast.orgs["school_b"])
        sc.cast.accounts["principal_b"] = account
    return sc.account("principal_b")


def record_out(sc: SchoolCast, key: str = "A1-1", **target: object) -> Transfer:
    target = target or {"to_school": str(sc.cast.orgs["school_b"].pk)}
    response = sc.client("principal_a").post(
        reverse("students:transfer_out", args=[sc.students[key].pk]),
        {"moved_on": f"{sc.year}-09-01", "reason": "転居のため", **target},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Transfer.objects.get(student=sc.students[key])


def test_transfer_within_the_deployment(school_cast: SchoolCast) -> None:
    sc = school_cast
    transfer = record_out(sc)
    assert transfer.status == TransferStatus.PENDING
    assert transfer.package["sections"]["gakuseki"]["family_name"] == "青木"
    old = sc.enrolments["A1-1"]
    old.refresh_from_db()
    assert old.status == EnrolmentStatus.TRANSFERRED_OUT
    assert old.end_date == date(sc.year, 9, 1)
    # Gone from the class list of school A (the roster shows those present).
    roster = sc.client("teacher_a").get(reverse("students:roster") + "?q=青木")
    assert all(e.status != EnrolmentStatus.ENROLLED for e in roster.context["page"].object_list)

    principal_b(sc)
    b = sc.client("principal_b")
    listing = b.get(reverse("students:transfers"))
    assert transfer in listing.context["incoming"]
    page = b.get(reverse("students:transfer_detail", args=[transfer.pk]))
    assert page.status_code == 200 and "青木" in page.content.decode()
    # A date before the 転出 is refused with a message, nothing written.
    bad = b.post(
        reverse("students:transfer_accept", args=[transfer.pk]),
        {"school_class": sc.classes["b1_1"].pk, "start_date": f"{sc.year}-08-01"},
    )
    assert bad.status_code == 400
    assert "転入日が転出日より前です" in bad.content.decode()
    accepted = b.post(
        reverse("students:transfer_accept", args=[transfer.pk]),
        {"school_class": sc.classes["b1_1"].pk, "start_date": f"{sc.year}-09-02", "number": 3},
    )
    assert accepted.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    new = Enrolment.objects.get(student=sc.students["A1-1"], school=sc.cast.orgs["school_b"])
    assert new.status == EnrolmentStatus.TRANSFERRED_IN and new.number == 3
    # teacher_b now has the pupil; school A keeps read access to its own period.
    assert (
        sc.client("teacher_b").get(reverse("students:detail", args=[new.student_id])).status_code
        == 200
    )
    back = sc.client("principal_a").get(reverse("students:detail", args=[new.student_id]))
    assert back.status_code == 200
    assert back.context["enrolment"].school_id == sc.cast.orgs["school_a"].pk
    assert back.context["snapshot"]["family_name"] == "青木"
    assert AuditEvent.objects.filter(action="students.transfer.accept").count() == 1
    # Twice is refused.
    again = b.post(
        reverse("students:transfer_accept", args=[transfer.pk]),
        {"school_class": sc.classes["b1_1"].pk, "start_date": f"{sc.year}-09-02"},
    )
    assert again.status_code == 400


def test_cancel_restores_the_enrolment(school_cast: SchoolCast) -> None:
    sc = school_cast
    transfer = record_out(sc)
    client = sc.client("principal_a")
    confirm = client.get(reverse("students:transfer_cancel", args=[transfer.pk]))
    assert confirm.status_code == 200 and "取り消" in confirm.content.decode()
    assert client.post(reverse("students:transfer_cancel", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    enrolment = sc.enrolments["A1-1"]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.end_date is None


def test_a_second_transfer_of_the_same_pupil_is_refused(school_cast: SchoolCast) -> None:
    sc = school_cast
    record_out(sc)
    response = sc.client("principal_a").post(
        reverse("students:transfer_out", args=[sc.students["A1-1"].pk]),
        {
            "moved_on": f"{sc.year}-09-01",
            "reason": "再度",
            "to_school": sc.cast.orgs["school_b"].pk,
        },
    )
    # The pupil has left: they are no longer someone whose 学籍 the school may change.
    assert response.status_code in (200, 404)
    assert Transfer.objects.filter(student=sc.students["A1-1"]).count() == 1


def signed_file(sc: SchoolCast) -> bytes:
    transfer = record_out(sc, destination_name="東京都 ひがし小学校")
    response = sc.client("principal_a").get(
        reverse("students:transfer_package", args=[transfer.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.EXPORTED
    return response.content


def test_signed_file_round_trip(school_cast: SchoolCast) -> None:
    sc = school_cast
    body = signed_file(sc)
    names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    assert {"manifest.json", "package.json", "signature.json"} <= names
    verified = handover.read_signed_file(body)
    assert verified.package["sections"]["gakuseki"]["family_name"] == "青木"
    assert verified.signer == handover.own_fingerprint()

    # Received by another school (here the same deployment plays the receiving manabi):
    # the pupil's code is known, so the record is updated and enrolled at school B.
    acting = acting_for(principal_b(sc))
    imported = transfers.package_import(
        actor=acting,
        content=body,
        school=sc.cast.orgs["school_b"],
        school_class=sc.classes["b1_1"],
        start_date=date(sc.year, 9, 2),
    )
    assert imported.created is False
    assert imported.enrolment.school == sc.cast.orgs["school_b"]
    assert imported.enrolment.status == EnrolmentStatus.TRANSFERRED_IN


def _rezip(body: bytes, change: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, change.get(name, src.read(name)))
    return out.getvalue()


def test_a_changed_file_is_refused(school_cast: SchoolCast) -> None:
    body = signed_file(school_cast)
    package = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("package.json"))
    package["sections"]["gakuseki"]["family_name"] = "改ざん"
    changed = _rezip(body, {"package.json": json.dumps(package).encode()})
    with pytest.raises(handover.PackageError, match="変更されています"):
        handover.read_signed_file(changed)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("manifest.json"))
    manifest["student_code"] = "X"
    with pytest.raises(handover.PackageError, match="署名が正しくありません"):
        handover.read_signed_file(_rezip(body, {"manifest.json": json.dumps(manifest).encode()}))
    for junk in (b"", b"not a zip", _rezip(body, {"manifest.json": b"[]"})):
        with pytest.raises(handover.PackageError):
            handover.read_signed_file(junk)


def test_an_unknown_key_is_refused_until_trusted(
    school_cast: SchoolCast, settings: object, tmp_path: Path
) -> None:
    sc = school_cast
    body = signed_file(sc)
    sender = handover.own_fingerprint()
    # This deployment now has another key: the file comes from "another manabi".
    other = Ed25519PrivateKey.generate()
    other_file = tmp_path / "other.pem"
    other_file.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.HANDOVER_SIGNING_KEY_FILE = str(other_file)  # type: ignore[attr-defined]
    acting = acting_for(principal_b(sc))
    kwargs = {
        "actor": acting,
        "content": body,
        "school": sc.cast.orgs["school_b"],
        "school_class": sc.classes["b1_1"],
        "start_date": date(sc.year, 9, 2),
    }
    with pytest.raises(ValidationError, match="信頼する鍵"):
        transfers.package_import(**kwargs)  # type: ignore[arg-type]
    assert not Enrolment.objects.filter(
        school=sc.cast.orgs["school_b"], student__code=sc.students["A1-1"].code
    ).exists()
    settings.HANDOVER_TRUSTED_KEYS = [sender]  # type: ignore[attr-defined]
    imported = transfers.package_import(**kwargs)  # type: ignore[arg-type]
    assert imported.signer == sender


def test_import_page_reports_a_bad_file(school_cast: SchoolCast) -> None:
    sc = school_cast
    before = Student.objects.count()
    response = sc.client("principal_a").post(
        reverse("students:package_import"),
        {
            "package": io.BytesIO(b"not a zip"),
            "school_class": sc.classes["a1_1"].pk,
            "start_date": f"{sc.year}-09-02",
        },
    )
    assert response.status_code == 200
    assert (
        "manabi の引継ぎファイルではありません" in response.content.decode()
        or "読めません" in response.content.decode()
    )
    assert Student.objects.count() == before
