"""``manabi imports reap``: mark failed every import job whose worker died (no heartbeat for
``MANABI_JOB_STALE_MINUTES``), so that it can be checked again. Run it from cron every few
minutes; the job pages also do it for the job they show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from manabi.imports.services import import_jobs_reap


class Command(BaseCommand):
    help = "止まったままの一括登録(応答のない確認・登録)を中止扱いにします。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reap"])

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = import_jobs_reap()
        if reaped:
            ids = ", ".join(str(pk) for pk in reaped)
            self.stdout.write(
                f"{settings.JOB_STALE_MINUTES}分以上応答のない一括登録 {len(reaped)} 件を"
                f"中止にしました (ID: {ids})。"
            )
        else:
            self.stdout.write("止まっている一括登録はありません。")
