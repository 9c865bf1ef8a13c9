"""Writes of the accounts app: accounts, initial passwords, first login, roles, MFA, tokens.

Every function is keyword-only, runs in a transaction and writes an audit event. Errors a
person can fix are raised as :class:`AccountError` with a Japanese message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from manabi.accounts.authentication import token_hash
from manabi.accounts.models import (
    Account,
    ApiToken,
    EmailCode,
    OnboardingDeadline,
    RegistrationRequest,
    RoleAssignment,
    TotpDevice,
)
from manabi.accounts.passwords import PolicyValidator, generate_initial_password
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.people.models import Staff


class AccountError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message saying what."""


# --- login IDs ------------------------------------------------------------------------------

ROLE_LETTERS = {
    Role.SYSTEM_ADMIN: "A",
    Role.BOARD: "B",
    Role.ORGANIZER: "O",
    Role.SCHOOL_ADMIN: "S",
    Role.STAFF: "U",
    Role.GUEST: "G",
}


def login_id_for_staff(staff_number: str) -> str:
    """Teachers: prefecture code + "T" + 8-digit staff number (seed 000 §5)."""
    return f"{settings.PREFECTURE_CODE}T{staff_number}"


def login_id_generate(role: Role) -> str:
    """Accounts without a staff number: prefecture code + role letter + 5-digit serial."""
    prefix = f"{settings.PREFECTURE_CODE}{ROLE_LETTERS[role]}"
    taken = Account.objects.filter(login_id__regex=rf"^{prefix}[0-9]{{5}}$").values_list(
        "login_id", flat=True
    )
    serial = max((int(t[len(prefix) :]) for t in taken), default=0) + 1
    return f"{prefix}{serial:05d}"


# --- accounts -------------------------------------------------------------------------------


def account_create(
    *,
    actor: Acting | None,
    display_name: str,
    staff: Staff | None = None,
    role: Role = Role.STAFF,
    login_id: str | None = None,
    email: str = "",
) -> Account:
    """A personal account, with no usable password until an initial one is issued."""
    for _ in range(5):
        chosen = login_id or (
            login_id_for_staff(staff.staff_number) if staff else login_id_generate(role)
        )
        try:
            with transaction.atomic():
                account = Account(
                    login_id=chosen, display_name=display_name, staff=staff, email=email
                )
                account.set_unusable_password()
                account.full_clean(exclude=["password"])
                account.save()
                audit_record(
                    actor=actor,
                    action="accounts.account.create",
                    target=account,
                    subject=staff,
                    details={"login_id": account.login_id},
                )
                return account
        except IntegrityError:
            if login_id or staff:
                raise AccountError(f"ログインID {chosen} は既に使われています。") from None
    raise AccountError("ログインIDを決められませんでした。もう一度お試しください。")


def account_for_staff(*, actor: Acting | None, staff: Staff) -> Account:
    """The staff member's account, created if they have none yet."""
    existing = Account.objects.filter(staff=staff).first()
    if existing is not None:
        return existing
    return account_create(actor=actor, display_name=staff.display_name, staff=staff)


def _end_sessions(account: Account) -> None:
    account.session_generation += 1


def account_suspend(*, actor: Acting | None, account: Account, reason: str) -> Account:
    """利用の制限 (seed 001 第19条): the account can no longer sign in and every session it
    has ends at once."""
    if not reason.strip():
        raise AccountError("利用を停止する理由を入力してください。")
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.suspended_at = timezone.now()
        account.suspended_reason = reason.strip()[:200]
        _end_sessions(account)
        account.save(update_fields=["suspended_at", "suspended_reason", "session_generation"])
        ApiToken.objects.filter(account=account).delete()
        audit_record(
            actor=actor,
            action="accounts.account.suspend",
            target=account,
            details={"reason": reason},
        )
    return account


def account_resume(*, actor: Acting | None, account: Account) -> Account:
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.suspended_at = None
        account.suspended_reason = ""
        account.save(update_fields=["suspended_at", "suspended_reason"])
        audit_record(actor=actor, action="accounts.account.resume", target=account)
    return account


def account_close_on_retirement(*, actor: Acting | None, staff: Staff, retired_on: date) -> None:
    """退職 (at ``people.staff_retired``): the person's roles end on ``retired_on`` and their
    account is deactivated."""
    account = Account.objects.filter(staff=staff).first()
    if account is None:
        return
    account.role_assignments.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=retired_on)).update(
        valid_to=retired_on
    )
    if account.is_active:
        account_deactivate(actor=actor, account=account, reason="退職")


