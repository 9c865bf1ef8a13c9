"""Exports of training history (研修受講履歴の出力): CSV (UTF-8 with BOM, or CP932 with the
replacements reported) and .xlsx, in constant memory.

Rows are read with a server-side cursor in batches (``BATCH`` records, one more query per
batch for the linked 育成指標 items) and written one batch at a time by ``core.csvio`` /
``core.xlsx``, which neutralise formulas. Small UTF-8 and .xlsx exports stream straight to
the browser; large ones and every CP932 export are made into a file by a background task
(``HistoryExport``), whose page shows the replacements and the download link.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import operator
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.core.csvio import (
    CONTENT_TYPES,
    CsvEncoding,
    EncodingReport,
    content_disposition,
    csv_rows,
    neutralise_cell,
)
from manabi.core.xlsx import XLSX_CONTENT_TYPE, XlsxExport, streaming_xlsx_response
from manabi.people.choices import JobTitle
from manabi.people.models import Assignment, current_assignment_q
from manabi.records.choices import (
    CATEGORY_SHORT,
    ExportEncoding,
    ExportFormat,
    ExportStatus,
    RecordSource,
    RecordStatus,
    TrainingFormat,
)
from manabi.records.models import HistoryExport, HistoryRecord
from manabi.records.selectors import HistoryFilters, history_in_scope

logger = logging.getLogger(__name__)

BATCH = 5000
# Exports up to this many rows are made while the person waits; larger ones in the background.
INLINE_ROWS = 5000
PROGRESS_EVERY = 20_000

HEADER = (
    "職員番号",
    "氏名",
    "ふりがな",
    "所属コード",
    "所属",
    "職名",
    "年度",
    "区分",
    "研修名",
    "主催者",
    "研修事業番号",
    "開始日",
    "終了日",
    "時間",
    "形態",
    "修了",
    "状態",
    "記録の元",
    "育成指標",
    "確認した人",
    "備考",
)

_FIELDS = (
    "pk",
    "staff_id",
    "staff__staff_number",
    "staff__name",
    "staff__kana",
    "staff__job_title",
    "fiscal_year",
    "category",
    "title",
    "organiser_name",
    "programme_number",
    "start",
    "end",
    "hours",
    "format",
    "completed",
    "status",
    "source",
    "confirmed_by__display_name",
    "note",
)
# Columns of HEADER that hold text typed by people (the others are labels, dates, numbers);
# export_rows gives them as str, never None.
TEXT_COLUMNS = (0, 1, 2, 3, 4, 8, 9, 10, 19, 20)
# What makes csvio.neutralise_cell change a text: a formula's first character (its
# is_formula_like; test_exports checks the two agree) or a carriage return.
FORMULA_FIRST = "=+-@\t\r＝＋－＠"
_SEPARATOR = "\x1f"
_SUSPECT = re.compile(f"(?:^|{_SEPARATOR})[{re.escape(FORMULA_FIRST)}]|\r")
_JOB = dict(JobTitle.choices)
_FORMAT = dict(TrainingFormat.choices)
_STATUS = dict(RecordStatus.choices)
_SOURCE = dict(RecordSource.choices)


def export_queryset(
    acting: Acting, filters: HistoryFilters, *, on: date | None = None
) -> QuerySet[Any]:
    """The records of an export as tuples of ``_FIELDS`` and their 育成指標 codes, ordered by
    person and date. On PostgreSQL the codes come with the row (``string_agg``); elsewhere
    they are None here and looked up per batch (``_item_codes``)."""
    records = history_in_scope(acting, filters, on=on)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import StringAgg

        Link = HistoryRecord.indicator_items.through
        per_record: Any = (
            Link.objects.filter(historyrecord_id=OuterRef("pk"))
            .values("historyrecord_id")
            .annotate(codes=StringAgg("item__code", " ", order_by="item__code"))
        )
        codes: Any = Subquery(per_record.values("codes"))
    else:
        codes = Value(None, output_field=CharField())
    return (
        records.annotate(item_codes=codes)
        .order_by("staff__staff_number", "start", "pk")
        .values_list(*_FIELDS, "item_codes")
    )


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _main_organisations(
    staff_ids: Iterable[int], *, day: date, path: str | None
) -> dict[int, tuple[str, str]]:
    """(所属コード, 所属) of each person's main organisation today (within ``path``)."""
    assignments = Assignment.objects.filter(
        current_assignment_q(day), staff_id__in=list(staff_ids), concurrent=False
    )
    if path is not None:
        assignments = assignments.filter(organisation__path__startswith=path)
    found: dict[int, tuple[str, str]] = {}
    for staff_id, code, name in assignments.order_by("staff_id", "start").values_list(
        "staff_id", "organisation__code", "organisation__name"
    ):
        found[staff_id] = (code, name)  # the latest start wins
    return found


