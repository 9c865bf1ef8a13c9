"""Authorisation-matrix entries of the guardians' absence notices (merged into
``authz.ENTRIES``; see ``tests/authz_harness.py`` and docs/adr/0004-guardian-links.md).

The guardian's pages need no sign-in: the personal token in the URL is the authority, so
every persona (anonymous included) gets the same answer: 200 with a valid token, 404 with an
unknown or revoked one, and 404 for a notice of another pupil (A1-2's notice through A1-1's
guardian's token). The school's pages are for whoever may enter the class's 出席簿: at school
A every member of staff (別表1 defaults), 404 for school B's teacher, boards and everyone who
acts for no school.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.attendance import guardian
from manabi.attendance.choices import AbsenceReason, NoticeKind
from manabi.attendance.models import AbsenceNotice
from manabi.students.models import Guardian
from tests.authz_harness import Entry, everyone, school_staff, signed_in
from tests.personas import Cast
from tests.school_personas import build_school_cast


def guardian_of(cast: Cast, key: str) -> Guardian:
    return Guardian.objects.get(student=build_school_cast(cast).students[key])


def token_of(cast: Cast, key: str = "A1-1") -> str:
    """A new link for the guardian of pupil ``key``, issued by the principal; its token."""
    _, token = guardian.link_issue(
        actor=acting_for(cast.account("principal_a")), guardian=guardian_of(cast, key)
    )
    return token


def notice_of(cast: Cast, key: str) -> AbsenceNotice:
    """A notice (欠席, today) sent by the guardian of pupil ``key``, not handled yet."""
    sc = build_school_cast(cast)
    return AbsenceNotice.objects.create(
        student=sc.students[key],
        school=sc.enrolments[key].school,
        guardian=guardian_of(cast, key),
        date=guardian.local_today(),
        kind=NoticeKind.ABSENT,
        reason=AbsenceReason.ILLNESS,
    )


def own_link(cast: Cast) -> dict[str, Any]:
    return {"token": token_of(cast)}


def unknown_link(cast: Cast) -> dict[str, Any]:
    token_of(cast)  # a valid link exists, but not this one
    return {"token": "x" * 43}


def revoked_link(cast: Cast) -> dict[str, Any]:
    token = token_of(cast)
    token_of(cast)  # re-issued: the first is revoked
    return {"token": token}


def expired_link(cast: Cast) -> dict[str, Any]:
    token = token_of(cast)
    link = guardian.link_for_token(token)
    assert link is not None
    link.expires_on = guardian.local_today() - timedelta(days=1)
    link.save(update_fields=["expires_on"])
    return {"token": token}


def own_notice(cast: Cast) -> dict[str, Any]:
    return {"token": token_of(cast), "notice_id": notice_of(cast, "A1-1").pk}


def other_pupils_notice(cast: Cast) -> dict[str, Any]:
    """A1-1's guardian's token with a notice of A1-2 (same class, same school)."""
    return {"token": token_of(cast), "notice_id": notice_of(cast, "A1-2").pk}


def a1_1(cast: Cast) -> dict[str, Any]:
    return {"class_id": build_school_cast(cast).classes["a1_1"].pk}


def a1_1_guardian(cast: Cast) -> dict[str, Any]:
    return {**a1_1(cast), "guardian_id": guardian_of(cast, "A1-1").pk}


def other_school_guardian(cast: Cast) -> dict[str, Any]:
    """School A's 1年1組 with the guardian of school B's pupil K1-1."""
    return {**a1_1(cast), "guardian_id": guardian_of(cast, "K1-1").pk}


def a1_1_link(cast: Cast) -> dict[str, Any]:
    token = token_of(cast)
    link = guardian.link_for_token(token)
    assert link is not None
    return {**a1_1(cast), "link_id": link.pk}


def staff(status: int) -> dict[str, int]:
    """``status`` for school A's staff, 404 for school B's teacher and everyone else."""
    return school_staff(status, teacher_b=404)


ENTRIES: dict[str, list[Entry]] = {
    # The guardian's side: public pages under the token.
    "guardian:home": [
        Entry("get", everyone(200), kwargs=own_link, school=True),
        # An empty form: the page again with its errors, nothing written.
        Entry("post", everyone(200), kwargs=own_link, school=True),
        Entry("get", everyone(404), kwargs=unknown_link, school=True),
        Entry("post", everyone(404), kwargs=unknown_link, school=True),
        Entry("get", everyone(404), kwargs=revoked_link, school=True),
        Entry("get", everyone(404), kwargs=expired_link, school=True),
    ],
    "guardian:notice": [
        Entry("get", everyone(200), kwargs=own_notice, school=True),
        Entry("post", everyone(405), kwargs=own_notice, school=True),
        # A guardian of pupil A cannot see pupil B.
        Entry("get", everyone(404), kwargs=other_pupils_notice, school=True),
    ],
    "guardian:notice_cancel": [
        Entry("get", everyone(200), kwargs=own_notice, school=True),
        Entry("post", everyone(200), kwargs=own_notice, school=True, writes_when_allowed=True),
        Entry("get", everyone(404), kwargs=other_pupils_notice, school=True),
        Entry("post", everyone(404), kwargs=other_pupils_notice, school=True),
    ],
    # The school's side: 出席簿 編集 on the class.
    "guardian:links": [
        Entry("get", staff(200), kwargs=a1_1, school=True, writes_when_allowed=True),
        Entry("post", signed_in(405), kwargs=a1_1, school=True),
    ],
    "guardian:link_issue": [
        Entry("post", staff(200), kwargs=a1_1_guardian, school=True, writes_when_allowed=True),
        Entry("post", school_staff(404), kwargs=other_school_guardian, school=True),
        Entry("get", signed_in(405), kwargs=a1_1_guardian, school=True),
    ],
    "guardian:links_issue_missing": [
        Entry("post", staff(200), kwargs=a1_1, school=True, writes_when_allowed=True),
        Entry("get", signed_in(405), kwargs=a1_1, school=True),
    ],
    "guardian:link_revoke": [
        Entry("get", staff(200), kwargs=a1_1_link, school=True),
        Entry("post", staff(302), kwargs=a1_1_link, school=True, writes_when_allowed=True),
    ],
}
