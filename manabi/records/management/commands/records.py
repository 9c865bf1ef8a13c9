"""``manabi records purge-exports``: remove the export files (研修受講履歴の出力) made more than
``MANABI_EXPORT_KEEP_DAYS`` days ago. Run it daily from cron; every finished export also
does it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from manabi.records.exports import history_exports_purge


class Command(BaseCommand):
    help = "保存期間を過ぎた研修受講履歴の出力ファイルを削除します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge-exports"])

    def handle(self, *args: Any, **options: Any) -> None:
        removed = history_exports_purge()
        self.stdout.write(
            f"{settings.EXPORT_KEEP_DAYS}日を過ぎた出力ファイルを {removed} 件削除しました。"
        )
