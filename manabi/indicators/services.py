"""Writes of 育成指標 frameworks. Every one is audited.

A framework is versioned by fiscal year: a revision is a new framework for the new year,
usually a copy of the previous version (``framework_create(copy_from=…)``) then changed.
Items keep their codes across versions, so the history linked to an old version still
counts for the new one (coverage matches by code).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.csvio import RowError
from manabi.imports.rows import read_table
from manabi.indicators.models import Area, Framework, Item, Stage
from manabi.indicators.rows import ItemRow, parse_item_rows
from manabi.orgs.models import Organisation


class FrameworkError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message."""


def framework_create(
    *,
    actor: Acting,
    board: Organisation,
    name: str,
    fiscal_year: int,
    copy_from: Framework | None = None,
) -> Framework:
    """A new framework (or a new fiscal-year version, copying ``copy_from``)."""
    label = wareki.format_fiscal_year(fiscal_year)
    try:
        with transaction.atomic():
            framework = Framework.objects.create(board=board, name=name, fiscal_year=fiscal_year)
            if copy_from is not None:
                _copy(copy_from, framework)
            audit_record(
                actor=actor,
                action="indicators.framework.create",
                target=framework,
                details={
                    "board": board.code,
                    "fiscal_year": fiscal_year,
                    "copied_from": copy_from.pk if copy_from else None,
                },
            )
    except IntegrityError:
        raise FrameworkError(
            f"{board.name} の{label}の育成指標は既にあります。一覧から開いて変更してください。"
        ) from None
    return framework


def _copy(source: Framework, target: Framework) -> None:
    stages = {
        s.pk: Stage.objects.create(framework=target, name=s.name, order=s.order)
        for s in source.stages.all()
    }
    areas = {
        a.pk: Area.objects.create(framework=target, name=a.name, order=a.order)
        for a in source.areas.all()
    }
    Item.objects.bulk_create(
        Item(
            framework=target,
            stage=stages[item.stage_id],
            area=areas[item.area_id],
            code=item.code,
            description=item.description,
        )
        for item in source.items.all()
    )


def _stage(framework: Framework, name: str) -> Stage:
    stage = framework.stages.filter(name=name).first()
    if stage is None:
        order = (
            framework.stages.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
        stage = Stage.objects.create(framework=framework, name=name, order=order)
    return stage


def _area(framework: Framework, name: str) -> Area:
    area = framework.areas.filter(name=name).first()
    if area is None:
        order = (
            framework.areas.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
        area = Area.objects.create(framework=framework, name=name, order=order)
    return area


def item_save(
    *, actor: Acting, framework: Framework, stage: str, area: str, code: str, description: str
) -> Item:
    """Add an item, or change the one with the same code (stages and areas are made as
    needed, numbered after the existing ones)."""
    with transaction.atomic():
        item = _upsert(
            framework, ItemRow(0, stage.strip(), area.strip(), code.strip(), description.strip())
        )
        audit_record(
            actor=actor,
            action="indicators.item.save",
            target=item,
            details={"framework": framework.pk, "code": item.code},
        )
    return item


def _upsert(framework: Framework, row: ItemRow) -> Item:
    stage = _stage(framework, row.stage)
    area = _area(framework, row.area)
    item = Item.objects.filter(framework=framework, code=row.code).first()
    if item is None:
        item = Item(framework=framework, code=row.code)
    item.stage = stage
    item.area = area
    item.description = row.description
    try:
        item.full_clean(exclude=["framework", "stage", "area"], validate_unique=False)
    except ValidationError as exc:
        raise FrameworkError(" ".join(exc.messages)) from None
    item.save()
    return item


def framework_import(
    *, actor: Acting, framework: Framework, file_name: str, data: bytes
) -> tuple[int, list[RowError]]:
    """Items from a CSV or .xlsx (``rows.COLUMNS``), all or nothing: with any error nothing
    is written and the errors are returned. Items with a code already in the framework are
    changed; items absent from the file are kept. Returns (rows written, errors)."""
    rows, errors = parse_item_rows(read_table(data))
    if errors:
        return 0, errors
    with transaction.atomic():
        for row in rows:
            _upsert(framework, row)
        audit_record(
            actor=actor,
            action="indicators.framework.import",
            target=framework,
            details={"file_name": file_name, "rows": len(rows)},
        )
    return len(rows), []
