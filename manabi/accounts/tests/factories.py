from __future__ import annotations

from typing import Any

import factory

from manabi.accounts.models import Account

DEFAULT_PASSWORD = "factory-password-123"


class AccountFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Account
        django_get_or_create = ("login_id",)
        skip_postgeneration_save = True

    login_id = factory.Sequence(lambda n: f"480002T{20250000 + n:08d}")
    display_name = factory.Sequence(lambda n: f"教員 {n}")

    @factory.post_generation  # type: ignore[misc]
    def password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])
