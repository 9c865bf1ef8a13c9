"""育成指標 frameworks: defined by a board on pages or from a CSV, versioned by fiscal year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.imports.tests.files import csv_bytes
from manabi.indicators import services
from manabi.indicators.models import Framework, Item
from manabi.indicators.rows import COLUMNS
from manabi.indicators.selectors import framework_for_organisation
from manabi.indicators.tests.factories import framework_with_items
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HEADER = [c.name for c in COLUMNS]


def test_import_is_all_or_nothing_and_upserts_by_code(cast: Cast) -> None:
    board = acting_for(cast.account("board_officer"))
    framework = services.framework_create(
        actor=board, board=cast.orgs["board_m"], name="みなみ市 教員育成指標", fiscal_year=2025
    )
    bad = csv_bytes(
        HEADER,
        [
            ["着任時", "授業力", "A-1", "授業を構想できる"],
            ["着任時", "授業力", "A-1", "同じ番号"],
            ["", "授業力", "A-2", "ステージなし"],
            ["着任時", "授業力", "あ", "番号が全角"],
        ],
    )
    written, errors = services.framework_import(
        actor=board, framework=framework, file_name="x.csv", data=bad
    )
    assert written == 0
    assert [e.row for e in errors] == [3, 4, 5]
    assert "2行目にもあります" in errors[0].message
    assert not Item.objects.exists()

    good = csv_bytes(
        HEADER,
        [
            ["着任時", "授業力", "A-1", "授業を構想できる"],
            ["第1ステージ", "授業力", "A-2", "授業を改善できる"],
            ["着任時", "生徒指導力", "B-1", "児童生徒を理解できる"],
        ],
    )
    written, errors = services.framework_import(
        actor=board, framework=framework, file_name="x.csv", data=good
    )
    assert (written, errors) == (3, [])
    assert list(framework.stages.values_list("name", flat=True)) == ["着任時", "第1ステージ"]
    assert list(framework.areas.values_list("name", flat=True)) == ["授業力", "生徒指導力"]
    services.item_save(
        actor=board,
        framework=framework,
        stage="着任時",
        area="授業力",
        code="A-1",
        description="改訂",
    )
    assert Item.objects.get(code="A-1").description == "改訂"
    assert Item.objects.count() == 3
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "indicators.framework.create",
        "indicators.framework.import",
        "indicators.item.save",
    ]


def test_a_new_fiscal_year_version_copies_and_applies_from_that_year(cast: Cast) -> None:
    old = framework_with_items(cast.orgs["pref"], fiscal_year=2020)
    board = acting_for(cast.account("system_admin"))
    new = services.framework_create(
        actor=board, board=cast.orgs["pref"], name="改訂版", fiscal_year=2025, copy_from=old
    )
    assert new.items.count() == old.items.count() == 9
    school = cast.orgs["school_a"]
    assert framework_for_organisation(school, 2024) == old
    assert framework_for_organisation(school, 2025) == new
    assert framework_for_organisation(school, 2019) is None
    # A municipal board's own framework is nearer than the prefecture's.
    own = framework_with_items(cast.orgs["board_m"], fiscal_year=2023)
    assert framework_for_organisation(school, 2025) == own
    assert framework_for_organisation(cast.orgs["school_b"], 2025) == new
    with pytest.raises(services.FrameworkError, match="既にあります"):
        services.framework_create(actor=board, board=cast.orgs["pref"], name="x", fiscal_year=2025)


def test_who_defines_frameworks(cast: Cast) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    detail = reverse("indicators:framework_detail", args=[framework.pk])
    item_add = reverse("indicators:item_add", args=[framework.pk])
    for persona in ("teacher_a", "principal_a", "organizer", "board_officer", "system_admin"):
        assert cast.client(persona).get(detail).status_code == 200, persona
    # みなみ市's board cannot change the prefecture's framework; the system administrator can.
    assert cast.client("board_officer").get(item_add).status_code == 403
    assert cast.client("principal_a").get(item_add).status_code == 403
    assert cast.client("system_admin").get(item_add).status_code == 200
    assert cast.client("guest").get(detail).status_code == 404
    response = cast.client("board_officer").post(
        reverse("indicators:framework_create"),
        {"board": cast.orgs["board_m"].pk, "name": "みなみ市の指標", "fiscal_year": 2025},
    )
    created = Framework.objects.get(board=cast.orgs["board_m"])
    assert response["Location"] == reverse("indicators:framework_detail", args=[created.pk])
    response = cast.client("board_officer").post(
        reverse("indicators:framework_create"),
        {"board": cast.orgs["board_k"].pk, "name": "よその指標", "fiscal_year": 2025},
    )
    assert response.status_code == 200  # not a choice: the form refuses
    assert not Framework.objects.filter(board=cast.orgs["board_k"]).exists()
