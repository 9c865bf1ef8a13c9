"""Registration requests, guests, credential letters, the token API."""

from __future__ import annotations

import subprocess

import pytest
from django.core import mail
from django.test import Client

from manabi.accounts import services
from manabi.accounts.letters import credential_letters_pdf
from manabi.accounts.models import Account, RegistrationRequest
from manabi.accounts.selectors import acting_for, onboarding_progress
from manabi.core.pdf import PdfUnavailable
from manabi.people.models import Staff
from tests.personas import PASSWORD, Cast
from tests.system import require, require_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, *a, **kw: func())


def _request_form(cast: Cast) -> dict[str, object]:
    return {
        "organisation": cast.orgs["school_a"].pk,
        "staff_number": "20990001",
        "name": "転入 一",
        "kana": "てんにゅう はじめ",
        "birth_date": "1990-06-01",
        "job_title": "teacher",
        "employment_type": "regular",
        "start": "2026-04-01",
        "previous_employer": "となり県立となり高等学校",
    }


def test_a_principal_files_and_the_system_admin_approves(cast: Cast) -> None:
    principal = cast.client("principal_a")
    response = principal.post("/accounts/requests/new/", _request_form(cast))
    filed = RegistrationRequest.objects.get()
    assert response["Location"] == f"/accounts/requests/{filed.pk}/"
    assert principal.post(f"/accounts/requests/{filed.pk}/approve/").status_code == 403

    admin = cast.client("system_admin")
    response = admin.post(f"/accounts/requests/{filed.pk}/approve/")
    filed.refresh_from_db()
    assert filed.status == RegistrationRequest.Status.APPROVED
    account = filed.created_account
    assert account is not None and account.login_id == "480002T20990001"
    staff = Staff.objects.get(staff_number="20990001")
    assert staff.assignments.get().organisation == cast.orgs["school_a"]
    assert account.role_assignments.get().role == "staff"
    assert response["Location"] == f"/accounts/manage/{account.pk}/"
    # Approving twice does nothing more.
    admin.post(f"/accounts/requests/{filed.pk}/approve/")
    assert Staff.objects.filter(staff_number="20990001").count() == 1


def test_a_request_for_a_known_staff_number_is_refused(cast: Cast) -> None:
    form = {**_request_form(cast), "staff_number": "10000002"}
    response = cast.client("principal_a").post("/accounts/requests/new/", form)
    assert "既に登録されています" in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_rejection_needs_a_reason(cast: Cast) -> None:
    cast.client("principal_a").post("/accounts/requests/new/", _request_form(cast))
    filed = RegistrationRequest.objects.get()
    admin = cast.client("system_admin")
    admin.post(f"/accounts/requests/{filed.pk}/reject/", {"note": ""})
    filed.refresh_from_db()
    assert filed.status == RegistrationRequest.Status.PENDING
    admin.post(f"/accounts/requests/{filed.pk}/reject/", {"note": "職員番号の誤り"})
    filed.refresh_from_db()
    assert filed.status == RegistrationRequest.Status.REJECTED


def test_guest_registers_with_an_email_code(db: None) -> None:
    client = Client()
    client.post("/accounts/guest/", {"email": "student@example.ac.jp"})
    code = next(w for w in mail.outbox[0].body.split() if w.isdigit() and len(w) == 6)
    response = client.post(
        "/accounts/guest/complete/",
        {
            "code": code,
            "name": "学生 さくら",
            "password": "教員志望の春を迎えて頑張ります",
            "repeat": "教員志望の春を迎えて頑張ります",
        },
    )
    assert response["Location"] == "/"
    guest = Account.objects.get(email="student@example.ac.jp")
    assert guest.login_id.startswith("480002G")
    assert guest.staff is None  # guests never get history records
    assert acting_for(guest).role == "guest"
    assert client.get("/").status_code == 200


