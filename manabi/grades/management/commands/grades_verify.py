"""``manabi grades_verify [--school 学校コード]``: check every locked 指導要録 — its stored
content against its hash, the hash against the lock's audit event, and the grades and 素点
behind it against the content. Exits 1 when a problem is found."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.grades.cumulative import verify_records
from manabi.grades.models import CumulativeRecord, RecordState
from manabi.orgs.models import Organisation


class Command(BaseCommand):
    help = "確定した指導要録を検証します (確定後の変更・ハッシュの書換え・成績の直接変更の検出)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="学校コード (省略すると全ての学校)")

    def handle(self, *args: Any, **options: Any) -> None:
        school_id = None
        if options["school"]:
            school = Organisation.objects.filter(school_code=options["school"]).first()
            if school is None:
                raise CommandError(f"学校コード {options['school']} の学校はありません。")
            school_id = school.pk
        locked = CumulativeRecord.objects.filter(state=RecordState.LOCKED)
        if school_id is not None:
            locked = locked.filter(school_id=school_id)
        checked = locked.count()
        problems = verify_records(school_id)
        for problem in problems:
            self.stderr.write(problem.message)
        if problems:
            raise CommandError(
                f"確定した指導要録 {checked} 件を検証し、{len(problems)} 件の問題が見つかりました。"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"確定した指導要録 {checked} 件を検証しました。変更は見つかりませんでした。"
                "（監査ログそのものの検証は manabi audit verify で行います）"
            )
        )
