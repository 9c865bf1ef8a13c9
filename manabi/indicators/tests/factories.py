from __future__ import annotations

from manabi.indicators.models import Area, Framework, Item, Stage
from manabi.orgs.models import Organisation

STAGES = ("着任時", "第1ステージ", "第2ステージ")
AREAS = ("授業力", "生徒指導力", "チーム学校")


def framework_with_items(board: Organisation, *, fiscal_year: int = 2020) -> Framework:
    """A small framework: 3 areas × 3 stages, one item per cell, codes A-1 … C-3 (area
    letter, stage number)."""
    framework = Framework.objects.create(
        board=board, name="教員等育成指標", fiscal_year=fiscal_year
    )
    stages = [
        Stage.objects.create(framework=framework, name=name, order=i)
        for i, name in enumerate(STAGES, 1)
    ]
    areas = [
        Area.objects.create(framework=framework, name=name, order=i)
        for i, name in enumerate(AREAS, 1)
    ]
    for area_index, area in enumerate(areas):
        for stage_index, stage in enumerate(stages, 1):
            Item.objects.create(
                framework=framework,
                stage=stage,
                area=area,
                code=f"{'ABC'[area_index]}-{stage_index}",
                description=f"{area.name}・{stage.name}の項目",
            )
    return framework
