"""``manabi attendance_threshold <教育委員会の所属コード> [--ratio 1/3] [--warning 80]
[--late-per-absence 3]``: show or set a board's 単位認定 rule for 欠課 (欠課簿). Without options
it shows the rule in force; ``--late-per-absence 0`` stops converting 遅刻. Audited as the
system."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.attendance import lesson_rules
from manabi.attendance.lesson_models import CreditThreshold
from manabi.attendance.lesson_services import credit_threshold_set
from manabi.orgs.models import Organisation

RATIO = re.compile(r"^([0-9]{1,3})/([0-9]{1,3})$")


class Command(BaseCommand):
    help = "教育委員会の単位認定の欠課時数基準 (割合・警告の目安・遅刻の換算) を表示・設定します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("board", help="教育委員会の所属コード")
        parser.add_argument("--ratio", help="授業時数に対する割合 (例: 1/3)")
        parser.add_argument("--warning", type=int, help="警告の目安 (基準に対する%%, 1〜100)")
        parser.add_argument(
            "--late-per-absence", type=int, help="遅刻何回で欠課1時間とするか (0: 換算しない)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        board = Organisation.objects.filter(code=options["board"]).first()
        if board is None:
            raise CommandError(f"所属コード {options['board']} の組織はありません。")
        row = CreditThreshold.objects.filter(board=board).first()
        current = row.policy if row is not None else lesson_rules.DEFAULT_POLICY
        ratio, warning, late = options["ratio"], options["warning"], options["late_per_absence"]
        if ratio is None and warning is None and late is None:
            self.stdout.write(f"{board.name}: {_describe(current)}{'' if row else ' (初期値)'}")
            return
        numerator, denominator = current.ratio.numerator, current.ratio.denominator
        if ratio is not None:
            found = RATIO.match(ratio)
            if found is None:
                raise CommandError("--ratio は 1/3 のように分数で指定してください。")
            numerator, denominator = int(found.group(1)), int(found.group(2))
        try:
            saved = credit_threshold_set(
                actor=None,
                board=board,
                numerator=numerator,
                denominator=denominator,
                warning_percent=warning if warning is not None else current.warning_percent,
                late_per_absence=(late or None) if late is not None else current.late_per_absence,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{board.name}: {_describe(saved.policy)} に設定しました。")


def _describe(policy: lesson_rules.Policy) -> str:
    late = (
        f"遅刻{policy.late_per_absence}回で欠課1時間"
        if policy.late_per_absence
        else "遅刻は換算しない"
    )
    return (
        f"授業時数の {policy.ratio.label} を超えると未認定、警告 {policy.warning_percent}%、{late}"
    )
