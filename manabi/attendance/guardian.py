"""Guardians' links and absence notices (欠席連絡, docs/adr/0004-guardian-links.md).

A guardian has no account: the school issues each guardian a personal link
``/guardian/<token>/``. The token is 32 random bytes (``secrets.token_urlsafe``); only its
SHA-256 is stored (``GuardianLink.token_sha256``), so the database alone cannot give a link
away. A link reaches one pupil: the guardian reports 欠席・遅刻・早退 for that pupil and sees
the notices they sent and what the school did with them, nothing else.

Services (writes) and selectors (reads) of both sides live here: the school issues and revokes
links (``link_issue``, ``links_issue_missing``, ``link_revoke``; callers check access with
``attendance.permissions.access_book`` first; ``links_revoke_on_transfer`` at the students
app's ``students.transfer_recorded`` point), the guardian submits and withdraws notices
(``notice_submit``, ``notice_cancel``; the link is the authority). Accepting a notice into the
book is ``attendance.services.notice_accept``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.attendance import schooldays, selectors
from manabi.attendance.choices import (
    NOTE_MAX,
    TEXT_MAX,
    AbsenceReason,
    NoticeKind,
    NoticeStatus,
)
from manabi.attendance.models import AbsenceNotice, GuardianLink
from manabi.classes.models import SchoolClass
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.students.models import PRESENT_STATUSES, Enrolment, Guardian, Student

# A token as ``secrets.token_urlsafe(32)`` makes it: 43 characters of the URL-safe alphabet.
TOKEN_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")

# What a guardian sees when their link no longer works (revoked, expired, or the pupil left).
LINK_GONE = "このリンクは使えなくなりました。学校にお問い合わせください。"

# How far ahead a guardian may report (today included).
DAYS_AHEAD = 14
# Notices the guardian's page lists: those of the last ``DAYS_BACK`` days and the coming ones.
DAYS_BACK = 60
NOTICES_SHOWN = 50

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("42.0")
# The hours a 遅刻 / 早退 time may name.
EARLIEST = dt.time(6, 0)
LATEST = dt.time(20, 0)

# The reasons a guardian chooses from, with the words a guardian uses. 不登校 and 経済的理由
# are categories the school decides for the national survey, not what a family reports; the
# homeroom teacher can still change the reason when accepting the notice.
GUARDIAN_REASONS: dict[str, str] = {
    AbsenceReason.ILLNESS: "病気・体調不良",
    AbsenceReason.INFECTION_AVOIDANCE: "感染症の心配 (感染を避けるため)",
    AbsenceReason.FAMILY: "家庭の事情",
    AbsenceReason.ACCIDENT: "その他 (けが・事故など)",
}

# What the guardian sees of the school's handling.
STATUS_FOR_GUARDIAN: dict[str, str] = {
    NoticeStatus.RECEIVED: "受付済み",
    NoticeStatus.ACCEPTED: "出席簿に反映",
    NoticeStatus.DISMISSED: "反映せず",
}


def local_today() -> dt.date:
    """Today in the school's time zone (one place, so that tests can fix the day)."""
    return timezone.localdate()


