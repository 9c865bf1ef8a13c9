"""``manabi demo``: build the fictional prefecture and serve it; ``manabi demo accounts``."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.demo.registry import demo_accounts
from manabi.demo.services import demo_build


class Command(BaseCommand):
    help = "架空の県(みらい県)のデモデータを作成し、http://127.0.0.1:8000 で公開します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=["serve", "accounts"],
            default="serve",
            help="serve (既定): 作成して公開 / accounts: デモアカウントの一覧",
        )
        parser.add_argument("--port", type=int, default=8000, help="公開するポート (既定 8000)")
        parser.add_argument("--reset", action="store_true", help="データを全て消して作り直す")
        parser.add_argument("--no-serve", action="store_true", help="作成だけして公開しない")
        parser.add_argument("--json", action="store_true", help="accounts を JSON で出力する")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "accounts":
            self._print_accounts(as_json=options["json"])
            return
        if settings.PRODUCTION:
            raise CommandError("本番環境 (MANABI_DEPLOYMENT=production) ではデモを作成できません。")
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port は 1〜65535 の数で指定してください。")
        if options["reset"]:
            self.stdout.write("データベースを初期化しています…")
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("データベースを準備しています…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("デモデータを作成しています…")
        demo_build(progress=lambda label: self.stdout.write(f"  - {label}"))
        self._print_accounts(as_json=False)
        if options["no_serve"]:
            return
        self._serve(options["port"])

    def _print_accounts(self, *, as_json: bool) -> None:
        accounts = demo_accounts()
        if as_json:
            self.stdout.write(
                json.dumps([a.as_dict() for a in accounts], ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write("")
        self.stdout.write("ログインできるデモアカウント:")
        for a in accounts:
            self.stdout.write(
                f"  {a.login_id:<18} パスワード {a.password:<18} {a.role:<14} "
                f"{a.organisation} {a.name}"
            )
        self.stdout.write("")

    def _serve(self, port: int) -> None:
        worker = subprocess.Popen(  # background tasks (exports, letters …)
            [sys.executable, "-m", "manabi.cli", "db_worker"],
            stdout=subprocess.DEVNULL,
        )
        self.stdout.write(
            self.style.SUCCESS(f"http://127.0.0.1:{port}/ で公開しています。Ctrl+C で終了します。")
        )
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