def _item_codes(record_ids: list[int]) -> dict[int, list[str]]:
    """The 育成指標 codes of a batch of records (where the query could not bring them)."""
    Link = HistoryRecord.indicator_items.through
    codes: dict[int, list[str]] = {}
    for record_id, code in (
        Link.objects.filter(historyrecord_id__in=record_ids)
        .order_by("historyrecord_id", "item__code")
        .values_list("historyrecord_id", "item__code")
    ):
        codes.setdefault(record_id, []).append(code)
    return codes


def export_batches(
    acting: Acting, filters: HistoryFilters, *, batch: int = BATCH, on: date | None = None
) -> Iterator[list[list[object]]]:
    """Export rows (HEADER's columns) a batch at a time: ``batch`` records read with a
    server-side cursor, plus one query per batch for the 育成指標 codes and one for the
    people's organisations. Constant memory, never a query per row.

    No transaction is held open while the rows go out (SQLite would lock out every writer,
    and the export's progress would not be seen); on PostgreSQL the cursor is a WITH HOLD
    cursor, a consistent snapshot of the query."""
    day = on or timezone.localdate()
    path = (
        acting.organisation.path
        if acting.role not in (Role.SYSTEM_ADMIN, Role.STAFF) and acting.organisation is not None
        else None
    )
    tune = connection.vendor == "postgresql"
    if tune:
        # An export reads every row: plan the cursor for the whole result, not for its first
        # rows (the default 0.1 picks nested loops that are slow to finish).
        with connection.cursor() as cursor:
            cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        records = export_queryset(acting, filters, on=day).iterator(chunk_size=batch)
        for chunk in _batches(records, batch):
            yield _rows(chunk, day=day, path=path)
    finally:
        if tune:
            with connection.cursor() as cursor:
                cursor.execute("RESET cursor_tuple_fraction")


def export_rows(
    acting: Acting, filters: HistoryFilters, *, batch: int = BATCH, on: date | None = None
) -> Iterator[list[object]]:
    """The same, row by row."""
    return itertools.chain.from_iterable(export_batches(acting, filters, batch=batch, on=on))


def _rows(chunk: list[tuple[Any, ...]], *, day: date, path: str | None) -> list[list[object]]:
    looked_up = {} if connection.vendor == "postgresql" else _item_codes([row[0] for row in chunk])
    organisation = _main_organisations({row[1] for row in chunk}, day=day, path=path).get
    # Local names: this runs for every row of the largest exports.
    job_label, category_label, format_label = _JOB.get, CATEGORY_SHORT.get, _FORMAT.get
    status_label, source_label, none = _STATUS.get, _SOURCE.get, ("", "")
    return [
        [
            number,
            name,
            kana,
            *organisation(staff_id, none),
            job_label(job, job),
            fiscal_year,
            category_label(category, category),
            title,
            organiser,
            programme,
            start,
            end,
            hours,
            format_label(fmt, fmt),
            "○" if completed else "×",
            status_label(status, status),
            source_label(source, source),
            codes if codes is not None else " ".join(looked_up.get(pk, ())),
            confirmed_by or "",
            note,
        ]
        for (
            pk,
            staff_id,
            number,
            name,
            kana,
            job,
            fiscal_year,
            category,
            title,
            organiser,
            programme,
            start,
            end,
            hours,
            fmt,
            completed,
            status,
            source,
            confirmed_by,
            note,
            codes,
        ) in chunk
    ]


