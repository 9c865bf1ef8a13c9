"""Exports stream in constant memory: peak Python memory of the CSV and .xlsx writers.

For N history-like rows, measures the peak traced memory (tracemalloc) of
- the streaming CSV writer (core.csvio.csv_rows) consuming a generator,
- the streaming .xlsx writer (core.xlsx, xlsxwriter constant_memory) into a temporary file,
and, as the baseline in the same run, building the whole CSV in memory first (what a naive
export does). Prints the figures and the ratios; the streaming peaks should stay flat as N
grows while the baseline grows with N.

    .venv/bin/python bench/bench_exports.py [N ...]
"""

from __future__ import annotations

import csv
import functools
import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
import django

django.setup()

from manabi.core.csvio import csv_rows  # noqa: E402
from manabi.core.xlsx import XlsxSheet, write_xlsx  # noqa: E402

HEADER = ["職員番号", "氏名", "研修名", "研修事業番号", "開始日", "時間", "区分", "備考"]


def rows(n: int) -> Iterator[list[object]]:
    start = date(2025, 4, 1)
    for i in range(n):
        yield [
            f"{20240000 + i:08d}",
            f"髙橋 太郎{i % 1000}",
            "教職2年次研修(授業づくり)",
            f"2025309{i:05d}",
            start + timedelta(days=i % 365),
            3.5,
            "必須記録研修 i",
            '=HYPERLINK("x")' if i % 97 == 0 else "",
        ]


def measure(work: Callable[[], int]) -> tuple[float, float, int]:
    tracemalloc.start()
    began = time.perf_counter()
    size = work()
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, seconds, size


def streaming_csv(n: int) -> int:
    total = 0
    with tempfile.TemporaryFile() as out:
        for chunk in csv_rows(rows(n), header=HEADER):
            out.write(chunk)
            total += len(chunk)
    return total


def naive_csv(n: int) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(list(rows(n)))
    return len(buffer.getvalue().encode("utf-8-sig"))


def streaming_xlsx(n: int) -> int:
    with tempfile.TemporaryFile() as out:
        write_xlsx(out, [XlsxSheet("履歴", HEADER, rows(n))])
        return out.tell()


def main(sizes: list[int]) -> None:
    print(f"{'rows':>9} {'writer':<16} {'peak MiB':>9} {'seconds':>8} {'bytes':>12}")
    for n in sizes:
        writers: dict[str, Callable[[int], int]] = {
            "csv streaming": streaming_csv,
            "csv in memory": naive_csv,
            "xlsx streaming": streaming_xlsx,
        }
        results = {name: measure(functools.partial(write, n)) for name, write in writers.items()}
        for name, (peak, seconds, size) in results.items():
            print(f"{n:>9} {name:<16} {peak:>9.2f} {seconds:>8.2f} {size:>12}")
        baseline = results["csv in memory"][0]
        print(
            f"{n:>9} ratio peak: csv streaming / in memory = "
            f"{results['csv streaming'][0] / baseline:.3f}, "
            f"xlsx streaming / csv in memory = {results['xlsx streaming'][0] / baseline:.3f}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 50_000])