def account_deactivate(*, actor: Acting | None, account: Account, reason: str) -> Account:
    """No more sign-ins (退職 …); everything the account did stays recorded."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.is_active = False
        _end_sessions(account)
        account.save(update_fields=["is_active", "session_generation"])
        ApiToken.objects.filter(account=account).delete()
        audit_record(
            actor=actor,
            action="accounts.account.deactivate",
            target=account,
            details={"reason": reason},
        )
    return account


def account_unlock(*, actor: Acting | None, account: Account) -> None:
    """Clear the failed sign-ins of the login ID (ロック解除)."""
    from axes.utils import reset

    with transaction.atomic():
        reset(username=account.login_id)
        audit_record(actor=actor, action="accounts.account.unlock", target=account)


def account_sign_out_everywhere(*, actor: Acting | None, account: Account) -> None:
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        _end_sessions(account)
        account.save(update_fields=["session_generation"])
        audit_record(actor=actor, action="accounts.account.sign_out_everywhere", target=account)


# --- initial passwords and credential letters ------------------------------------------------


@dataclass(frozen=True)
class IssuedCredential:
    """What goes on one credential letter. The password exists only here, never stored."""

    account: Account
    password: str
    group: str  # the school (or organisation) the letter is handed out by
    expires_at: datetime


def _letter_group(account: Account, on: date) -> str:
    if account.staff_id:
        from manabi.people.selectors import current_assignments

        assignment = (
            current_assignments(on)
            .filter(staff_id=account.staff_id)
            .order_by("concurrent", "start")
            .first()
        )
        if assignment is not None:
            return assignment.organisation.name
    ra = account.role_assignments.filter(organisation__isnull=False).select_related("organisation")
    first = ra.first()
    return first.organisation.name if first and first.organisation else "所属なし"


def initial_passwords_issue(
    *, actor: Acting | None, accounts: Sequence[Account], per_school: bool | None = None
) -> list[IssuedCredential]:
    """Issue initial passwords (初期パスワード) and start first login for ``accounts``.

    Per person by default; with ``per_school`` (seed 000 practice) one password per school,
    still single-use: it works only until the person sets their own, and expires after
    ``MANABI_INITIAL_PASSWORD_VALID_DAYS``. Existing sessions of the accounts end.
    """
    if per_school is None:
        per_school = settings.INITIAL_PASSWORD_MODE == "per_school"  # noqa: S105
    today = timezone.localdate()
    expires_at = timezone.now() + timedelta(days=settings.INITIAL_PASSWORD_VALID_DAYS)
    shared: dict[str, str] = defaultdict(generate_initial_password)
    issued = []
    with transaction.atomic():
        for account in accounts:
            if not account.is_active or account.is_suspended:
                raise AccountError(
                    f"{account.display_name} ({account.login_id}) は利用停止中のため、"
                    "初期パスワードを発行できません。"
                )
            group = _letter_group(account, today)
            password = shared[group] if per_school else generate_initial_password()
            account.set_password(password)
            account.onboarding_required = True
            account.initial_password_expires_at = expires_at
            _end_sessions(account)
            account.save(
                update_fields=[
                    "password",
                    "onboarding_required",
                    "initial_password_expires_at",
                    "session_generation",
                ]
            )
            audit_record(
                actor=actor,
                action="accounts.initial_password.issue",
                target=account,
                subject=account.staff,
                details={"per_school": per_school},
            )
            issued.append(IssuedCredential(account, password, group, expires_at))
    return sorted(issued, key=lambda c: (c.group, c.account.login_id))


# --- email codes ----------------------------------------------------------------------------


def _code_hmac(code: str, email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{email.lower()}:{code}".encode(), hashlib.sha256).hexdigest()


def email_code_send(*, account: Account | None, email: str, purpose: str) -> None:
    """Send a fresh random 6-digit code to ``email``; earlier unused codes stop working."""
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.EMAIL_CODE_VALID_MINUTES
    with transaction.atomic():
        EmailCode.objects.filter(account=account, purpose=purpose, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        EmailCode.objects.create(
            account=account,
            email=email,
            purpose=purpose,
            code_hmac=_code_hmac(code, email),
            expires_at=timezone.now() + timedelta(minutes=minutes),
        )
        audit_record(
            actor=account,
            action="accounts.email_code.send",
            target=account,
            details={"email": email, "purpose": purpose},
        )
        body = (
            f"{settings.SITE_NAME} の確認コードは {code} です。\n\n"
            f"このコードは{minutes}分間有効で、1回だけ使えます。\n"
            "心当たりがない場合は、このメールを破棄してください。\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                f"[{settings.SITE_NAME}] 確認コード", body, None, [email], fail_silently=False
            )
        )


def email_code_verify(
    *, account: Account | None, email: str | None, purpose: str, code: str
) -> str:
    """Check ``code``; returns the email address it proves. Raises AccountError otherwise.

    A code is single-use, expires after 10 minutes and dies after 5 wrong tries. A wrong
    try is counted even though the call fails (it is saved before the error is raised).
    """
    problem = ""
    with transaction.atomic():
        query = EmailCode.objects.select_for_update().filter(
            account=account, purpose=purpose, used_at__isnull=True
        )
        if email is not None:
            query = query.filter(email__iexact=email)
        pending = query.order_by("-created_at").first()
        if pending is None:
            problem = "有効な確認コードがありません。コードを送り直してください。"
        elif pending.expires_at <= timezone.now():
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            problem = "確認コードの有効期限が切れました。コードを送り直してください。"
        else:
            cleaned = "".join(c for c in code if c.isdigit())
            if hmac.compare_digest(pending.code_hmac, _code_hmac(cleaned, pending.email)):
                pending.used_at = timezone.now()
                pending.save(update_fields=["used_at"])
                return pending.email
            pending.attempts += 1
            left = settings.EMAIL_CODE_MAX_ATTEMPTS - pending.attempts
            if left <= 0:
                pending.used_at = timezone.now()
                problem = (
                    "確認コードを続けて間違えたため、このコードは使えなくなりました。"
                    "コードを送り直してください。"
                )
            else:
                problem = f"確認コードが違います。あと{left}回入力できます。"
            pending.save(update_fields=["attempts", "used_at"])
    raise AccountError(problem)


# --- first login (初回ログイン) ----------------------------------------------------------------


def onboarding_profile_save(*, account: Account, display_name: str, alias_name: str = "") -> None:
    with transaction.atomic():
        account.display_name = display_name.strip()
        account.full_clean(exclude=["password"])
        account.save(update_fields=["display_name"])
        if account.staff is not None and account.staff.alias_name != alias_name.strip():
            account.staff.alias_name = alias_name.strip()
            account.staff.refresh_search_key()
            account.staff.save(update_fields=["alias_name", "search_key", "updated_at"])
        audit_record(actor=account, action="accounts.onboarding.profile", target=account)


def onboarding_email_confirm(*, account: Account, code: str) -> None:
    email = email_code_verify(account=account, email=None, purpose="onboarding", code=code)
    with transaction.atomic():
        account.email = email
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email", "email_verified_at"])
        audit_record(
            actor=account,
            action="accounts.onboarding.email",
            target=account,
            details={"email": email},
        )


def onboarding_email_done(account: Account) -> bool:
    """The email step is done when an address was proven since the initial password."""
    return bool(account.email and account.email_verified_at)


def password_set(
    *, account: Account, password: str, repeat: str, finishing_onboarding: bool = False
) -> None:
    """Set a new password under the deployment's policy; the initial one can't be reused."""
    if password != repeat:
        raise AccountError("確認のため入力したパスワードが一致しません。")
    if account.check_password(password):
        raise AccountError("今のパスワード(初期パスワード)とは違うパスワードにしてください。")
    try:
        PolicyValidator().validate(password, account)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    with transaction.atomic():
        account.set_password(password)
        account.password_changed_at = timezone.now()
        fields = ["password", "password_changed_at"]
        if finishing_onboarding:
            account.onboarding_required = False
            account.initial_password_expires_at = None
            fields += ["onboarding_required", "initial_password_expires_at"]
        account.save(update_fields=fields)
        audit_record(
            actor=account,
            action="accounts.onboarding.complete"
            if finishing_onboarding
            else "accounts.password.change",
            target=account,
        )


def onboarding_deadline_set(
    *, actor: Acting, organisation: Organisation, deadline: date
) -> OnboardingDeadline:
    with transaction.atomic():
        record, _ = OnboardingDeadline.objects.update_or_create(
            organisation=organisation, defaults={"deadline": deadline, "set_by": actor.account}
        )
        audit_record(
            actor=actor,
            action="accounts.onboarding.deadline",
            target=organisation,
            details={"deadline": deadline.isoformat()},
        )
    return record


# --- roles ----------------------------------------------------------------------------------


def role_assign(
    *,
    actor: Acting | None,
    account: Account,
    role: Role,
    organisation: Organisation | None,
    valid_from: date,
    valid_to: date | None = None,
) -> RoleAssignment:
    with transaction.atomic():
        assignment = RoleAssignment(
            account=account,
            role=role,
            organisation=organisation,
            valid_from=valid_from,
            valid_to=valid_to,
            granted_by=actor.account if actor else None,
        )
        assignment.full_clean()
        assignment.save()
        audit_record(
            actor=actor,
            action="accounts.role.assign",
            target=account,
            details={
                "role": role.value,
                "organisation": organisation.code if organisation else None,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
            },
        )
    return assignment


def role_end(*, actor: Acting | None, assignment: RoleAssignment, valid_to: date) -> RoleAssignment:
    with transaction.atomic():
        if valid_to < assignment.valid_from:
            raise AccountError("終了日は開始日以降にしてください。")
        assignment.valid_to = valid_to
        assignment.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="accounts.role.end",
            target=assignment.account,
            details={"role": assignment.role, "valid_to": valid_to.isoformat()},
        )
    return assignment


# --- two-step sign-in (TOTP) ------------------------------------------------------------------


def _totp_check(device: TotpDevice, code: str) -> bool:
    cleaned = "".join(c for c in code if c.isdigit())
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for drift in (-1, 0, 1):
        at = now + timedelta(seconds=30 * drift)
        counter = int(at.timestamp()) // 30
        if counter > device.last_counter and hmac.compare_digest(totp.at(at), cleaned):
            device.last_counter = counter  # a code is never accepted twice
            return True
    return False


def totp_confirm(*, account: Account, secret: str, code: str) -> TotpDevice:
    """Turn on two-step sign-in with ``secret`` once ``code`` shows the app holds it."""
    with transaction.atomic():
        device = TotpDevice(account=account, secret=secret)
        if not _totp_check(device, code):
            raise AccountError(
                "認証コードが違います。認証アプリに表示された6桁を入力してください。"
            )
        device.confirmed_at = timezone.now()
        TotpDevice.objects.filter(account=account).delete()
        device.save()
        audit_record(actor=account, action="accounts.mfa.enable", target=account)
    return device


def totp_verify(*, account: Account, code: str) -> bool:
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .filter(account=account, confirmed_at__isnull=False)
            .first()
        )
        ok = device is not None and _totp_check(device, code)
        if ok and device is not None:
            device.save(update_fields=["last_counter"])
        audit_record(
            actor=account, action="auth.mfa_ok" if ok else "auth.mfa_failed", target=account
        )
    return ok


def totp_remove(*, actor: Acting | Account, account: Account) -> None:
    with transaction.atomic():
        TotpDevice.objects.filter(account=account).delete()
        audit_record(actor=actor, action="accounts.mfa.disable", target=account)


def has_totp(account: Account) -> bool:
    return TotpDevice.objects.filter(account=account, confirmed_at__isnull=False).exists()


def has_second_factor(account: Account) -> bool:
    """二段階認証 is on: an authenticator app or at least one passkey."""
    return has_totp(account) or account.passkeys.exists()


# --- API tokens -----------------------------------------------------------------------------

API_TOKEN_DAYS = 30


def api_token_create(*, account: Account) -> str:
    """A new API token (shown once); valid for 30 days."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            account=account,
            key_hash=token_hash(key),
            expires_at=timezone.now() + timedelta(days=API_TOKEN_DAYS),
        )
        audit_record(actor=account, action="auth.api_token", target=account)
    return key


