"""``manabi demo``: build the fictional prefecture and serve it; ``manabi demo accounts``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.classes.models import SchoolClass
from manabi.demo.registry import SIZES, STANDARD, DemoOptions, demo_accounts
from manabi.demo.services import demo_build
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff
from manabi.students.models import Student


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns of a terminal (a kanji takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)


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
        parser.add_argument(
            "--size",
            choices=SIZES,
            default=STANDARD,
            help="standard (既定): 学校約30・教職員約1,500人 / large: 教職員約5万人 (性能測定用)",
        )

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
        started = time.monotonic()
        demo_build(
            options=DemoOptions(size=options["size"]),
            progress=lambda label: self.stdout.write(f"  - {label}"),
        )
        self.stdout.write(
            f"作成しました ({time.monotonic() - started:.1f} 秒): "
            f"組織 {Organisation.objects.count():,}"
            f" (うち学校 {Organisation.objects.filter(kind=OrganisationKind.SCHOOL).count():,}), "
            f"教職員 {Staff.objects.count():,}人, アカウント {Account.objects.count():,}, "
            f"学級 {SchoolClass.objects.count():,}, "
            f"児童生徒 {Student.objects.count():,}人"
        )
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
                f"  {a.login_id:<16} {a.password:<18} {_pad(Role(a.role).label, 15)} "
                f"{a.organisation} {a.name}"
                + (f" ({a.note})" if a.note else "")
                + (" [二段階認証]" if a.totp_secret else "")
            )
        secrets = {a.totp_secret for a in accounts if a.totp_secret}
        for secret in sorted(secrets):
            with_totp = ", ".join(a.login_id for a in accounts if a.totp_secret == secret)
            self.stdout.write("")
            self.stdout.write(
                f"二段階認証: {with_totp} は、ログイン後に認証アプリの6桁のコードを入力します。"
            )
            self.stdout.write(f"  認証アプリに次のキーを登録してください: {secret}")
        from manabi.attendance.demo import guardian_path

        self.stdout.write("")
        self.stdout.write(
            "保護者の欠席連絡: 3年1組 (宮本 雅人 先生の学級) の出席番号1番の保護者用リンクです"
            "(アカウントは不要。スマートフォンで開いてください)。"
        )
        self.stdout.write(f"  http://127.0.0.1:8000{guardian_path()}")
        if any(a.onboarding for a in accounts):
            self.stdout.write("")
            self.stdout.write(
                "初回ログイン: 「初回ログイン前」のアカウントは初期パスワードでログインすると、"
                "本人確認・メールアドレス登録・パスワード変更の手続きに進みます"
                "(メール送信を設定していなければ、確認コードのメールはこの端末に表示されます)。"
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