def _label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def token_digest(token: str) -> str:
    """The SHA-256 (hex) a link's token is stored as (pure)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def end_of_fiscal_year(day: dt.date) -> dt.date:
    """31 March of the 年度 of ``day``: how long a new link is valid by default (pure)."""
    return schooldays.fiscal_year_bounds(schooldays.fiscal_year_of(day))[1]


# --- Links (the school's side) -------------------------------------------------------------


def _is_valid(link: GuardianLink, today: dt.date) -> bool:
    return link.revoked_at is None and link.expires_on >= today


def present_enrolments(student_id: int, today: dt.date) -> QuerySet[Enrolment]:
    """The pupil's enrolments (在籍 in a present status) that have not ended by ``today``,
    including one still to come; earliest first."""
    return (
        Enrolment.objects.filter(
            student_id=student_id, is_provisional=False, status__in=PRESENT_STATUSES
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("start_date", "pk")
    )


def _is_enrolled_at_school(link: GuardianLink, today: dt.date) -> bool:
    """A link works only while its pupil is enrolled at the school that issued it: after a
    転出 (or any end of the enrolment) it stops, whether or not it was revoked."""
    return (
        link.school_id is not None
        and present_enrolments(link.guardian.student_id, today)
        .filter(school_id=link.school_id)
        .exists()
    )


def link_issue(
    *,
    actor: Acting,
    guardian: Guardian,
    school: Organisation | None = None,
    expires_on: dt.date | None = None,
) -> tuple[GuardianLink, str]:
    """Issue a guardian's personal link for ``school`` (by default the school the pupil is
    enrolled at now, or next); returns the link and its token, which is shown once and never
    stored. Issuing again revokes the guardian's earlier links."""
    if actor.account is None:
        raise PermissionDenied
    today = local_today()
    expires_on = expires_on or end_of_fiscal_year(today)
    if expires_on < today:
        raise ValidationError({"expires_on": "有効期限は今日以降の日付にしてください。"})
    enrolments = present_enrolments(guardian.student_id, today)
    if school is not None:
        enrolments = enrolments.filter(school_id=school.pk)
    school_id = enrolments.values_list("school_id", flat=True).first()
    if school_id is None:
        raise ValidationError(
            "この児童生徒は学校に在籍していないため、保護者連絡用リンクは発行できません。"
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        # One issue at a time per guardian, so that two clicks cannot leave two valid links.
        Guardian.objects.select_for_update().filter(pk=guardian.pk).first()
        now = timezone.now()
        earlier = GuardianLink.objects.filter(guardian_id=guardian.pk, revoked_at__isnull=True)
        replaced = list(earlier.values_list("pk", flat=True))
        earlier.update(revoked_at=now)
        link = GuardianLink.objects.create(
            guardian=guardian,
            school_id=school_id,
            token_sha256=token_digest(token),
            expires_on=expires_on,
            issued_by=actor.account,
        )
        audit_record(
            actor=actor,
            action="attendance.guardian_link.issue",
            target=link,
            subject=guardian.student,
            details={
                "guardian": guardian.pk,
                "school": school_id,
                "expires_on": expires_on.isoformat(),
                "revoked": replaced,
            },
        )
    return link, token


def links_issue_missing(
    *, actor: Acting, school_class: SchoolClass
) -> list[tuple[GuardianLink, str]]:
    """Issue a link to every guardian of the class's pupils who has no valid one (all or
    nothing); returns the new links with their tokens, in the class list's order."""
    issued: list[tuple[GuardianLink, str]] = []
    with transaction.atomic():
        for pupil in class_guardians(school_class):
            for row in pupil.guardians:
                if row.link is None:
                    issued.append(
                        link_issue(actor=actor, guardian=row.guardian, school=school_class.school)
                    )
    return issued


def link_revoke(*, actor: Acting, link: GuardianLink) -> None:
    """Revoke a link (a lost letter, a guardian who is no longer one, a pupil who has left):
    it answers 404 from now."""
    with transaction.atomic():
        locked = GuardianLink.objects.select_for_update().select_related("guardian").get(pk=link.pk)
        if locked.revoked_at is not None:
            raise ValidationError("このリンクはすでに無効です。")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="attendance.guardian_link.revoke",
            target=locked,
            subject=locked.guardian.student,
            details={"guardian": locked.guardian_id},
        )
    link.revoked_at = locked.revoked_at


def links_revoke_on_transfer(*, actor: Acting, student: Student, school_id: int) -> int:
    """At ``students.transfer_recorded`` (in the 転出's transaction): the pupil has left
    ``school_id``, so the links that school issued for the pupil's guardians are revoked.
    Returns how many. Links another school issued are not touched."""
    links = GuardianLink.objects.select_for_update().filter(
        guardian__student_id=student.pk, school_id=school_id, revoked_at__isnull=True
    )
    revoked = list(links.values_list("pk", flat=True))
    if not revoked:
        return 0
    GuardianLink.objects.filter(pk__in=revoked).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action="attendance.guardian_link.revoke",
        subject=student,
        details={"links": revoked, "school": school_id, "reason": "転出"},
    )
    return len(revoked)


