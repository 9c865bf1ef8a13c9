"""研修事業番号: the number each programme carries into every history record.

The number is built from a pattern (Python format syntax) with these fields:

- ``fiscal_year``: the programme's fiscal year, 4 digits (2025);
- ``era_year``: the same year in the current era (令和7 → 7);
- ``local_code``: the 2-digit 市町村コード of the organiser, from the prefecture's 研修事業番号
  生成シート (``NumberingCode``: looked up on the organiser and then up the tree, so a
  municipal school gets its board's code and a prefectural school the prefecture's, seed
  000 §7);
- ``category_code``: the 1-digit 種別コード (``NumberCategory``; 9 「その他」 for schools);
- ``serial``: the next number for that fiscal year, local code and category code.

The default pattern ``{fiscal_year}{local_code}{category_code}{serial:03d}`` gives
``2025309001`` for the first 「その他」 programme of 2025 with local code 30. A deployment
sets its own with ``TRAINING_NUMBER_PATTERN`` in the settings; ``manabi check`` refuses a
pattern without ``{serial}`` or with unknown fields.
"""

from __future__ import annotations

import string

from django.conf import settings

DEFAULT_PATTERN = "{fiscal_year}{local_code}{category_code}{serial:03d}"
# Used when neither the organiser nor any organisation above it has a 市町村コード and no
# municipal board lies above it (the prefecture's own organisers).
DEFAULT_LOCAL_CODE = "30"
FIELDS = frozenset({"fiscal_year", "era_year", "local_code", "category_code", "serial"})
MAX_LENGTH = 30
REIWA_START = 2019


def number_pattern() -> str:
    return str(getattr(settings, "TRAINING_NUMBER_PATTERN", DEFAULT_PATTERN))


def default_local_code() -> str:
    return str(getattr(settings, "TRAINING_DEFAULT_LOCAL_CODE", DEFAULT_LOCAL_CODE))


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with ``pattern`` (empty when it can be used)."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        return [f"書式として読めません ({exc})。"]
    problems = []
    unknown = sorted(names - FIELDS)
    if unknown:
        problems.append(f"使えない項目があります: {', '.join(unknown)}")
    if "serial" not in names:
        problems.append("{serial}(連番)が必要です。")
    if not problems:
        try:
            sample = format_number(
                pattern, fiscal_year=2025, local_code="30", category_code="9", serial=1
            )
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            problems.append(f"番号を作れません ({exc})。")
        else:
            if len(sample) > MAX_LENGTH:
                problems.append(f"番号が {MAX_LENGTH} 文字を超えます。")
    return problems


def format_number(
    pattern: str, *, fiscal_year: int, local_code: str, category_code: str, serial: int
) -> str:
    return pattern.format(
        fiscal_year=fiscal_year,
        era_year=fiscal_year - REIWA_START + 1,
        local_code=local_code,
        category_code=category_code,
        serial=serial,
    )