def test_progress_counts_who_has_not_finished(cast: Cast) -> None:
    admin = acting_for(cast.account("system_admin"))
    services.initial_passwords_issue(actor=admin, accounts=[cast.account("teacher_a")])
    rows = {
        r.organisation.name: r
        for r in onboarding_progress(acting_for(cast.account("board_officer")))
    }
    assert set(rows) == {"みなみ小学校"}
    assert (rows["みなみ小学校"].total, rows["みなみ小学校"].pending) == (2, 1)
    response = cast.client("principal_a").get("/accounts/progress.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "南 花子" in body and "校長 一郎" not in body


def test_credential_letters_have_one_page_per_person(cast: Cast, tmp_path: object) -> None:
    pdftotext = require_command("pdftotext", "poppler-utils")
    admin = acting_for(cast.account("system_admin"))
    issued = services.initial_passwords_issue(
        actor=admin, accounts=[cast.account("principal_a"), cast.account("teacher_a")]
    )
    try:
        body = credential_letters_pdf(issued)
    except PdfUnavailable:
        require(False, "WeasyPrint のライブラリ")
        raise
    path = tmp_path / "letters.pdf"  # type: ignore[operator]
    path.write_bytes(body)
    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    for credential, page in zip(issued, pages, strict=False):
        assert credential.account.login_id in page
        assert credential.password in page
        assert "みなみ小学校" in page


def test_token_api_and_me(cast: Cast) -> None:
    client = Client()
    response = client.post(
        "/api/v1/auth/token/",
        {"login_id": cast.account("principal_a").login_id, "password": PASSWORD},
        content_type="application/json",
    )
    token = response.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").json()
    assert me["login_id"] == "480002T10000001"
    assert me["role"] == "school_admin"
    assert me["organisation"]["name"] == "みなみ小学校"
    assert {r["role"] for r in me["roles"]} == {"school_admin", "staff"}
    assert Client(HTTP_AUTHORIZATION="Token nonsense").get("/api/v1/me/").status_code == 401
    bad = client.post(
        "/api/v1/auth/token/",
        {"login_id": cast.account("principal_a").login_id, "password": "wrong"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "正しくありません" in bad.json()["detail"]


def test_reissue_from_the_account_page_starts_first_login_again(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "manabi.accounts.views.manage.credential_letters_pdf", lambda issued: b"%PDF-1.7"
    )
    response = cast.client("principal_a").post(
        f"/accounts/manage/{cast.account('teacher_a').pk}/initial-password/"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    teacher = cast.account("teacher_a")
    teacher.refresh_from_db()
    assert teacher.onboarding_required


def test_failed_printing_issues_nothing(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(issued: object) -> bytes:
        raise PdfUnavailable("no pango")

    monkeypatch.setattr("manabi.accounts.views.manage.credential_letters_pdf", broken)
    before = Account.objects.get(pk=cast.account("teacher_a").pk).password
    response = cast.client("principal_a").post(
        f"/accounts/manage/{cast.account('teacher_a').pk}/initial-password/"
    )
    assert response.status_code == 302
    after = Account.objects.get(pk=cast.account("teacher_a").pk)
    assert after.password == before and not after.onboarding_required


def test_board_grants_a_role_within_its_jurisdiction_only(cast: Cast) -> None:
    board = cast.client("board_officer")
    teacher = cast.account("teacher_a")
    board.post(
        f"/accounts/manage/{teacher.pk}/roles/",
        {
            "role": "school_admin",
            "organisation": cast.orgs["school_a"].pk,
            "valid_from": "2026-04-01",
        },
    )
    assert teacher.role_assignments.filter(role="school_admin").exists()
    board.post(
        f"/accounts/manage/{teacher.pk}/roles/",
        {
            "role": "school_admin",
            "organisation": cast.orgs["school_b"].pk,
            "valid_from": "2026-04-01",
        },
    )
    assert not teacher.role_assignments.filter(organisation=cast.orgs["school_b"]).exists()
    board.post(
        f"/accounts/manage/{teacher.pk}/roles/",
        {"role": "system_admin", "valid_from": "2026-04-01"},
    )
    assert not teacher.role_assignments.filter(role="system_admin").exists()


def test_board_creates_an_account_with_a_generated_login_id(cast: Cast) -> None:
    board = cast.client("board_officer")
    response = board.post(
        "/accounts/manage/new/",
        {
            "display_name": "研修 担当",
            "role": "organizer",
            "organisation": cast.orgs["board_m"].pk,
            "valid_from": "2026-04-01",
        },
    )
    account = Account.objects.get(display_name="研修 担当")
    assert account.login_id == "480002O00001"
    assert response["Location"] == f"/accounts/manage/{account.pk}/"
    assert account.role_assignments.get().organisation == cast.orgs["board_m"]
    assert not account.has_usable_password()
    listing = board.get("/accounts/manage/?q=研修").content.decode()
    assert "480002O00001" in listing


def test_accounts_without_an_initial_password_count_as_pending(cast: Cast) -> None:
    Account.objects.filter(pk=cast.account("teacher_a").pk).update(password="!unusable")
    rows = onboarding_progress(acting_for(cast.account("principal_a")))
    assert [(r.total, r.pending) for r in rows] == [(2, 1)]
