"""Demo 育成指標 of みらい県: the prefectural board's framework (みらい県教員等育成指標), first
set for 令和4年度 and revised for 令和8年度 (a new version, copied and changed), with five
career stages × six competency areas."""

from __future__ import annotations

from django.db import transaction

from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.indicators.models import Area, Framework, Item, Stage
from manabi.orgs.models import Organisation, OrganisationKind

ORDER = 45
NAME = "みらい県教員等育成指標"
FIRST_YEAR = 2022
REVISED_YEAR = 2026

STAGES = (
    "着任時",
    "第1ステージ(基礎形成期)",
    "第2ステージ(資質向上期)",
    "第3ステージ(充実・発展期)",
    "管理職",
)
# Area letter, name, and what the item asks at each stage.
AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "A",
        "授業力",
        (
            "学習指導要領の趣旨を理解し、ねらいに沿った授業を構想できる。",
            "児童生徒の実態に応じて指導方法を工夫し、評価を生かして授業を改善できる。",
            "主体的・対話的で深い学びの授業をつくり、同僚の授業改善を支援できる。",
            "学校全体の授業研究を推進し、教科等横断的な視点で教育課程の改善に関われる。",
            "カリキュラム・マネジメントを推進し、授業改善の方針を示すことができる。",
        ),
    ),
    (
        "B",
        "生徒指導力",
        (
            "児童生徒の話に耳を傾け、一人一人を理解しようとすることができる。",
            "学級の集団づくりを進め、いじめ・不登校の兆しに早く気づいて対応できる。",
            "関係機関と連携して、課題のある児童生徒を組織的に支援できる。",
            "校内の生徒指導体制の中心となり、若手の指導を支えることができる。",
            "生徒指導の方針を示し、危機対応を統括できる。",
        ),
    ),
    (
        "C",
        "学級・学校経営力",
        (
            "学校の教育目標を理解し、学級経営の計画を立てられる。",
            "保護者と信頼関係を築き、学級経営を振り返って改善できる。",
            "分掌の責任者として学校運営に参画できる。",
            "ミドルリーダーとして組織をつなぎ、学校改善を進められる。",
            "学校のビジョンを示し、教職員の力を生かした学校経営ができる。",
        ),
    ),
    (
        "D",
        "特別な配慮を要する子供への対応",
        (
            "特別な配慮を要する児童生徒の特性を理解しようとすることができる。",
            "個別の指導計画に基づき、合理的配慮を踏まえた指導ができる。",
            "特別支援教育コーディネーター等と連携し、校内支援を進められる。",
            "校内の支援体制づくりを推進し、助言できる。",
            "インクルーシブ教育システムの構築を学校として進められる。",
        ),
    ),
    (
        "E",
        "ICT・情報活用",
        (
            "1人1台端末を授業で活用する基本的な操作と情報モラルを身につけている。",
            "ICT を効果的に活用し、個別最適な学びと協働的な学びを工夫できる。",
            "データを活用して指導の改善に生かし、同僚に広められる。",
            "学校の情報化を推進し、情報セキュリティを含めて校内を支援できる。",
            "教育 DX の方針を示し、校務の情報化を進められる。",
        ),
    ),
    (
        "F",
        "チーム学校・連携協働",
        (
            "同僚と協力し、報告・連絡・相談を確実に行える。",
            "地域・保護者と協働した教育活動に取り組める。",
            "外部人材や関係機関と連携・協働し、チームとして課題に対応できる。",
            "地域学校協働活動を企画・調整できる。",
            "コミュニティ・スクールを活用し、地域と共にある学校づくりを進められる。",
        ),
    ),
)
# The 令和8年度 revision rewrites these items (the codes stay, so history keeps counting).
REVISED = {
    "E-2": "生成 AI を含む ICT を効果的に活用し、個別最適な学びと協働的な学びを一体的に充実できる。",
    "E-5": "教育 DX の方針を示し、校務の情報化と働き方改革を一体的に進められる。",
}


def accounts() -> list[DemoAccount]:
    return []


def _framework(board: Organisation, fiscal_year: int) -> None:
    if Framework.objects.filter(board=board, fiscal_year=fiscal_year).exists():
        return
    framework = Framework.objects.create(board=board, name=NAME, fiscal_year=fiscal_year)
    stages = Stage.objects.bulk_create(
        Stage(framework=framework, name=name, order=i) for i, name in enumerate(STAGES, 1)
    )
    areas = Area.objects.bulk_create(
        Area(framework=framework, name=name, order=i) for i, (_, name, _) in enumerate(AREAS, 1)
    )
    items = []
    for area, (letter, _, texts) in zip(areas, AREAS, strict=True):
        for number, (stage, text) in enumerate(zip(stages, texts, strict=True), 1):
            code = f"{letter}-{number}"
            if fiscal_year >= REVISED_YEAR:
                text = REVISED.get(code, text)
            items.append(
                Item(framework=framework, stage=stage, area=area, code=code, description=text)
            )
    Item.objects.bulk_create(items)


def build(options: DemoOptions) -> None:
    board = Organisation.objects.filter(kind=OrganisationKind.PREFECTURE_BOARD).first()
    if board is None:
        return
    with transaction.atomic():
        _framework(board, FIRST_YEAR)
        _framework(board, REVISED_YEAR)