# --- sign-in events -------------------------------------------------------------------------


def account_login_record(*, account: Account) -> None:
    """Record a successful sign-in."""
    with transaction.atomic():
        audit_record(actor=account, action="auth.login", target=account)


def account_login_failure_record(*, login_id: str) -> None:
    """Record a failed sign-in (the login ID as typed, never the password)."""
    with transaction.atomic():
        audit_record(actor=None, action="auth.login_failed", details={"login_id": login_id[:64]})


def account_logout_record(*, account: Account | AnonymousUser) -> None:
    if isinstance(account, Account):
        with transaction.atomic():
            audit_record(actor=account, action="auth.logout", target=account)


def accounts_for_staff(staff: Iterable[Staff]) -> list[Account]:
    return list(Account.objects.filter(staff__in=list(staff)).select_related("staff"))


# --- new-registration requests (新規登録申請, seed 000 §9) -------------------------------------


def registration_request_file(
    *, actor: Acting, organisation: Organisation, **fields: object
) -> RegistrationRequest:
    """A school asks for an account for someone not yet in the records (e.g. transferred in
    from another prefecture), instead of emailing a form."""
    staff_number = str(fields.get("staff_number", ""))
    if Staff.objects.filter(staff_number=staff_number).exists():
        raise AccountError(
            f"職員番号 {staff_number} は既に登録されています。県内の異動の場合は、"
            "教育委員会が所属を登録します。"
        )
    if RegistrationRequest.objects.filter(
        staff_number=staff_number, status=RegistrationRequest.Status.PENDING
    ).exists():
        raise AccountError(f"職員番号 {staff_number} の申請は既に承認待ちです。")
    assert actor.account is not None
    with transaction.atomic():
        request = RegistrationRequest(
            organisation=organisation, requested_by=actor.account, **fields
        )
        request.full_clean()
        request.save()
        audit_record(
            actor=actor,
            action="accounts.registration_request.file",
            target=request,
            details={"staff_number": staff_number, "organisation": organisation.code},
        )
    return request


