"""Import files for the tests: CSV / .xlsx bytes and running a job end to end."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from manabi.accounts.selectors import Acting
from manabi.core.csvio import CsvEncoding, csv_rows
from manabi.core.xlsx import XlsxSheet, write_xlsx
from manabi.imports import services
from manabi.imports.models import ImportJob, ImportKind
from manabi.imports.rows import ORGANISATION_COLUMNS, STAFF_COLUMNS

STAFF_HEADER = [c.name for c in STAFF_COLUMNS]
ORGANISATION_HEADER = [c.name for c in ORGANISATION_COLUMNS]

CaptureOnCommit = Callable[..., AbstractContextManager[Any]]


def staff_row(
    number: str,
    movement: str = "新規採用",
    *,
    org: str = "S00001",
    effective: str = "2026-04-01",
    name: str = "山田 太郎",
    kana: str = "やまだ たろう",
    alias: str = "",
    birth: str = "1990-05-01",
    title: str = "教諭",
    employment: str = "正規",
    funded: str = "○",
) -> list[str]:
    """A row in the column order of STAFF_HEADER."""
    return [number, name, kana, alias, birth, title, employment, funded, org, movement, effective]


def organisation_row(
    code: str,
    *,
    kind: str = "学校・園",
    name: str = "新しい小学校",
    kana: str = "",
    parent: str = "M00001",
    lg_code: str = "",
    school_code: str = "",
    school_type: str = "小学校",
    course: str = "",
    founder: str = "市町村立",
    phone: str = "",
) -> list[str]:
    return [
        code,
        kind,
        name,
        kana,
        parent,
        lg_code,
        school_code,
        school_type,
        course,
        founder,
        phone,
    ]


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[str]], encoding: CsvEncoding = "utf-8-sig"
) -> bytes:
    return b"".join(csv_rows(rows, header=header, encoding=encoding))


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [XlsxSheet("Sheet1", header, rows)])
    return buffer.getvalue()


def generated_staff_rows(
    count: int, *, start: int = 20000000, org: str = "S00001"
) -> Iterator[list[str]]:
    for i in range(count):
        yield staff_row(
            f"{start + i:08d}", name=f"試験 {i}", kana=f"しけん {'あいうえお'[i % 5]}", org=org
        )


def upload(
    capture: CaptureOnCommit,
    actor: Acting,
    data: bytes,
    *,
    kind: ImportKind = ImportKind.STAFF,
    file_name: str = "staff.csv",
) -> ImportJob:
    """Upload and run the dry run (the task runs when the upload's transaction commits)."""
    with capture(execute=True):
        job = services.import_job_create(actor=actor, kind=kind, file_name=file_name, content=data)
    job.refresh_from_db()
    return job


def commit(capture: CaptureOnCommit, actor: Acting, job: ImportJob) -> ImportJob:
    with capture(execute=True):
        services.import_job_commit_request(actor=actor, job=job)
    job.refresh_from_db()
    return job
