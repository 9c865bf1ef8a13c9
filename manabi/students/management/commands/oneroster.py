"""``manabi oneroster export OUT.zip [--school CODE …] [--fiscal-year YEAR]``: the OneRoster
Japan Profile v1.2 bulk export of every school (or the named ones), for the 学習eポータル.

Written straight into the file, so memory stays flat for a whole prefecture. The export is
recorded in the audit log (as the command line)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.accounts.selectors import NOBODY
from manabi.classes.selectors import current_fiscal_year
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.students.oneroster import export_audited


class Command(BaseCommand):
    help = "OneRoster Japan Profile v1.2 (学習eポータル用) の名簿を zip に出力します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument("out", help="出力する zip ファイル")
        parser.add_argument(
            "--school", action="append", default=[], help="学校の所属コード (複数可。既定は全校)"
        )
        parser.add_argument("--fiscal-year", type=int, default=None, help="年度 (既定は今年度)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["fiscal_year"] or current_fiscal_year()
        if not 2000 <= year <= 2100:
            raise CommandError("--fiscal-year は 2000〜2100 の年で指定してください。")
        schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
        codes: list[str] = options["school"]
        if codes:
            found = set(schools.filter(code__in=codes).values_list("code", flat=True))
            missing = [c for c in codes if c not in found]
            if missing:
                raise CommandError(f"学校が見つかりません: {', '.join(missing)}")
            schools = schools.filter(code__in=codes)
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"出力先のフォルダがありません: {out.parent}")
        started = time.monotonic()
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as handle:
                counts = export_audited(
                    handle,
                    actor=NOBODY,
                    schools=schools,
                    fiscal_year=year,
                    via="cli",
                )
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        rows = ", ".join(f"{name} {n:,}" for name, n in counts.rows.items() if name != "manifest")
        self.stdout.write(
            f"{out} に出力しました ({year}年度, {time.monotonic() - started:.1f} 秒): {rows}"
        )
