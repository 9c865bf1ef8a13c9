"""``manabi rollover status|prepare|apply --school CODE [--from-year YEAR]``: the 年次更新 of a
school from the command line (the same services as the 年次更新 page, recorded in the audit log
as the command line).

- ``status``: where the roll-over stands (classes of the draft with their pupil counts).
- ``prepare``: make (or make again) the draft of the next 年度.
- ``apply``: from 1 April, put the draft live in one transaction and print the report.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manabi.accounts.selectors import NOBODY
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.students.rollover import (
    RolloverState,
    rollover_apply,
    rollover_from_year,
    rollover_prepare,
    rollover_state,
)


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "学校の年次更新(翌年度の案の作成・状況・4月1日からの切り替え)を行います。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "prepare", "apply"])
        parser.add_argument("--school", required=True, help="学校の所属コード")
        parser.add_argument(
            "--from-year", type=int, default=None, help="更新元の年度 (既定は今の年度)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = Organisation.objects.filter(
            kind=OrganisationKind.SCHOOL, code=options["school"]
        ).first()
        if school is None:
            raise CommandError(f"学校が見つかりません: {options['school']}")
        today = timezone.localdate()
        year = options["from_year"] or rollover_from_year(school, today)
        if not 2000 <= year <= 2100:
            raise CommandError("--from-year は 2000〜2100 の年で指定してください。")
        action = options["action"]
        try:
            if action == "prepare":
                self._print(rollover_prepare(actor=NOBODY, school=school, from_year=year))
            elif action == "apply":
                report = rollover_apply(actor=NOBODY, school=school, from_year=year, today=today)
                self.stdout.write(
                    f"{school.name}: {report.to_year}年度に切り替えました。"
                    f"学級 {report.classes}、児童生徒 {report.pupils} 人、"
                    f"卒業 {report.graduates} 人。"
                )
            else:
                self._print(rollover_state(school, year))
        except ValidationError as error:
            raise CommandError(_message(error)) from error

    def _print(self, state: RolloverState) -> None:
        if state.live:
            self.stdout.write(f"{state.to_year}年度はすでに切り替わっています。")
            return
        if not state.prepared:
            self.stdout.write(
                f"{state.to_year}年度の案はまだありません(進級 {state.staying} 人、"
                f"卒業 {state.graduates} 人の予定)。"
            )
            return
        self.stdout.write(
            f"{state.to_year}年度の案: 学級 {len(state.classes)}、"
            f"学級未定 {state.unplaced} 人、卒業 {state.graduates} 人。"
            f"{state.apply_from:%Y年%-m月%-d日}から切り替えられます。"
        )
        for school_class, count in state.classes:
            self.stdout.write(f"  {school_class.label}\t{count} 人")