class Progress:
    """Passes batches through, counting the rows and reporting every ``every`` rows."""

    def __init__(
        self,
        batches: Iterable[list[list[object]]],
        report: Callable[[int], None] | None = None,
        *,
        every: int = PROGRESS_EVERY,
    ) -> None:
        self.batches = batches
        self.report = report
        self.every = every
        self.count = 0

    def __iter__(self) -> Iterator[list[list[object]]]:
        reported = 0
        for batch in self.batches:
            yield batch
            self.count += len(batch)
            if self.report is not None and self.count - reported >= self.every:
                reported = self.count
                self.report(self.count)


def csv_chunks(
    batches: Iterable[list[list[object]]],
    *,
    encoding: CsvEncoding = "utf-8-sig",
    report: EncodingReport | None = None,
) -> Iterator[bytes]:
    """The export as CSV bytes, one chunk per batch of rows.

    UTF-8 (the default and the large case) writes the same bytes as ``core.csvio.csv_rows``
    (BOM, CRLF, formulas neutralised by ``neutralise_cell``), a batch at a time, looking
    closely only at the rows whose typed-in text could need it; ``test_exports`` compares
    the two. CP932 goes through ``csv_rows`` itself, which reports every replaced character.
    """
    if encoding == "cp932":
        rows = itertools.chain.from_iterable(batches)
        yield from csv_rows(rows, header=HEADER, encoding="cp932", report=report)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    texts = operator.itemgetter(*TEXT_COLUMNS)
    for batch in batches:
        for row in batch:
            # One regular-expression search per row finds the rare cell that needs work.
            if _SUSPECT.search(_SEPARATOR.join(texts(row))):
                for index in TEXT_COLUMNS:
                    if _SUSPECT.search(str(row[index])):
                        row[index] = neutralise_cell(row[index])
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8", "replace")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8", "replace")


def write_csv(
    target: IO[bytes],
    batches: Iterable[list[list[object]]],
    *,
    encoding: CsvEncoding,
    report: EncodingReport | None = None,
) -> None:
    """Write a whole CSV into ``target``, about 64 KiB at a time."""
    buffer: list[bytes] = []
    size = 0
    for chunk in csv_chunks(batches, encoding=encoding, report=report):
        buffer.append(chunk)
        size += len(chunk)
        if size >= 65536:
            target.write(b"".join(buffer))
            buffer, size = [], 0
    target.write(b"".join(buffer))


# --- straight to the browser ----------------------------------------------------------------