def link_for_token(token: str) -> GuardianLink | None:
    """The valid link of a token, or ``None`` (malformed, unknown, expired, revoked, or its
    pupil no longer enrolled at the school that issued it: all answer the same). The token is
    looked up by its hash, so no comparison runs over the secret itself. Records when the
    link was last used."""
    if not _TOKEN.fullmatch(token):
        return None
    link = (
        GuardianLink.objects.select_related("guardian__student", "school")
        .filter(token_sha256=token_digest(token))
        .first()
    )
    today = local_today()
    if link is None or not _is_valid(link, today) or not _is_enrolled_at_school(link, today):
        return None
    now = timezone.now()
    GuardianLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
    return link


@dataclass(frozen=True)
class GuardianRow:
    """A guardian of a pupil in the class list and their valid link (``None``: none)."""

    guardian: Guardian
    link: GuardianLink | None


@dataclass(frozen=True)
class PupilGuardians:
    enrolment: Enrolment
    guardians: list[GuardianRow]


def class_enrolments(school_class: SchoolClass) -> QuerySet[Enrolment]:
    """The pupils in the class now (or still to come this 年度), in 出席番号 order."""
    today = local_today()
    return (
        Enrolment.objects.filter(
            school_class_id=school_class.pk,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("student")
        .order_by("number", "student__family_kana", "student__given_kana", "pk")
    )


def class_guardians(school_class: SchoolClass) -> list[PupilGuardians]:
    """Each pupil of the class with their guardians and valid links: three queries."""
    today = local_today()
    enrolments = list(class_enrolments(school_class))
    student_ids = {e.student_id for e in enrolments}
    guardians: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(student_id__in=student_ids).order_by(
        "student_id", "order", "pk"
    ):
        guardians[guardian.student_id].append(guardian)
    links: dict[int, GuardianLink] = {}
    for link in GuardianLink.objects.filter(
        guardian__student_id__in=student_ids,
        school_id=school_class.school_id,
        revoked_at__isnull=True,
        expires_on__gte=today,
    ).order_by("issued_at", "pk"):
        links[link.guardian_id] = link  # the newest wins
    seen: set[int] = set()
    rows: list[PupilGuardians] = []
    for enrolment in enrolments:
        if enrolment.student_id in seen:
            continue
        seen.add(enrolment.student_id)
        rows.append(
            PupilGuardians(
                enrolment=enrolment,
                guardians=[
                    GuardianRow(guardian=g, link=links.get(g.pk))
                    for g in guardians[enrolment.student_id]
                ],
            )
        )
    return rows


def guardian_of_class(school_class: SchoolClass, guardian_id: int) -> Guardian | None:
    """A guardian of a pupil in the class (``None`` otherwise: the view answers 404)."""
    return (
        Guardian.objects.filter(
            pk=guardian_id,
            student_id__in=class_enrolments(school_class).values("student_id"),
        )
        .select_related("student")
        .first()
    )


def _former_pupils(school_class: SchoolClass) -> QuerySet[Enrolment]:
    """Pupils who were in the class and are no longer enrolled at its school (転出, 退学 …)."""
    today = local_today()
    still_here = (
        Enrolment.objects.filter(
            school_id=school_class.school_id, is_provisional=False, status__in=PRESENT_STATUSES
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("student_id")
    )
    return Enrolment.objects.filter(school_class_id=school_class.pk).exclude(
        student_id__in=still_here
    )


def former_pupils_links(school_class: SchoolClass) -> QuerySet[GuardianLink]:
    """Links the school issued for guardians of the class's former pupils that were never
    revoked and have not expired: they no longer work (the pupil has left), and the links
    page lists them so that the school can revoke them for the record."""
    return (
        GuardianLink.objects.filter(
            school_id=school_class.school_id,
            revoked_at__isnull=True,
            expires_on__gte=local_today(),
            guardian__student_id__in=_former_pupils(school_class).values("student_id"),
        )
        .select_related("guardian__student")
        .order_by("guardian__student__family_kana", "guardian__student__given_kana", "pk")
    )


def link_of_class(school_class: SchoolClass, link_id: int) -> GuardianLink | None:
    """A link the class's school issued for a guardian of a pupil in the class, or of a
    former pupil of the class (``None`` otherwise)."""
    return (
        GuardianLink.objects.filter(pk=link_id, school_id=school_class.school_id)
        .filter(
            Q(guardian__student_id__in=class_enrolments(school_class).values("student_id"))
            | Q(guardian__student_id__in=_former_pupils(school_class).values("student_id"))
        )
        .select_related("guardian__student")
        .first()
    )


# --- Notices (the guardian's side) ---------------------------------------------------------


def enrolment_on(
    student_id: int, day: dt.date, *, school_id: int | None = None
) -> Enrolment | None:
    """The pupil's enrolment at a school (``school_id``, or any) on ``day`` (在籍 in a present
    status), if any."""
    enrolments = (
        Enrolment.objects.all()
        if school_id is None
        else Enrolment.objects.filter(school_id=school_id)
    )
    return (
        enrolments.filter(
            student_id=student_id,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
            start_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("school", "school_class")
        .order_by("-start_date", "-pk")
        .first()
    )


def school_name_of(link: GuardianLink) -> str:
    """The name of the school that issued the link (the only school it reaches)."""
    return link.school.name if link.school is not None else ""


def _clean_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"{label}は{limit}文字以内で入力してください。"})
    return value


def check_notice(
    *,
    today: dt.date,
    date: dt.date,
    kind: str,
    reason: str,
    temperature: Decimal | None,
    at_time: dt.time | None,
) -> dict[str, str]:
    """The rules of a notice that need no database, as field → message (pure). The form runs
    them too, so that a guardian sees every mistake at once."""
    errors: dict[str, str] = {}
    if kind not in NoticeKind.values:
        errors["kind"] = "連絡の種類 (欠席・遅刻・早退) を選んでください。"
    if date < today:
        errors["date"] = "過去の日付には連絡できません。今日以降の日付を選んでください。"
    elif date > today + dt.timedelta(days=DAYS_AHEAD):
        errors["date"] = f"連絡できるのは今日から{DAYS_AHEAD}日先までの日付です。"
    if kind == NoticeKind.ABSENT and not reason:
        errors["reason"] = "欠席の理由を選んでください。"
    elif reason and reason not in GUARDIAN_REASONS:
        errors["reason"] = "理由は一覧から選んでください。"
    if temperature is not None and not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        errors["temperature"] = (
            f"体温は{TEMPERATURE_MIN}〜{TEMPERATURE_MAX}℃の範囲で入力してください (例: 37.5)。"
        )
    if kind == NoticeKind.LATE and at_time is None:
        errors["at_time"] = "遅刻のときは、登校する予定の時刻を入力してください。"
    elif kind == NoticeKind.EARLY and at_time is None:
        errors["at_time"] = "早退のときは、下校する (迎えに行く) 予定の時刻を入力してください。"
    elif at_time is not None and kind != NoticeKind.ABSENT and not EARLIEST <= at_time <= LATEST:
        errors["at_time"] = "時刻は6時から20時までの間で入力してください。"
    return errors


def notice_submit(
    *,
    link: GuardianLink,
    date: dt.date,
    kind: str,
    reason: str,
    symptoms: str,
    temperature: Decimal | None,
    at_time: dt.time | None,
    message: str,
) -> AbsenceNotice:
    """A guardian reports 欠席・遅刻・早退 of their pupil for ``date`` (today or up to 14 days
    ahead). The notice waits as 受付済み until the homeroom teacher accepts it into the book
    or sets it aside. Raises ``ValidationError`` naming the field; a refused notice writes
    nothing. Audited with no actor (the guardian has no account) and the link's id."""
    today = local_today()
    symptoms = _clean_text(symptoms, field="symptoms", label="症状・詳細", limit=TEXT_MAX)
    message = _clean_text(message, field="message", label="学校への連絡", limit=NOTE_MAX)
    reason = reason or ""
    if temperature is not None:
        temperature = temperature.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    errors = check_notice(
        today=today, date=date, kind=kind, reason=reason, temperature=temperature, at_time=at_time
    )
    if errors:
        raise ValidationError(errors)
    if kind == NoticeKind.ABSENT:
        at_time = None
    student_id = link.guardian.student_id
    enrolment = enrolment_on(student_id, date, school_id=link.school_id or 0)
    if enrolment is None:
        raise ValidationError(
            {
                "date": f"{_label(date)}は在籍の記録がないため、この画面からは連絡できません。"
                "学校に直接ご連絡ください。"
            }
        )
    if enrolment.school_class is not None and not selectors.is_lesson_day(
        enrolment.school_class, date
    ):
        raise ValidationError(
            {
                "date": f"{_label(date)}は学校の授業日ではありません。"
                "予定が違うときは学校に直接ご連絡ください。"
            }
        )
    with transaction.atomic():
        # One notice at a time per guardian: a double tap cannot file the same notice twice.
        Guardian.objects.select_for_update().filter(pk=link.guardian_id).first()
        current = GuardianLink.objects.filter(
            pk=link.pk, revoked_at__isnull=True, expires_on__gte=today
        ).first()
        if current is None or not _is_enrolled_at_school(link, today):
            raise ValidationError(LINK_GONE)
        if AbsenceNotice.objects.filter(
            guardian_id=link.guardian_id,
            student_id=student_id,
            date=date,
            kind=kind,
            status=NoticeStatus.RECEIVED,
        ).exists():
            raise ValidationError(
                f"{_label(date)}の{NoticeKind(kind).label}の連絡は、すでに受け付けています。"
                "内容を変えるときは、前の連絡を取り消してから送り直してください。"
            )
        notice = AbsenceNotice.objects.create(
            student_id=student_id,
            school_id=enrolment.school_id,
            guardian_id=link.guardian_id,
            date=date,
            kind=kind,
            reason=reason,
            symptoms=symptoms,
            temperature=temperature,
            at_time=at_time,
            message=message,
        )
        audit_record(
            actor=None,
            action="attendance.notice.submit",
            target=notice,
            subject=link.guardian.student,
            details={
                "guardian_link": link.pk,
                "guardian": link.guardian_id,
                "date": date.isoformat(),
                "kind": NoticeKind(kind).label,
            },
        )
    return notice


def notice_cancel(*, link: GuardianLink, notice: AbsenceNotice) -> None:
    """A guardian withdraws a notice of their own the school has not handled yet (it is
    deleted; the audit log keeps what it was)."""
    with transaction.atomic():
        locked = (
            AbsenceNotice.objects.select_for_update()
            .filter(pk=notice.pk, guardian_id=link.guardian_id, student_id=link.guardian.student_id)
            .first()
        )
        if locked is None:
            raise ValidationError("この連絡は取り消せません。")
        if locked.status != NoticeStatus.RECEIVED:
            raise ValidationError(
                "学校がすでに確認したため、取り消せません。変更があるときは学校に直接ご連絡ください。"
            )
        audit_record(
            actor=None,
            action="attendance.notice.cancel",
            target=locked,
            subject=link.guardian.student,
            details={
                "guardian_link": link.pk,
                "guardian": link.guardian_id,
                "date": locked.date.isoformat(),
                "kind": locked.get_kind_display(),
            },
        )
        locked.delete()


def notices_of_link(link: GuardianLink) -> QuerySet[AbsenceNotice]:
    """The notices this guardian sent for their pupil, from ``DAYS_BACK`` days ago on, newest
    date first. Never another pupil's, nor another guardian's."""
    return AbsenceNotice.objects.filter(
        guardian_id=link.guardian_id,
        student_id=link.guardian.student_id,
        date__gte=local_today() - dt.timedelta(days=DAYS_BACK),
    ).order_by("-date", "-received_at", "-pk")


def notice_of_link(link: GuardianLink, notice_id: int) -> AbsenceNotice | None:
    """One notice of this guardian's pupil sent by this guardian (``None``: the view answers
    404, whether the notice is another pupil's or does not exist)."""
    return AbsenceNotice.objects.filter(
        pk=notice_id, guardian_id=link.guardian_id, student_id=link.guardian.student_id
    ).first()
