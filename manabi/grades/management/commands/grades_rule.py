"""``manabi grades_rule``: the 評定算出ルール as JSON files, for boards and schools that keep their
rules beside their other documents.

    manabi grades_rule list [--owner 組織コード]
    manabi grades_rule export <規則ID>                 # the rule's JSON on stdout
    manabi grades_rule import <file.json> --owner 組織コード [--key 識別子] [--year 年度]

``import`` saves a new version of the owner's rule (the key from the file unless given); every
problem of the file is reported at once and nothing is saved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.accounts.selectors import acting_for
from manabi.classes.selectors import current_fiscal_year
from manabi.grades import rules, services
from manabi.grades.models import GradingRule
from manabi.orgs.models import Organisation


class Command(BaseCommand):
    help = "評定算出ルールを一覧・JSON出力・JSON取込みします (取込みは新しい版になります)。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="ルールの一覧")
        listing.add_argument("--owner", help="組織コード (省略すると全て)")
        export = sub.add_parser("export", help="ルールを JSON で出力")
        export.add_argument("rule_id", type=int)
        load = sub.add_parser("import", help="JSON をルールの新しい版として取込み")
        load.add_argument("file")
        load.add_argument("--owner", required=True, help="ルールを持つ学校・教育委員会の組織コード")
        load.add_argument("--key", help="ルールの識別子 (省略するとファイルの key)")
        load.add_argument("--year", type=int, help="年度 (省略すると今年度)")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "list":
            self._list(options.get("owner"))
        elif verb == "export":
            row = GradingRule.objects.filter(pk=options["rule_id"]).first()
            if row is None:
                raise CommandError(f"規則ID {options['rule_id']} のルールはありません。")
            self.stdout.write(json.dumps(row.data, ensure_ascii=False, indent=2))
        else:
            self._import(options)

    def _owner(self, code: str) -> Organisation:
        owner = Organisation.objects.filter(code=code).first()
        if owner is None:
            raise CommandError(f"組織コード {code} の組織はありません。")
        return owner

    def _list(self, code: str | None) -> None:
        for key in sorted(rules.shipped_rules()):
            services.shipped_rule_row(key)
        rows = GradingRule.objects.select_related("owner").order_by("owner_id", "key", "version")
        if code:
            rows = rows.filter(owner=self._owner(code))
        for row in rows:
            owner = row.owner.name if row.owner else "manabi 標準"
            self.stdout.write(f"{row.pk}\t{owner}\t{row.key}\tv{row.version}\t{row.name}")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} を読めません: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} の {exc.lineno}行目 {exc.colno}文字目: JSON ではありません。"
            ) from exc
        if not isinstance(data, dict):
            raise CommandError(f"{path}: ルールは JSON のオブジェクト ({{…}}) で書いてください。")
        owner = self._owner(options["owner"])
        key = options.get("key") or str(data.get("key") or "")
        if not key:
            raise CommandError("ルールの識別子がありません (--key か、ファイルの key で指定)。")
        try:
            row = services.rule_save(
                actor=acting_for(None),
                owner=owner,
                key=key,
                fiscal_year=options.get("year") or current_fiscal_year(),
                data=data,
            )
        except ValidationError as exc:
            raise CommandError(
                "取り込めませんでした (何も保存していません):\n"
                + "\n".join(f"- {m}" for m in exc.messages)
            ) from exc
        self.stdout.write(
            f"{owner.name} のルール「{row.name}」を v{row.version} (規則ID {row.pk}) として保存しました。"
        )
