"""Demo trainings of みらい県 (令和8年度): programmes of the education centre and its sections,
of みらい市・あおば町, one co-hosted by both, and a school's open research day (公開研究会),
with applications in every state, attendance, completions (and their history records) and
survey answers.

- The centre's organizer (480002O00001) decides the applications awaiting the decision,
  takes attendance and sees the survey results; みらい市教育委員会 gets an organizer account
  of its own (480002O00003) for its programmes.
- At みらい市立中央小学校 the principal (480002T91000794) has applications waiting for her
  approval; the demo teacher (480002T04000797) has one completed training (in his history),
  one accepted, one waiting for the principal, and can apply for the open ones.

Deterministic (``random.Random(2026)``, fixed dates around the demo's autumn), idempotent
(a programme that exists by title and organiser is left as it is) and written with model
writes and ``bulk_create``, without an audit event per row (``demo_build`` writes one).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.demo.registry import DEMO_PREFECTURE_CODE, DemoAccount, DemoOptions
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation
from manabi.people.choices import JobTitle
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.records.choices import RecordSource, RecordStatus
from manabi.records.models import HistoryRecord
from manabi.training import routes
from manabi.training.choices import (
    AttendanceStatus,
    CompletionRule,
    NumberCategory,
    ProgrammeKind,
    QuestionKind,
    RecordCategory,
    StepStatus,
    TrainingFormat,
    Visibility,
)
from manabi.training.models import (
    Application,
    ApprovalStep,
    Attendance,
    IndicatorLink,
    Notification,
    NumberingCode,
    Session,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TrainingProgramme,
    join_codes,
)
from manabi.training.selectors import route_chain
from manabi.training.services.programmes import number_next, refresh_audience, refresh_derived
from manabi.training.states import ApplicationStatus, ProgrammeStatus

ORDER = 65  # after the history (60), which skips people who already have demo history
FY = 2026  # 令和8年度
JST = ZoneInfo("Asia/Tokyo")
P = DEMO_PREFECTURE_CODE
CENTRE = "2000000"
PLANNING, SUBJECTS, COUNSELLING = "2000001", "2000002", "2000003"
PREF_BOARD, CITY, AOBA, HIKARI = "1000000", "1201000", "1341000", "1362000"
CHUO_SHO = "3201004"  # みらい市立中央小学校
CENTRE_ORGANIZER = f"{P}O00001"
CITY_ORGANIZER = DemoAccount(
    login_id=f"{P}O00003",
    password="demo-kenshu-2026",
    role=Role.ORGANIZER.value,
    organisation="みらい市教育委員会",
    name="杉本 健太",
    note="市町村教育委員会の研修主催者",
)
DEMO_TEACHER = "04000797"  # 宮本 雅人, みらい市立中央小学校 (accounts/demo.py)
LOCAL_CODES = {PREF_BOARD: "30", CITY: "01", AOBA: "02", HIKARI: "03"}
S = ApplicationStatus


def accounts() -> list[DemoAccount]:
    return [CITY_ORGANIZER]


@dataclass(frozen=True)
class Spec:
    """One demo programme. ``plan``: which applications it gets (see ``PLANS``)."""

    title: str
    organiser: str
    kind: str
    format: str
    category: str
    number_category: str
    sessions: tuple[tuple[date, str], ...]  # (date, hours)
    plan: str
    description: str = ""
    capacity: int | None = None
    visibility: str = Visibility.JURISDICTION
    co: tuple[str, ...] = ()
    school_types: tuple[str, ...] = ()
    job_titles: tuple[str, ...] = ()
    opens: date | None = None
    closes: date | None = None
    survey_required: bool = False
    eligibility_training: str = ""
    venue: str = "みらい県総合教育センター 大研修室"
    areas: tuple[str, ...] = field(default=("A",))
    years: tuple[int | None, int | None] = (None, None)  # 経験年数 (以上, 以下)


def d(month: int, day: int) -> date:
    return date(FY if month >= 4 else FY + 1, month, day)


ALL, NOM, REC, VOL = (
    ProgrammeKind.ALL_TARGETS,
    ProgrammeKind.NOMINATED,
    ProgrammeKind.RECOMMENDED,
    ProgrammeKind.VOLUNTARY,
)
IN, LIVE, OD = TrainingFormat.IN_PERSON, TrainingFormat.LIVE_ONLINE, TrainingFormat.ON_DEMAND
R1, O1, O2 = RecordCategory.REQUIRED_I, RecordCategory.OTHER_I, RecordCategory.OTHER_II
N = NumberCategory
OPENS, CLOSES = d(10, 1), d(1, 20)

PROGRAMMES: tuple[Spec, ...] = (
    # 悉皆・指名 (the centre enrols the participants)
    Spec("初任者研修(小学校)第3回 授業づくり", PLANNING, ALL, IN, R1, N.STATUTORY, ((d(7, 28), "6.0"),), "enrolled_done", "学習指導要領の趣旨を踏まえた授業づくりと、模擬授業による協議。", school_types=("elementary",), areas=("A", "B")),
    Spec("教職2年次研修", PLANNING, ALL, IN, R1, N.STATUTORY, ((d(8, 6), "6.0"), (d(1, 14), "3.0")), "enrolled_mid", "1年目の実践を振り返り、学級経営と授業改善の課題を設定します。", eligibility_training="second_year", areas=("A", "C")),
    Spec("教職6年次研修", PLANNING, ALL, LIVE, R1, N.STATUTORY, ((d(1, 22), "3.0"),), "none", "ミドルリーダーへの準備として、校内での役割と同僚との協働を考えます。", eligibility_training="sixth_year"),
    Spec("中堅教諭等資質向上研修 校外研修Ⅱ", PLANNING, ALL, IN, R1, N.STATUTORY, ((d(2, 5), "6.0"),), "none", "学校運営への参画と人材育成。", eligibility_training="mid_career", areas=("E",)),
    Spec("新任教頭研修", PLANNING, NOM, IN, R1, N.MANAGEMENT, ((d(6, 10), "6.0"),), "nominated_done", "危機管理と教職員の働き方改革。", job_titles=("head_teacher", "vice_principal"), areas=("E",)),
    Spec("新任校長研修(学校経営)", PLANNING, NOM, IN, R1, N.MANAGEMENT, ((d(2, 12), "6.0"),), "none", "学校経営ビジョンとカリキュラム・マネジメント。", job_titles=("principal",), areas=("E",)),
    # 推薦 (schools recommend, with a rank)
    Spec("教務主任研修", PLANNING, REC, IN, R1, N.CAREER, ((d(1, 28), "6.0"),), "recommended", "教育課程の編成と時間割、学校行事の企画。", capacity=40, opens=OPENS, closes=CLOSES),
    Spec("特別支援教育コーディネーター養成研修", COUNSELLING, REC, IN, R1, N.SPECIAL_NEEDS, ((d(12, 10), "6.0"), (d(1, 21), "6.0")), "recommended", "校内支援体制づくりと関係機関との連携。", capacity=30, venue="みらい県総合教育センター 第2研修室", areas=("D",), opens=OPENS, closes=CLOSES),
    # 希望 (anyone in the audience applies)
    Spec("道徳科の授業づくり ― 考え、議論する道徳", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(7, 30), "3.0"),), "done", "教材の読み取りと発問の工夫、評価の在り方を演習で学びます。", capacity=40, opens=d(5, 1), closes=d(6, 30), school_types=("elementary", "junior_high", "compulsory")),
    Spec("小学校外国語 やり取りを中心にした授業", SUBJECTS, VOL, LIVE, R1, N.SUBJECT, ((d(8, 20), "2.0"),), "done", "ALT とのティーム・ティーチングと評価。", capacity=60, opens=d(5, 1), closes=d(7, 31), school_types=("elementary",)),
    Spec("算数 数学的な見方・考え方を働かせる授業", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(1, 16), "3.0"),), "open_mixed", "問題解決の授業と板書、ICT の活用。", capacity=30, school_types=("elementary", "compulsory"), opens=OPENS, closes=CLOSES),
    Spec("国語 「読むこと」の授業改善", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(12, 18), "3.0"),), "decided", "物語文・説明文の単元構想と言語活動。", capacity=3, opens=d(9, 1), closes=d(11, 10)),
    Spec("理科 観察・実験の安全な指導", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(2, 4), "3.0"),), "open_mixed", "実験器具の扱いと事故の防止。", capacity=24, venue="みらい県総合教育センター 理科実験室", opens=OPENS, closes=CLOSES),
    Spec("中学校英語 パフォーマンステストの作り方", SUBJECTS, VOL, LIVE, R1, N.SUBJECT, ((d(1, 30), "2.0"),), "none", "話すこと・書くことの評価規準とルーブリック。", school_types=("junior_high", "secondary", "compulsory"), opens=OPENS, closes=CLOSES),
    Spec("高等学校 数学Ⅰ 探究的な学び", SUBJECTS, VOL, LIVE, R1, N.SUBJECT, ((d(2, 18), "2.0"),), "none", "課題学習とデータの分析。", school_types=("high", "secondary"), opens=OPENS, closes=CLOSES),
    Spec("学級経営講座 ― 安心できる学級づくり", PLANNING, VOL, IN, R1, N.ISSUES, ((d(8, 4), "3.0"),), "done", "学級開きからの関係づくりと、学級の課題への対応。", capacity=50, opens=d(5, 1), closes=d(7, 15), areas=("B",)),
    Spec("ICT 活用入門 ― 1人1台端末の授業", PLANNING, VOL, OD, R1, N.ICT, ((d(6, 1), "1.5"),), "done", "端末を使った協働学習と、クラウドでの共同編集。", visibility=Visibility.PUBLIC, opens=d(4, 10), closes=d(3, 15), venue="オンデマンド配信", areas=("F",)),
    Spec("プログラミング教育の授業づくり", PLANNING, VOL, LIVE, R1, N.ICT, ((d(12, 3), "2.0"),), "open_mixed", "小学校の各教科でのプログラミング体験。", capacity=80, school_types=("elementary",), areas=("F",), opens=OPENS, closes=CLOSES),
    Spec("情報モラル教育と SNS トラブルの予防", PLANNING, VOL, OD, R1, N.ICT, ((d(11, 30), "1.0"),), "none", "児童生徒の SNS 利用の実態と指導事例。", visibility=Visibility.PUBLIC, venue="オンデマンド配信", areas=("F", "B"), opens=OPENS, closes=CLOSES),
    Spec("生徒指導提要に基づく生徒指導", COUNSELLING, VOL, IN, R1, N.COUNSELLING, ((d(7, 24), "3.0"),), "done", "発達支持的生徒指導と、チーム学校による支援。", capacity=60, opens=d(5, 1), closes=d(7, 1), venue="みらい県総合教育センター 第2研修室", areas=("B",)),
    Spec("教育相談の基礎 ― 子どもの話を聴く", COUNSELLING, VOL, OD, R1, N.COUNSELLING, ((d(9, 1), "1.5"),), "done", "傾聴と面接の技法、保護者との面談。", visibility=Visibility.PUBLIC, opens=d(4, 10), closes=d(3, 15), venue="オンデマンド配信", areas=("B",), survey_required=True),
    Spec("不登校児童生徒への支援", COUNSELLING, VOL, IN, R1, N.COUNSELLING, ((d(12, 22), "3.0"),), "open_mixed", "校内教育支援センターと関係機関との連携。", capacity=40, venue="みらい県総合教育センター 第2研修室", areas=("B", "D"), opens=OPENS, closes=CLOSES),
    Spec("いじめの未然防止と早期対応", COUNSELLING, VOL, LIVE, R1, N.COUNSELLING, ((d(1, 9), "2.0"),), "none", "いじめ防止対策推進法と学校の基本方針。", areas=("B",), opens=OPENS, closes=CLOSES),
    Spec("特別支援学級の教育課程と授業", COUNSELLING, VOL, IN, R1, N.SPECIAL_NEEDS, ((d(12, 16), "3.0"),), "none", "自立活動と個別の指導計画。", visibility=Visibility.PUBLIC, venue="みらい県立みらい特別支援学校", areas=("D",), opens=OPENS, closes=CLOSES),
    Spec("人権教育 ― 多様性を尊重する学級", PLANNING, VOL, OD, R1, N.ISSUES, ((d(10, 1), "1.0"),), "none", "人権課題の理解と授業での扱い。", visibility=Visibility.PUBLIC, venue="オンデマンド配信", areas=("C",), opens=OPENS, closes=CLOSES),
    Spec("学校安全と防災教育", PLANNING, VOL, IN, R1, N.ISSUES, ((d(1, 26), "3.0"),), "none", "避難訓練の見直しと地域との連携。", areas=("E",), opens=OPENS, closes=CLOSES),
    Spec("キャリア教育 ― 学ぶことと働くことをつなぐ", PLANNING, VOL, LIVE, R1, N.ISSUES, ((d(2, 9), "2.0"),), "none", "キャリア・パスポートの活用。", school_types=("junior_high", "high", "secondary"), opens=OPENS, closes=CLOSES),
    Spec("若手教員の授業力向上講座(1〜5年目)", SUBJECTS, VOL, IN, R1, N.CAREER, ((d(2, 20), "3.0"),), "none", "互いの授業を見合い、指導案の改善を協議します。経験年数1〜5年目が対象です。", capacity=40, years=(1, 5), opens=OPENS, closes=CLOSES),
    Spec("学校図書館を活用した授業", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(2, 25), "3.0"),), "none", "司書教諭・学校司書との連携と探究的な学習。", opens=OPENS, closes=CLOSES),
    Spec("体育 けがを防ぐ運動指導", SUBJECTS, VOL, IN, R1, N.SUBJECT, ((d(6, 17), "3.0"),), "cancelled", "水泳指導と熱中症の予防。", opens=d(4, 10), closes=d(6, 1), venue="みらい県総合運動公園"),
    # 共同主催: the centre with みらい市教育委員会 (public: anyone may apply)
    Spec("地域とともにある学校づくり(コミュニティ・スクール)", PLANNING, VOL, IN, O1, N.ISSUES, ((d(12, 5), "3.0"),), "open_mixed", "学校運営協議会と地域学校協働活動。", visibility=Visibility.PUBLIC, co=(CITY,), capacity=100, venue="みらい市民会館", areas=("E",), opens=OPENS, closes=CLOSES),
    # みらい市・あおば町
    Spec("みらい市 初任者フォローアップ研修", CITY, NOM, IN, O1, N.CAREER, ((d(9, 9), "2.0"),), "nominated_done", "市の教育施策と、1年目の悩みを共有する協議。", venue="みらい市教育センター", areas=("A",)),
    Spec("みらい市 授業づくり講座(算数)", CITY, VOL, IN, O1, N.SUBJECT, ((d(1, 13), "2.0"),), "city_open", "市の学力調査の結果から授業を見直します。", capacity=30, venue="みらい市教育センター", school_types=("elementary", "compulsory"), opens=OPENS, closes=CLOSES),
    Spec("外国語活動 合同研修(みらい市・あおば町)", CITY, VOL, LIVE, O1, N.SUBJECT, ((d(1, 20), "1.5"),), "none", "小学校中学年の外国語活動の進め方。", co=(AOBA,), school_types=("elementary",), venue="オンライン(Web 会議)", opens=OPENS, closes=CLOSES),
    Spec("あおば町 ICT 支援員と進める授業", AOBA, VOL, IN, O1, N.ICT, ((d(12, 8), "2.0"),), "none", "町の端末と支援員の活用。", venue="あおば町役場 会議室", areas=("F",), opens=OPENS, closes=CLOSES),
    # A school's open research day (公開研究会), for anyone (種別コード 9)
    Spec("みらい市立中央小学校 公開研究会(算数科)", CHUO_SHO, VOL, IN, O2, N.OTHER, ((d(2, 6), "4.0"),), "none", "研究主題「自ら問いをもち、考えを伝え合う子の育成」。公開授業と研究協議。", visibility=Visibility.PUBLIC, capacity=120, venue="みらい市立中央小学校 体育館", areas=("A",), opens=d(11, 1), closes=d(1, 30)),
)  # fmt: skip

QUESTIONS = (
    (QuestionKind.SCALE, "研修の内容は今後の実践に役立つと思いますか。", ""),
    (QuestionKind.CHOICE, "最も役立った内容はどれですか。", "講義\n演習・模擬授業\n協議\n事例紹介"),
    (QuestionKind.TEXT, "研修で学んだことを、今後どのように生かしますか。", ""),
)
TEXT_ANSWERS = (
    "明日の授業から発問を見直したい。",
    "学年の先生と共有し、学年全体で取り組みたい。",
    "児童の話を最後まで聴くことを意識したい。",
    "校内研修で紹介したい。",
    "評価の観点を単元の初めに示すようにしたい。",
)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=JST)


@dataclass
class Context:
    orgs: dict[str, Organisation]
    rng: random.Random
    teachers: dict[int, list[Staff]]  # by school id
    units: dict[int, Organisation]  # main unit by staff id
    accounts: dict[int, int]  # account id by staff id
    items: list[Item]
    chains: dict[int, list[routes.Org]] = field(default_factory=dict)
    used: dict[int, set[int]] = field(default_factory=dict)  # staff ids per programme
    by: dict[str, Account | None] = field(default_factory=dict)

    def chain(self, unit: Organisation) -> list[routes.Org]:
        if unit.pk not in self.chains:
            self.chains[unit.pk] = route_chain(unit)
        return self.chains[unit.pk]


def _numbering_codes(orgs: dict[str, Organisation]) -> None:
    for code, local in LOCAL_CODES.items():
        if code in orgs:
            NumberingCode.objects.get_or_create(
                organisation=orgs[code], defaults={"local_code": local}
            )


def _city_organizer(orgs: dict[str, Organisation]) -> Account | None:
    if CITY not in orgs:
        return None
    account = Account.objects.filter(login_id=CITY_ORGANIZER.login_id).first()
    if account is None:
        account = Account.objects.create(
            login_id=CITY_ORGANIZER.login_id,
            display_name=CITY_ORGANIZER.name,
            password=make_password(CITY_ORGANIZER.password),
            email="kenshu@city.mirai.example.jp",
            email_verified_at=timezone.now(),
            password_changed_at=timezone.now(),
        )
    RoleAssignment.objects.get_or_create(
        account=account,
        role=Role.ORGANIZER,
        organisation=orgs[CITY],
        defaults={"valid_from": date(FY, 4, 1)},
    )
    return account


def _context(orgs: dict[str, Organisation]) -> Context:
    today = date(FY, 10, 31)
    rows = (
        Assignment.objects.filter(
            current_assignment_q(today),
            concurrent=False,
            organisation__kind="school",
            staff__job_title__in=(JobTitle.TEACHER, JobTitle.NURSE_TEACHER, JobTitle.LECTURER),
        )
        .select_related("staff", "organisation")
        .order_by("organisation__code", "staff__staff_number")
    )
    teachers: dict[int, list[Staff]] = {}
    units: dict[int, Organisation] = {}
    for assignment in rows:
        teachers.setdefault(assignment.organisation_id, []).append(assignment.staff)
        units[assignment.staff_id] = assignment.organisation
    accounts = dict(Account.objects.filter(staff_id__in=list(units)).values_list("staff_id", "pk"))
    return Context(
        orgs=orgs,
        rng=random.Random(2026),
        teachers=teachers,
        units=units,
        accounts=accounts,
        items=list(Item.objects.filter(framework__fiscal_year=FY).select_related("area")),
    )


def _start(hours: str) -> time:
    return time(9, 30) if Decimal(hours) >= 3 else time(15, 30)


def _end(hours: str) -> time:
    minutes = int(Decimal(hours) * 60) + (60 if Decimal(hours) >= 5 else 0)  # lunch
    return (datetime.combine(date(FY, 4, 1), _start(hours)) + timedelta(minutes=minutes)).time()


def _create_programme(spec: Spec, ctx: Context) -> TrainingProgramme:
    organiser = ctx.orgs[spec.organiser]
    first = min(day for day, _ in spec.sessions)
    published = _at(min(spec.opens or first, first) - timedelta(days=20))
    programme = TrainingProgramme(
        title=spec.title,
        description=spec.description,
        organiser=organiser,
        fiscal_year=FY,
        number_category=N.OTHER if organiser.kind == "school" else spec.number_category,
        category=spec.category,
        kind=spec.kind,
        format=spec.format,
        target_school_types=join_codes(list(spec.school_types)),
        target_job_titles=join_codes(list(spec.job_titles)),
        min_years=spec.years[0],
        max_years=spec.years[1],
        capacity=spec.capacity,
        application_opens=spec.opens,
        application_closes=spec.closes,
        visibility=spec.visibility,
        completion_rule=CompletionRule.ALL_SESSIONS,
        survey_required=spec.survey_required,
        eligibility_training=spec.eligibility_training,
        status=ProgrammeStatus.CANCELLED if spec.plan == "cancelled" else ProgrammeStatus.PUBLISHED,
        cancel_reason="台風の接近により中止します。" if spec.plan == "cancelled" else "",
        published_at=published,
        created_by=ctx.by.get(spec.organiser),
    )
    programme.number = number_next(
        organiser=organiser, fiscal_year=FY, category_code=programme.number_category
    )
    programme.save()
    programme.co_organisers.set([ctx.orgs[c] for c in spec.co if c in ctx.orgs])
    Session.objects.bulk_create(
        Session(
            programme=programme,
            date=day,
            start_time=_start(hours),
            end_time=_end(hours),
            hours=Decimal(hours),
            venue=spec.venue
            if spec.format != TrainingFormat.LIVE_ONLINE
            else "オンライン(Web 会議)",
            url="https://meet.example.jp/mirai-kenshu"
            if spec.format == TrainingFormat.LIVE_ONLINE
            else "",
        )
        for day, hours in spec.sessions
    )
    items = [i.pk for i in ctx.items if i.area.name and i.code[:1] in spec.areas][:3]
    IndicatorLink.objects.bulk_create(IndicatorLink(programme=programme, item_id=i) for i in items)
    refresh_audience(programme)
    refresh_derived(programme)
    if spec.plan in ("done", "nominated_done", "enrolled_done") or spec.survey_required:
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(programme=programme, order=n, kind=kind, text=text, choices=choices, required=kind != QuestionKind.TEXT)
            for n, (kind, text, choices) in enumerate(QUESTIONS, start=1)
        )  # fmt: skip
    return programme


# --- applications --------------------------------------------------------------------------


def _pick(
    ctx: Context, programme: TrainingProgramme, schools: Sequence[str], count: int
) -> list[Staff]:
    """``count`` teachers of the given schools who have not applied to ``programme`` yet."""
    taken = ctx.used.setdefault(programme.pk, set())
    pool = [
        s
        for code in schools
        if code in ctx.orgs
        for s in ctx.teachers.get(ctx.orgs[code].pk, [])
        if s.pk not in taken and s.staff_number != DEMO_TEACHER
    ]
    chosen = ctx.rng.sample(pool, k=min(count, len(pool)))
    taken.update(s.pk for s in chosen)
    return chosen


def _demo_teacher(ctx: Context, programme: TrainingProgramme) -> list[Staff]:
    found = [
        s for people in ctx.teachers.values() for s in people if s.staff_number == DEMO_TEACHER
    ]
    ctx.used.setdefault(programme.pk, set()).update(s.pk for s in found)
    return found


@dataclass
class Planned:
    staff: Staff
    status: str
    waiting_step: int = 0  # for 承認待ち: the index of the step that waits
    reason: str = ""
    rank: int | None = None
    attendance: str = AttendanceStatus.PRESENT


def _add(
    ctx: Context,
    programme: TrainingProgramme,
    planned: Sequence[Planned],
    *,
    directly: bool = False,
) -> list[Application]:
    """Create the applications with their approval steps, in the planned states."""
    first = programme.first_date or date(FY, 4, 1)
    base = _at(programme.application_opens or (first - timedelta(days=40)), 10)
    decider = ctx.by.get("organiser")
    made: list[Application] = []
    steps: list[ApprovalStep] = []
    ranks: dict[int | None, int] = {}
    for index, plan in enumerate(planned):
        unit = ctx.units.get(plan.staff.pk)
        rank = None
        if plan.rank:  # each school ranks its own recommendations 1, 2, …
            rank = ranks[unit.pk if unit else None] = ranks.get(unit.pk if unit else None, 0) + 1
        submitted = base + timedelta(hours=5 * index + 1)
        waitlisted = plan.status == S.WAITLISTED
        application = Application(
            programme=programme,
            staff=plan.staff,
            account_id=ctx.accounts.get(plan.staff.pk),
            unit=unit,
            status=plan.status,
            motivation="" if directly else ctx.rng.choice(("授業改善に生かしたい。", "校内研究の参考にしたい。", "")),
            applied_by_id=None if directly else ctx.accounts.get(plan.staff.pk),
            applied_role=Role.ORGANIZER.value if directly else Role.STAFF.value,
            recommender=unit if rank else None,
            recommendation_rank=rank,
            enrolled_directly=directly,
            waitlist_position=index + 1 if waitlisted else None,
            reason=plan.reason,
            decided_at=submitted + timedelta(days=10) if plan.status not in (S.PENDING_APPROVAL, S.RETURNED, S.AWAITING_DECISION, S.WITHDRAWN) else None,
            decided_by=decider if plan.status in (S.ACCEPTED, S.WAITLISTED, S.COMPLETED, S.NOT_COMPLETED) else None,
            completed_at=_at(programme.last_date or first, 17) if plan.status == S.COMPLETED else None,
            completion_note="修了の条件を満たしています。" if plan.status == S.COMPLETED else ("欠席があります。" if plan.status == S.NOT_COMPLETED else ""),
            submitted_at=submitted,
        )  # fmt: skip
        made.append(application)
    Application.objects.bulk_create(made)
    for application, plan in zip(made, planned, strict=True):
        if directly or application.unit is None:
            continue
        route = routes.derive_route(
            ctx.chain(application.unit),
            organiser_path=programme.organiser.path,
            override=programme.route,
        )
        for order, step in enumerate(route, start=1):
            status = StepStatus.APPROVED
            if plan.status == S.PENDING_APPROVAL:
                status = (
                    StepStatus.APPROVED if order - 1 < plan.waiting_step
                    else StepStatus.PENDING if order - 1 == plan.waiting_step
                    else StepStatus.WAITING
                )  # fmt: skip
            elif plan.status == S.RETURNED:
                status = StepStatus.RETURNED if order == 1 else StepStatus.WAITING
            elif plan.status == S.REJECTED and plan.reason.startswith("校長"):
                status = StepStatus.REJECTED if order == 1 else StepStatus.WAITING
            elif plan.status == S.WITHDRAWN:
                status = StepStatus.WAITING
            decided = application.submitted_at + timedelta(days=order)
            steps.append(
                ApprovalStep(
                    application=application,
                    order=order,
                    kind=step.kind,
                    organisation_id=step.organisation_id,
                    status=status,
                    pending_since=decided if status == StepStatus.PENDING else None,
                    decided_at=decided if status in (StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.RETURNED) else None,
                    comment=plan.reason if status in (StepStatus.REJECTED, StepStatus.RETURNED) else "",
                )
            )  # fmt: skip
    ApprovalStep.objects.bulk_create(steps)
    return made


def _participate(
    ctx: Context, programme: TrainingProgramme, applications: Sequence[Application]
) -> None:
    """Attendance of the held sessions; history records and survey answers of those who
    completed."""
    sessions = list(programme.sessions.all())
    participants = [
        a for a in applications if a.status in (S.COMPLETED, S.NOT_COMPLETED, S.ACCEPTED)
    ]
    Attendance.objects.bulk_create(
        Attendance(
            application=a,
            session=s,
            status=AttendanceStatus.ABSENT if a.status == S.NOT_COMPLETED and i == 0 else ctx.rng.choice((AttendanceStatus.PRESENT,) * 8 + (AttendanceStatus.LATE,)),
        )
        for a in participants
        if a.status != S.ACCEPTED
        for i, s in enumerate(sessions)
        if s.date < date(FY, 11, 1)
    )  # fmt: skip
    completed = [a for a in applications if a.status == S.COMPLETED]
    HistoryRecord.objects.bulk_create(
        (
            HistoryRecord(
                staff=a.staff,
                title=programme.title,
                organiser=programme.organiser,
                organiser_name=programme.organiser.name,
                programme_number=programme.number,
                category=programme.category,
                format=programme.format,
                start=programme.first_date,
                end=programme.last_date,
                fiscal_year=FY,
                hours=programme.total_hours,
                completed=True,
                status=RecordStatus.CONFIRMED,
                source=RecordSource.PLATFORM,
                source_ref=a.source_ref,
                confirmed_at=a.completed_at,
            )
            for a in completed
            if a.staff is not None and programme.first_date and programme.last_date
        ),
        ignore_conflicts=True,
    )
    links = list(programme.indicator_links.values_list("item_id", flat=True))
    if links:
        through = HistoryRecord.indicator_items.through
        records = HistoryRecord.objects.filter(source_ref__in=[a.source_ref for a in completed])
        through.objects.bulk_create(
            (through(historyrecord_id=r, item_id=i) for r in records.values_list("pk", flat=True) for i in links),
            ignore_conflicts=True,
        )  # fmt: skip
    questions = list(programme.questions.all())
    if not questions:
        return
    answering = [a for a in completed if ctx.rng.random() < 0.8]
    responses = SurveyResponse.objects.bulk_create(SurveyResponse(application=a) for a in answering)
    answers = []
    for response in responses:
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                answers.append(
                    SurveyAnswer(
                        response=response,
                        question=question,
                        scale=ctx.rng.choice((3, 4, 4, 5, 5, 5)),
                    )
                )
            elif question.kind == QuestionKind.CHOICE:
                answers.append(
                    SurveyAnswer(
                        response=response,
                        question=question,
                        choice=ctx.rng.choice(question.choice_list),
                    )
                )
            elif ctx.rng.random() < 0.6:
                answers.append(
                    SurveyAnswer(
                        response=response, question=question, text=ctx.rng.choice(TEXT_ANSWERS)
                    )
                )
    SurveyAnswer.objects.bulk_create(answers)  # fmt: skip


CITY_SCHOOLS = ("3201004", "3201005", "3201006", "3201007", "3201011", "3201012")
EVERYWHERE = (*CITY_SCHOOLS, "3341002", "3341005", "3362002", "3000001", "3000002", "3000006")
ELEMENTARY = ("3201004", "3201005", "3201006", "3201008", "3341002", "3362002")


def _plan(spec: Spec, programme: TrainingProgramme, ctx: Context) -> None:
    p, pick = programme, _pick
    if spec.plan == "done":
        people = pick(
            ctx, p, ELEMENTARY if spec.school_types == ("elementary",) else EVERYWHERE, 18
        )
        mine = _demo_teacher(ctx, p) if "道徳" in spec.title else []
        plans = [Planned(s, S.COMPLETED) for s in mine + people[:14]]
        plans += [Planned(s, S.NOT_COMPLETED) for s in people[14:15]]
        plans += [Planned(s, S.CANCELLED, reason="学校行事と重なったため") for s in people[15:16]]
        plans += [
            Planned(s, S.REJECTED, reason="校長: 今年度は校内研究を優先するため")
            for s in people[16:17]
        ]
        plans += [Planned(s, S.WITHDRAWN) for s in people[17:18]]
        _participate(ctx, p, _add(ctx, p, plans))
    elif spec.plan in ("enrolled_done", "nominated_done"):
        schools = CITY_SCHOOLS if spec.organiser == CITY else EVERYWHERE
        people = pick(ctx, p, schools, 12)
        plans = [Planned(s, S.COMPLETED) for s in people[:11]] + [
            Planned(s, S.NOT_COMPLETED) for s in people[11:]
        ]
        _participate(ctx, p, _add(ctx, p, plans, directly=True))
    elif spec.plan == "enrolled_mid":
        people = pick(ctx, p, EVERYWHERE, 15)
        _participate(ctx, p, _add(ctx, p, [Planned(s, S.ACCEPTED) for s in people], directly=True))
    elif spec.plan == "recommended":
        people = pick(ctx, p, EVERYWHERE, 8)
        plans = [Planned(s, S.AWAITING_DECISION, rank=1) for s in people[:4]]
        plans += [Planned(s, S.PENDING_APPROVAL, waiting_step=1, rank=2) for s in people[4:6]]
        plans += [Planned(s, S.ACCEPTED, rank=1) for s in people[6:8]]
        _add(ctx, p, plans)
    elif spec.plan == "open_mixed":
        mine = _demo_teacher(ctx, p) if "算数" in spec.title else []
        chuo = pick(ctx, p, (CHUO_SHO,), 3)
        people = pick(ctx, p, EVERYWHERE, 9)
        plans = [Planned(s, S.PENDING_APPROVAL) for s in mine + chuo]
        plans += [Planned(s, S.PENDING_APPROVAL, waiting_step=1) for s in people[:2]]
        plans += [Planned(s, S.AWAITING_DECISION) for s in people[2:6]]
        plans += [
            Planned(s, S.RETURNED, reason="申込の理由を具体的に書いてください。")
            for s in people[6:7]
        ]
        plans += [
            Planned(s, S.REJECTED, reason="校長: 同じ時期に校内研究授業があるため")
            for s in people[7:8]
        ]
        plans += [Planned(s, S.WITHDRAWN) for s in people[8:9]]
        _add(ctx, p, plans)
    elif spec.plan == "decided":
        mine = _demo_teacher(ctx, p)
        people = pick(ctx, p, EVERYWHERE, 6)
        plans = [Planned(s, S.ACCEPTED) for s in mine + people[: 3 - len(mine)]]
        rest = people[3 - len(mine) :]
        plans += [Planned(s, S.WAITLISTED) for s in rest[:2]]
        plans += [
            Planned(s, S.REJECTED, reason="定員を超えたため、受講者を抽選で決定しました。")
            for s in rest[2:3]
        ]
        _add(ctx, p, plans)
    elif spec.plan == "city_open":
        people = pick(ctx, p, CITY_SCHOOLS, 5)
        plans = [Planned(s, S.PENDING_APPROVAL) for s in people[:2]]
        plans += [Planned(s, S.AWAITING_DECISION) for s in people[2:]]
        _add(ctx, p, plans)
    elif spec.plan == "cancelled":
        people = pick(ctx, p, EVERYWHERE, 6)
        _add(
            ctx,
            p,
            [
                Planned(s, S.CANCELLED, reason="研修の中止: 台風の接近により中止します。")
                for s in people
            ],
        )


def _notifications(ctx: Context) -> None:
    """A few unread notifications for the demo accounts, so the list has something to show."""
    principal = Account.objects.filter(login_id=f"{P}T91000794").first()
    teacher = Account.objects.filter(staff__staff_number=DEMO_TEACHER).first()
    organiser = Account.objects.filter(login_id=CENTRE_ORGANIZER).first()
    rows = []
    waiting = (
        Application.objects.filter(status=S.PENDING_APPROVAL, unit__code=CHUO_SHO)
        .select_related("programme", "staff")
        .order_by("pk")
    )
    for application in waiting[:3]:
        if principal is not None and application.staff is not None:
            rows.append(
                Notification(
                    recipient=principal,
                    subject=f"承認依頼: {application.programme.title}",
                    body=f"{application.staff.display_name}(みらい市立中央小学校)の受講申込が、あなたの承認を待っています。",
                    url=f"/trainings/applications/{application.pk}/",
                    application=application,
                )
            )
    for application in (
        Application.objects.filter(staff__staff_number=DEMO_TEACHER)
        .select_related("programme")
        .order_by("pk")
    ):
        if teacher is not None and application.status in (S.ACCEPTED, S.COMPLETED):
            subject = "受講決定" if application.status == S.ACCEPTED else "修了しました"
            rows.append(
                Notification(
                    recipient=teacher,
                    subject=f"{subject}: {application.programme.title}",
                    body=f"研修「{application.programme.title}」({application.programme.number})",
                    url=f"/trainings/applications/{application.pk}/",
                    application=application,
                )
            )
    if organiser is not None:
        count = Application.objects.filter(
            status=S.AWAITING_DECISION, programme__organiser__code__startswith="2000"
        ).count()
        rows.append(
            Notification(
                recipient=organiser,
                subject="受講決定待ちの申込があります",
                body=f"承認ルートを終えて受講決定を待っている申込が {count} 件あります。",
                url="/trainings/managed/",
            )
        )
    Notification.objects.bulk_create(rows)  # fmt: skip


def build(options: DemoOptions) -> None:
    codes = {spec.organiser for spec in PROGRAMMES} | {c for spec in PROGRAMMES for c in spec.co}
    codes |= set(LOCAL_CODES) | {CENTRE} | set(EVERYWHERE) | set(ELEMENTARY)
    with transaction.atomic():
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        if CENTRE not in orgs:
            return
        _numbering_codes(orgs)
        city = _city_organizer(orgs)
        existing = set(TrainingProgramme.objects.values_list("title", "organiser__code"))
        todo = [
            spec
            for spec in PROGRAMMES
            if (spec.title, spec.organiser) not in existing and spec.organiser in orgs
        ]
        if not todo:
            return
        ctx = _context(orgs)
        centre = Account.objects.filter(login_id=CENTRE_ORGANIZER).first()
        ctx.by = dict.fromkeys((CENTRE, PLANNING, SUBJECTS, COUNSELLING), centre)
        ctx.by[CITY] = city
        ctx.by["organiser"] = centre
        for spec in todo:
            programme = _create_programme(spec, ctx)
            _plan(spec, programme, ctx)
        _notifications(ctx)  # fmt: skip
