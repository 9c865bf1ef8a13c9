"""``manabi eligibility compute FILE [--rules niigata]``: who is a target of each basic training.

Reads the input JSON of docs/eligibility.md from FILE (``-`` for standard input) and prints
the output JSON. An input with any error prints ``{"errors": [...]}`` to standard error and
exits with status 1, computing nothing. No database is used.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabi.eligibility.engine import RuleSet
from manabi.eligibility.interface import (
    ErrorCode,
    InvalidInput,
    compute_json,
    document_error,
    parse_json_text,
    rules_error,
)
from manabi.eligibility.presets import (
    DEFAULT_PRESET,
    PresetError,
    load_preset,
    load_preset_file,
    preset_names,
)


class Command(BaseCommand):
    help = "基本研修 (教職2年次・6年次・中堅教諭等資質向上研修) の受講該当者を判定します。"
    # Pure computation: no system checks, no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{compute}")
        compute = actions.add_parser(
            "compute",
            help="職員の在職記録 (JSON) から受講該当者を判定し、結果を JSON で出力します。",
            description="入力・出力の形式は docs/eligibility.md を参照してください。",
        )
        compute.add_argument("file", help="入力 JSON のファイル (「-」で標準入力)")
        compute.add_argument(
            "--rules",
            default=DEFAULT_PRESET,
            help=(
                f"評価ルールの名前 ({'、'.join(preset_names())}) または JSON ファイルのパス"
                f" (既定 {DEFAULT_PRESET})"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rules = self._rules(options["rules"])
            data = parse_json_text(self._read(options["file"], options.get("stdin")))
            output = compute_json(data, rules=rules)
        except InvalidInput as exc:
            self._fail(exc)
        if getattr(self, "_called_from_command_line", False) and isinstance(
            sys.stdout, io.TextIOWrapper
        ):
            sys.stdout.reconfigure(encoding="utf-8")
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _rules(self, name: str) -> RuleSet:
        try:
            if name.endswith(".json") or "/" in name:
                return load_preset_file(Path(name))
            return load_preset(name)
        except PresetError as exc:
            raise rules_error(exc) from None

    def _read(self, file: str, stdin: Any) -> bytes:
        if file == "-":
            stream = stdin if stdin is not None else sys.stdin
            buffer = getattr(stream, "buffer", None)
            raw = buffer.read() if buffer is not None else stream.read()
            return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        try:
            return Path(file).read_bytes()
        except OSError as exc:
            message = f"ファイル {file} を読めません ({exc.strerror})。"
            raise InvalidInput([document_error("file", ErrorCode.UNREADABLE, message)]) from None

    def _fail(self, exc: InvalidInput) -> NoReturn:
        self.stderr.write(
            json.dumps(exc.as_json(), ensure_ascii=False, indent=2), style_func=lambda text: text
        )
        if getattr(self, "_called_from_command_line", False):
            # Standard error holds only the JSON above; the status says it failed.
            raise SystemExit(1)
        raise CommandError(str(exc), returncode=1)
