"""Accounts: one personal account (アカウント) per human being."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

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

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
