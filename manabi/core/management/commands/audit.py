"""``manabi audit verify``: check that no audit event was edited or deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.core.audit import audit_verify


class Command(BaseCommand):
    help = "監査ログを検証します (verify: 改ざん・削除の検出)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(f"連番 {problem.seq}: {problem.message}")
            raise CommandError(
                f"監査ログ {checked} 件を検証し、{len(problems)} 件の問題が見つかりました。"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"監査ログ {checked} 件を検証しました。改ざんは見つかりませんでした。"
            )
        )