def registration_request_approve(*, actor: Acting, request: RegistrationRequest) -> Account:
    """Create the staff record, the assignment, the account and its staff role."""
    from manabi.people.services import assignment_add, staff_create

    if request.status != RegistrationRequest.Status.PENDING:
        raise AccountError("この申請は既に処理されています。")
    with transaction.atomic():
        request = RegistrationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RegistrationRequest.Status.PENDING:
            raise AccountError("この申請は既に処理されています。")
        try:
            staff = staff_create(
                actor=actor,
                staff_number=request.staff_number,
                name=request.name,
                kana=request.kana,
                birth_date=request.birth_date,
                job_title=request.job_title,
                employment_type=request.employment_type,
            )
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages)) from None
        assignment_add(
            actor=actor, staff=staff, organisation=request.organisation, start=request.start
        )
        account = account_for_staff(actor=actor, staff=staff)
        role_assign(
            actor=actor,
            account=account,
            role=Role.STAFF,
            organisation=request.organisation,
            valid_from=request.start,
        )
        request.status = RegistrationRequest.Status.APPROVED
        request.decided_by = actor.account
        request.decided_at = timezone.now()
        request.created_account = account
        request.save()
        audit_record(actor=actor, action="accounts.registration_request.approve", target=request)
    return account


def registration_request_reject(*, actor: Acting, request: RegistrationRequest, note: str) -> None:
    if not note.strip():
        raise AccountError("却下する理由を入力してください。")
    with transaction.atomic():
        request = RegistrationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RegistrationRequest.Status.PENDING:
            raise AccountError("この申請は既に処理されています。")
        request.status = RegistrationRequest.Status.REJECTED
        request.decided_by = actor.account
        request.decided_at = timezone.now()
        request.decision_note = note.strip()
        request.save()
        audit_record(
            actor=actor,
            action="accounts.registration_request.reject",
            target=request,
            details={"note": note.strip()},
        )


