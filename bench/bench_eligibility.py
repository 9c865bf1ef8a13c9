"""Eligibility through the command line: computation time against parse time.

Generates N staff (default 60,000; about 3 service periods and 1 leave each) as the input
JSON of docs/eligibility.md in a temporary file, then measures

- **parse**: reading the file and checking it as ``manabi eligibility compute`` does
  (``json.loads`` of the bytes and ``interface.parse_request``), in this process;
- **command**: the whole ``manabi eligibility compute FILE`` in a subprocess (start-up,
  parse, compute, write the output JSON), best of a few runs;

and prints both and the ratio (command − parse) ÷ parse: what the computation and the
output add to merely parsing the same file. The goal is ≤ 3.

    .venv/bin/python bench/bench_eligibility.py [N] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
import django

django.setup()

from manabi.eligibility.interface import parse_request  # noqa: E402
from manabi.eligibility.presets import DEFAULT_PRESET, load_preset  # noqa: E402

FISCAL_YEAR = 2025
GOAL = 3.0
MANABI = Path(sys.executable).with_name("manabi")

SCHOOL_TYPES = ["elementary", "junior_high", "high", "special_needs", "kindergarten", "secondary"]
JOBS = ["teacher"] * 8 + ["nurse_teacher", "nursery_teacher", "nutrition_teacher", "other"]
LEAVES = ["childcare", "childcare", "sick_leave", "suspension", "maternity", "union_duty"]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def person(index: int, rng: random.Random) -> dict[str, Any]:
    """One fictional person: a teaching career in up to three periods, one leave."""
    birth = date(1960, 4, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    first = date(max(birth.year + 22, 1985), 4, 1)
    if first > date(2025, 4, 1):
        first = date(2024, 4, 1)
    service = []
    start = first
    for number in range(3):
        years = rng.randint(1, 8)
        end: date | None = date(start.year + years, 3, 31)
        if number == 2 or end is None or end >= date(2025, 3, 31):
            end = None
        kind = "lecturer" if number == 0 and rng.random() < 0.2 else "teacher"
        if number == 1 and rng.random() < 0.1:
            kind = "education_admin"
        service.append({"kind": kind, "start": start.isoformat(), "end": _iso(end)})
        if end is None:
            break
        start = end + timedelta(days=1 + (365 if rng.random() < 0.1 else 0))
    leave_start = first + timedelta(days=rng.randrange(0, max(1, (date(2025, 3, 1) - first).days)))
    leave_end = leave_start + timedelta(days=rng.randrange(30, 900))
    return {
        "staff_code": f"{index:08d}",
        "birth_date": birth.isoformat(),
        "job": rng.choice(JOBS),
        "school_type": rng.choice(SCHOOL_TYPES),
        "service": service,
        "leaves": [
            {"kind": rng.choice(LEAVES), "start": leave_start.isoformat(), "end": _iso(leave_end)}
        ],
        "completed": ["second_year"] if rng.random() < 0.5 else [],
    }


def generate(path: Path, count: int) -> tuple[int, int]:
    rng = random.Random(2026)
    staff = [person(index, rng) for index in range(count)]
    path.write_text(json.dumps({"fiscal_year": FISCAL_YEAR, "staff": staff}), encoding="utf-8")
    periods = sum(len(p["service"]) for p in staff)
    leaves = sum(len(p["leaves"]) for p in staff)
    return periods, leaves


def time_parse(path: Path, runs: int) -> float:
    trainings = load_preset(DEFAULT_PRESET).training_codes
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        parse_request(data, trainings=trainings)
        best = min(best, time.perf_counter() - began)
    return best


def time_command(path: Path, runs: int) -> tuple[float, int]:
    best = float("inf")
    size = 0
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            began = time.perf_counter()
            subprocess.run(
                [str(MANABI), "eligibility", "compute", str(path)], check=True, stdout=out
            )
            best = min(best, time.perf_counter() - began)
            size = out.tell()
    return best, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "staff.json"
        periods, leaves = generate(path, args.count)
        print(
            f"input: {args.count:,} staff, {periods:,} service periods, {leaves:,} leaves, "
            f"{path.stat().st_size / 2**20:.1f} MB"
        )
        parse = time_parse(path, args.runs)
        command, output = time_command(path, args.runs)
    added = command - parse
    ratio = added / parse
    print(f"parse only (json + checks):      {parse:7.2f} s")
    print(f"manabi eligibility compute FILE: {command:7.2f} s  (output {output / 2**20:.1f} MB)")
    print(f"added by computing and output:   {added:7.2f} s")
    verdict = "ok" if ratio <= GOAL else "too slow"
    print(f"ratio (command − parse) / parse: {ratio:7.2f}  (goal ≤ {GOAL:g}: {verdict})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
