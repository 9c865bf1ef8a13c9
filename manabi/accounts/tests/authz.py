"""Authorisation-matrix entries of the sign-in, onboarding and account pages and of the
account API (token, me); see ``tests/authz_harness.py``. The overseers of teacher_a's account
are the board of みなみ市 and principal_a; teacher_b (school B) is outside both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.accounts.models import Passkey, RegistrationRequest
from manabi.orgs.tests.authz import org
from tests.authz_harness import (
    MANAGERS_200,
    OVERSEERS_200,
    Entry,
    Kwargs,
    everyone,
    roles,
    signed_in,
)
from tests.personas import Cast


def account_of(name: str) -> Kwargs:
    return lambda cast: {"account_id": cast.account(name).pk}


def role_of(name: str) -> Kwargs:
    return lambda cast: {
        "account_id": cast.account(name).pk,
        "role_id": cast.account(name).role_assignments.first().pk,  # type: ignore[union-attr]
    }


def teacher_a_passkey(cast: Cast) -> dict[str, Any]:
    passkey = Passkey.objects.create(
        account=cast.account("teacher_a"),
        name="教室のパソコン",
        credential_id="AAAA",
        public_key=b"-",
    )
    return {"passkey_id": passkey.pk}


def filed_request(cast: Cast) -> dict[str, Any]:
    request = RegistrationRequest.objects.create(
        organisation=cast.orgs["school_a"],
        requested_by=cast.account("principal_a"),
        staff_number="20990001",
        name="転入 一",
        kana="てんにゅう はじめ",
        job_title="teacher",
        employment_type="regular",
        start=date(2026, 4, 1),
    )
    return {"request_id": request.pk}


ENTRIES: dict[str, list[Entry]] = {
    # Signed-in people are sent on to the home page.
    "accounts:login": [Entry("get", signed_in(302, anonymous=200))],
    # Nothing pending: back to the login page.
    "accounts:login_mfa": [Entry("get", everyone(302))],
    "accounts:logout": [
        Entry("get", everyone(405)),
        Entry("post", everyone(302), writes_when_allowed=True),
    ],
    # First-login pages send anyone who has finished (everyone in the cast) home.
    "accounts:onboarding": [Entry("get", everyone(302))],
    "accounts:onboarding_profile": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email_verify": [Entry("get", everyone(302))],
    "accounts:onboarding_password": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:password_change": [Entry("get", signed_in(200))],
    "accounts:mfa_setup": [Entry("get", signed_in(200))],
    "accounts:mfa_remove": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    # Passkeys: options (a challenge in the session, nothing recorded), registering an empty
    # body (400, nothing written), removing one's own passkey only.
    "accounts:passkey_register_options": [
        Entry("get", signed_in(405)),
        Entry("post", signed_in(200)),
    ],
    "accounts:passkey_register": [Entry("get", signed_in(405)), Entry("post", signed_in(400))],
    "accounts:passkey_remove": [
        Entry("get", signed_in(405), teacher_a_passkey),
        Entry("post", roles(404, teacher_a=302), teacher_a_passkey, writes_when_allowed=True),
    ],
    # The second step of sign-in with a passkey: nobody is half-way through signing in here.
    "accounts:passkey_login_options": [
        Entry("get", everyone(405)),
        Entry("post", everyone(401)),
    ],
    "accounts:passkey_login": [Entry("get", everyone(405)), Entry("post", everyone(401))],
    "accounts:acting_switch": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    "accounts:guest_register": [Entry("get", signed_in(302, anonymous=200))],
    "accounts:guest_complete": [Entry("get", everyone(302))],
    "accounts:account_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:account_create": [
        Entry("get", roles(403, **MANAGERS_200)),
        # An empty form: errors shown, nothing written.
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "accounts:account_detail": [
        Entry("get", roles(404, **OVERSEERS_200), account_of("teacher_a")),
        Entry("get", roles(404, system_admin=200), account_of("teacher_b")),
    ],
    "accounts:account_suspend": [
        Entry("get", roles(404, principal_a=403, **MANAGERS_200), account_of("teacher_a")),
        Entry("get", roles(404, system_admin=200), account_of("teacher_b")),
    ],
    "accounts:account_resume": [
        Entry("get", signed_in(405), account_of("teacher_a")),
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
            writes_when_allowed=True,
        ),
    ],
    "accounts:account_unlock": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
            writes_when_allowed=True,
        ),
        Entry("post", roles(404, system_admin=302), account_of("teacher_b"), True),
    ],
    "accounts:account_initial_password": [
        Entry("get", signed_in(405), account_of("teacher_a")),
        Entry("post", roles(404, **OVERSEERS_200), account_of("teacher_a"), True),
        Entry("post", roles(404, system_admin=200), account_of("teacher_b"), True),
    ],
    # An empty form: the allowed get the form's error message, nothing is written.
    "accounts:role_add": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
        ),
    ],
    "accounts:role_end": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            role_of("teacher_a"),
        ),
    ],
    "accounts:letters": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
    "accounts:progress": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:progress_csv": [Entry("get", roles(403, **OVERSEERS_200), writes_when_allowed=True)],
    "accounts:deadline_set": [
        Entry("get", signed_in(405), org("school_a")),
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=302, principal_a=302),
            org("school_a"),
        ),
        Entry("post", roles(404, system_admin=302), org("school_b")),
    ],
    "accounts:request_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:request_new": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:request_detail": [Entry("get", roles(404, **OVERSEERS_200), filed_request)],
    "accounts:request_approve": [
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=403, principal_a=403),
            filed_request,
            writes_when_allowed=True,
        )
    ],
    "accounts:request_reject": [
        Entry(
            "post", roles(404, system_admin=302, board_officer=403, principal_a=403), filed_request
        )
    ],
    "api:token": [Entry("get", everyone(405)), Entry("post", everyone(400))],
    "api:me": [Entry("get", signed_in(200, anonymous=401))],
}