# --- guests (ゲストユーザ, seed 000 §1) --------------------------------------------------------


def guest_registration_start(*, email: str) -> None:
    email_code_send(account=None, email=email, purpose=EmailCode.Purpose.GUEST_REGISTRATION)


def guest_registration_complete(
    *, email: str, code: str, name: str, password: str, repeat: str
) -> Account:
    """Create a guest account once the code proves the address. Guests can take open
    trainings; they never get training-history records (they have no staff record)."""
    email_code_verify(
        account=None, email=email, purpose=EmailCode.Purpose.GUEST_REGISTRATION, code=code
    )
    if Account.objects.filter(email__iexact=email).exists():
        raise AccountError(
            "このメールアドレスは既に登録されています。ログイン画面からログインしてください。"
        )
    if password != repeat:
        raise AccountError("確認のため入力したパスワードが一致しません。")
    probe = Account(login_id="guest", display_name=name)
    try:
        PolicyValidator().validate(password, probe)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    with transaction.atomic():
        account = account_create(actor=None, display_name=name, role=Role.GUEST, email=email)
        account.set_password(password)
        account.email_verified_at = timezone.now()
        account.password_changed_at = timezone.now()
        account.save(update_fields=["password", "email_verified_at", "password_changed_at"])
        RoleAssignment.objects.create(
            account=account, role=Role.GUEST, organisation=None, valid_from=timezone.localdate()
        )
        audit_record(actor=account, action="accounts.guest.register", target=account)
        login_id = account.login_id
        transaction.on_commit(
            lambda: send_mail(
                f"[{settings.SITE_NAME}] ゲスト登録が完了しました",
                f"ゲストとして登録しました。ログインIDは {login_id} です。\n",
                None,
                [email],
            )
        )
    return account
