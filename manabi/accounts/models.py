"""Accounts: one personal account (アカウント) per human being."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from manabi.accounts.roles import Role

login_id_validator = RegexValidator(
    regex=r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$",
    message="ログインIDは半角英数字と . _ - の3〜64文字で、英数字で始めてください。",
    code="invalid_login_id",
)


def normalize_login_id(value: str) -> str:
    """Login IDs as typed on a Japanese keyboard: full-width characters become half-width."""
    return unicodedata.normalize("NFKC", value).strip()


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def create_user(self, login_id: str, password: str | None = None, **extra: Any) -> Account:
        account = self.model(login_id=normalize_login_id(login_id), **extra)
        account.set_password(password)
        account.full_clean(exclude=["password"])
        account.save(using=self._db)
        return account

    def create_superuser(self, login_id: str, password: str | None = None, **extra: Any) -> Account:
        extra.setdefault("display_name", login_id)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(login_id, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    """A personal account (アカウント). Never shared between people; every action names it.

    Roles and the organisations they apply to are granted separately (role assignments), so
    an account can change schools or hold several roles without being replaced.
    """

    login_id = models.CharField(
        "ログインID", max_length=64, unique=True, validators=[login_id_validator]
    )
    display_name = models.CharField("氏名", max_length=100)
    email = models.EmailField("メールアドレス", blank=True)
    is_active = models.BooleanField("有効", default=True)
    is_staff = models.BooleanField(
        "管理サイトを利用できる",
        default=False,
        help_text="システム管理者だけに付けてください。",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    staff = models.OneToOneField(
        "people.Staff",
        verbose_name="教職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    # First login (初回ログイン): set when an initial password is issued, cleared when the
    # person has confirmed their profile, proven an email address and chosen a password.
    onboarding_required = models.BooleanField("初回ログイン未完了", default=False)
    initial_password_expires_at = models.DateTimeField(
        "初期パスワードの有効期限", null=True, blank=True
    )
    email_verified_at = models.DateTimeField("メールアドレス確認日時", null=True, blank=True)
    password_changed_at = models.DateTimeField("パスワード変更日時", null=True, blank=True)
    # 利用の制限 (seed 001 第19条)
    suspended_at = models.DateTimeField("利用停止日時", null=True, blank=True)
    suspended_reason = models.CharField("利用停止の理由", max_length=200, blank=True)
    # Bumped to end every session of the account at once (suspension, "sign out everywhere").
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "login_id"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = "アカウント"
        verbose_name_plural = "アカウント"
        ordering = ["login_id"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.login_id})"

    def get_session_auth_hash(self) -> str:
        """Sessions stay valid while the password and the session generation are unchanged."""
        from django.utils.crypto import salted_hmac

        key_salt = "manabi.accounts.Account.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", algorithm="sha256"
        ).hexdigest()

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class RoleAssignment(models.Model):
    """A role (役割) held by an account on an organisation for a period.

    ``organisation`` is empty only for roles that span the deployment (system_admin, guest).
    """

    account = models.ForeignKey(
        Account,
        verbose_name="アカウント",
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    valid_from = models.DateField("開始日")
    valid_to = models.DateField("終了日", null=True, blank=True)
    granted_by = models.ForeignKey(
        Account,
        verbose_name="付与した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "役割の割当"
        verbose_name_plural = "役割の割当"
        ordering = ["account", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="role_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | Q(role__in=[Role.SYSTEM_ADMIN.value, Role.GUEST.value]),
                name="role_needs_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation.name if self.organisation else "システム全体"
        return f"{self.get_role_display()}・{where}"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class EmailCode(models.Model):
    """A 6-digit code sent to an email address to prove it (single-use, 10 minutes, 5 tries)."""

    class Purpose(models.TextChoices):
        ONBOARDING = "onboarding", "初回ログイン"
        EMAIL_CHANGE = "email_change", "メールアドレス変更"
        GUEST_REGISTRATION = "guest_registration", "ゲスト登録"

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="email_codes"
    )
    email = models.EmailField()
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    code_hmac = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "確認コード"
        verbose_name_plural = "確認コード"
        indexes = [models.Index(fields=["email", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_purpose_display()})"


class TotpDevice(models.Model):
    """An authenticator app (TOTP, RFC 6238) for two-step sign-in (二段階認証)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_counter = models.BigIntegerField(default=-1)

    class Meta:
        verbose_name = "認証アプリ"
        verbose_name_plural = "認証アプリ"

    def __str__(self) -> str:
        return f"TOTP {self.account}"


class Passkey(models.Model):
    """A passkey or security key (WebAuthn) for two-step sign-in (二段階認証), beside the
    authenticator app. Only the public key is stored; the private key never leaves the
    device."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField("名前", max_length=60)
    credential_id = models.CharField("認証情報ID (base64url)", max_length=1400, unique=True)
    public_key = models.BinaryField("公開鍵 (COSE)")
    sign_count = models.BigIntegerField("署名カウンタ", default=0)
    transports: models.JSONField[list[str]] = models.JSONField("接続方法", default=list)
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    last_used_at = models.DateTimeField("最後に使った日時", null=True, blank=True)

    class Meta:
        verbose_name = "パスキー"
        verbose_name_plural = "パスキー"
        ordering = ["account", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.account})"


class ApiToken(models.Model):
    """An API token; only its SHA-256 is stored. ``Authorization: Token <key>``."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API トークン"
        verbose_name_plural = "API トークン"

    def __str__(self) -> str:
        return f"token {self.pk} of {self.account_id}"


class OnboardingDeadline(models.Model):
    """The date by which everyone under an organisation should finish their first login."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="onboarding_deadline"
    )
    deadline = models.DateField("初回ログインの期限")
    set_by = models.ForeignKey(Account, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "初回ログインの期限"
        verbose_name_plural = "初回ログインの期限"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.deadline}"


class RegistrationRequest(models.Model):
    """新規登録申請: a school asks for an account for someone new to the prefecture's records
    (e.g. transferred in from another prefecture); a system administrator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認済み"
        REJECTED = "rejected", "却下"

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        Account, verbose_name="申請者", on_delete=models.PROTECT, related_name="+"
    )
    staff_number = models.CharField("職員番号", max_length=8)
    name = models.CharField("氏名", max_length=100)
    kana = models.CharField("ふりがな", max_length=200)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    job_title = models.CharField("職名", max_length=40)
    employment_type = models.CharField("任用形態", max_length=20)
    start = models.DateField("着任日")
    previous_employer = models.CharField("前任地", max_length=200, blank=True)
    note = models.TextField("備考", blank=True)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("処理の理由", blank=True)
    created_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "新規登録申請"
        verbose_name_plural = "新規登録申請"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