def history_csv_response(
    acting: Acting, filters: HistoryFilters, *, filename: str
) -> StreamingHttpResponse:
    """A UTF-8 (BOM) CSV streamed to the browser as it is read."""
    response = StreamingHttpResponse(
        csv_chunks(export_batches(acting, filters)), content_type=CONTENT_TYPES["utf-8-sig"]
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def history_xlsx_response(
    acting: Acting, filters: HistoryFilters, *, filename: str
) -> FileResponse:
    return streaming_xlsx_response(
        export_rows(acting, filters),
        filename=filename,
        header=HEADER,
        sheet_name="研修受講履歴",
    )


@dataclass(frozen=True)
class SpooledCsv:
    """A CSV written to a temporary file first (for CP932, whose replacements are only
    known once every row is written); constant memory."""

    file: IO[bytes]
    report: EncodingReport


def history_csv_spooled(
    acting: Acting, filters: HistoryFilters, *, encoding: CsvEncoding
) -> SpooledCsv:
    report = EncodingReport(limit=100)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    try:
        write_csv(file, export_batches(acting, filters), encoding=encoding, report=report)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return SpooledCsv(file, report)


def audit_export(
    *, actor: Acting, filters: HistoryFilters, fmt: str, encoding: str, rows: int, via: str
) -> None:
    """Every export is audited with its filters: whose records left the system, how."""
    audit_record(
        actor=actor,
        action="records.history.export",
        details={
            "filters": filters.as_dict(),
            "format": fmt,
            "encoding": encoding,
            "rows": rows,
            "via": via,
        },
    )


# --- export jobs ----------------------------------------------------------------------------


def history_export_create(
    *,
    actor: Acting,
    filters: HistoryFilters,
    fmt: str,
    encoding: str,
    file_name: str,
) -> HistoryExport:
    """Ask for an export file; it is made at once when small, else in the background."""
    from manabi.records.tasks import history_export_task

    if actor.account is None:
        raise PermissionError("signed-in accounts only")
    rows = history_in_scope(actor, filters).count()
    with transaction.atomic():
        export = HistoryExport.objects.create(
            requested_by=actor.account,
            acting_role=actor.role.value if actor.role else "",
            acting_organisation=actor.organisation,
            filters=filters.as_dict(),
            format=fmt,
            encoding=encoding if fmt == ExportFormat.CSV else ExportEncoding.UTF8,
            rows_total=rows,
            file_name=file_name,
        )
        audit_export(
            actor=actor, filters=filters, fmt=fmt, encoding=encoding, rows=rows, via="file"
        )
        if rows > INLINE_ROWS:
            export_id = export.pk
            transaction.on_commit(lambda: history_export_task.enqueue(export_id=export_id))
    if rows <= INLINE_ROWS:
        history_export_run(export_id=export.pk)
        export.refresh_from_db()
    return export


def export_acting(export: HistoryExport) -> Acting:
    """The role the export was asked in: its jurisdiction bounds the rows."""
    return Acting(
        account=export.requested_by,
        role=Role(export.acting_role) if export.acting_role else None,
        organisation=export.acting_organisation,
    )


def history_export_run(*, export_id: int) -> HistoryExport:
    """Write the export's file (background task, or at once for small exports)."""
    claimed = HistoryExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    export = HistoryExport.objects.select_related("requested_by", "acting_organisation").get(
        pk=export_id
    )
    if not claimed:
        return export

    def progress(done: int) -> None:
        HistoryExport.objects.filter(pk=export_id).update(rows_done=done)

    acting = export_acting(export)
    filters = HistoryFilters.from_dict(export.filters)
    batches = Progress(export_batches(acting, filters), progress)
    report = EncodingReport(limit=1000)
    try:
        with tempfile.TemporaryFile() as file:
            if export.format == ExportFormat.XLSX:
                with XlsxExport(file) as book:
                    book.add_sheet(
                        "研修受講履歴", header=HEADER, rows=itertools.chain.from_iterable(batches)
                    )
            else:
                encoding: CsvEncoding = "cp932" if export.encoding == "cp932" else "utf-8-sig"
                write_csv(file, batches, encoding=encoding, report=report)
            file.seek(0)
            suffix = "xlsx" if export.format == ExportFormat.XLSX else "csv"
            export.file.save(f"export-{export.pk}.{suffix}", File(file), save=False)
    except Exception:
        logger.exception("history export %s failed", export_id)
        HistoryExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            message="出力中にエラーが発生しました。条件を変えてもう一度出力するか、システム管理者に連絡してください。",
            finished_at=timezone.now(),
        )
        raise
    written = batches.count
    export.status = ExportStatus.DONE
    export.rows_done = export.rows_total = written
    export.report = {"total": report.total, "messages": report.messages()}
    export.finished_at = timezone.now()
    export.save(
        update_fields=["file", "status", "rows_done", "rows_total", "report", "finished_at"]
    )
    history_exports_purge()  # the old files go as new ones are made
    return export


def history_exports_purge(*, now: datetime | None = None) -> int:
    """Remove the files of exports made more than ``EXPORT_KEEP_DAYS`` ago (they hold personal
    data and are meant to be downloaded at once); the export's row stays, marked expired, so
    the person sees what happened. Returns how many were removed."""
    before = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = HistoryExport.objects.filter(
        status__in=(ExportStatus.DONE, ExportStatus.FAILED), finished_at__lt=before
    )
    removed = 0
    for export in old.iterator():
        name = export.file.name if export.file else ""
        moved = HistoryExport.objects.filter(pk=export.pk, status=export.status).update(
            status=ExportStatus.EXPIRED, file=""
        )
        if moved:
            removed += 1
            if name:
                export.file.storage.delete(name)
    if removed:
        logger.info(
            "removed %s export files older than %s days", removed, settings.EXPORT_KEEP_DAYS
        )
    return removed


def export_download(export: HistoryExport) -> FileResponse:
    content_type = (
        XLSX_CONTENT_TYPE
        if export.format == ExportFormat.XLSX
        else (
            "text/csv; charset=windows-31j"
            if export.encoding == "cp932"
            else "text/csv; charset=utf-8"
        )
    )
    response = FileResponse(export.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(export.file_name)
    response["Cache-Control"] = "no-store, private"
    return response
