"""Writes of programmes (研修事業): registration, numbering, publication, cancellation,
sessions and materials. Every function is keyword-only, atomic and audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.core.kana import search_key
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.orgs.selectors import ancestors
from manabi.training.choices import (
    CompletionRule,
    NumberCategory,
    ProgrammeKind,
    RouteOverride,
    TrainingFormat,
    Visibility,
)
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import (
    Audience,
    IndicatorLink,
    Material,
    NumberingCode,
    NumberSequence,
    Session,
    TrainingProgramme,
    join_codes,
)
from manabi.training.numbering import default_local_code, format_number, number_pattern
from manabi.training.selectors import audience_root
from manabi.training.services.common import programme_transition
from manabi.training.services.notifications import application_url, notify
from manabi.training.states import ACTIVE, ApplicationStatus, ProgrammeAction


@dataclass
class ProgrammeInput:
    """The editable fields of a programme (what the form and the API send)."""

    title: str
    organiser: Organisation
    fiscal_year: int
    category: str
    kind: str = ProgrammeKind.VOLUNTARY
    format: str = TrainingFormat.IN_PERSON
    number_category: str = NumberCategory.OTHER
    description: str = ""
    co_organisers: Sequence[Organisation] = ()
    target_school_types: Sequence[str] = ()
    target_job_titles: Sequence[str] = ()
    min_years: int | None = None
    max_years: int | None = None
    target_note: str = ""
    capacity: int | None = None
    application_opens: date | None = None
    application_closes: date | None = None
    visibility: str = Visibility.JURISDICTION
    route: str = RouteOverride.AUTO
    completion_rule: str = CompletionRule.ALL_SESSIONS
    completion_min_hours: Decimal | None = None
    survey_required: bool = False
    eligibility_training: str = ""
    indicator_item_ids: Sequence[int] = field(default_factory=tuple)

    def model_fields(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("co_organisers", "indicator_item_ids", "organiser"):
            data.pop(key)
        data["organiser"] = self.organiser
        data["target_school_types"] = join_codes(list(self.target_school_types))
        data["target_job_titles"] = join_codes(list(self.target_job_titles))
        return data


def _details(programme: TrainingProgramme) -> dict[str, object]:
    return {
        "number": programme.number,
        "title": programme.title,
        "organiser": programme.organiser_id,
        "status": programme.status,
    }


# --- numbering (研修事業番号) ----------------------------------------------------------------


def local_code_for(organiser: Organisation) -> str:
    """The organiser's 市町村コード: its own or the nearest above it; the prefecture default
    when nothing above it is a municipal board."""
    chain = ancestors(organiser)
    codes = dict(
        NumberingCode.objects.filter(organisation__in=[o.pk for o in chain]).values_list(
            "organisation_id", "local_code"
        )
    )
    for org in reversed(chain):
        if org.pk in codes:
            return codes[org.pk]
    if any(org.kind == OrganisationKind.MUNICIPAL_BOARD for org in chain):
        raise TrainingError(
            ErrorCode.NUMBERING_CODE_MISSING,
            f"{organiser.name} の研修事業番号の市町村コードが登録されていません。"
            "システム管理者に登録を依頼するか、研修事業番号を直接入力してください。",
        )
    return default_local_code()


def number_next(*, organiser: Organisation, fiscal_year: int, category_code: str) -> str:
    """The next free 研修事業番号 (row-locks the sequence: two registrations at once get two
    numbers)."""
    local_code = local_code_for(organiser)
    with transaction.atomic():
        key = Q(fiscal_year=fiscal_year, local_code=local_code, category_code=category_code)
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(
                    fiscal_year=fiscal_year, local_code=local_code, category_code=category_code
                )
        except IntegrityError:
            pass  # created by someone else just now
        sequence = NumberSequence.objects.select_for_update().get(key)
        serial = sequence.last_serial
        while True:
            serial += 1
            number = format_number(
                number_pattern(),
                fiscal_year=fiscal_year,
                local_code=local_code,
                category_code=category_code,
                serial=serial,
            )
            if not TrainingProgramme.objects.filter(number=number).exists():
                break
        sequence.last_serial = serial
        sequence.save(update_fields=["last_serial"])
    return number


# --- derived columns ---------------------------------------------------------------------------


def _refresh_schedule(programme: TrainingProgramme) -> None:
    totals = programme.sessions.aggregate(first=Min("date"), last=Max("date"), hours=Sum("hours"))
    programme.first_date = totals["first"]
    programme.last_date = totals["last"]
    programme.total_hours = totals["hours"] or Decimal(0)


def _refresh_search(programme: TrainingProgramme) -> None:
    venues = programme.sessions.values_list("venue", flat=True)
    co = programme.co_organisers.values_list("name", flat=True)
    programme.search_text = search_key(
        programme.title,
        programme.number,
        programme.organiser.name,
        *co,
        programme.target_note,
        *venues,
        programme.description,
    )


def refresh_audience(programme: TrainingProgramme) -> None:
    roots = {audience_root(programme.organiser)}
    roots |= {audience_root(org) for org in programme.co_organisers.all()}
    programme.audience.exclude(organisation__in=[r.pk for r in roots]).delete()
    existing = set(programme.audience.values_list("organisation_id", flat=True))
    Audience.objects.bulk_create(
        Audience(programme=programme, organisation=root, path=root.path)
        for root in roots
        if root.pk not in existing
    )


def refresh_derived(programme: TrainingProgramme) -> None:
    """Recompute what the catalogue searches and filters on, and save it."""
    _refresh_schedule(programme)
    _refresh_search(programme)
    programme.save(update_fields=["first_date", "last_date", "total_hours", "search_text"])


def _check(programme: TrainingProgramme) -> None:
    if programme.organiser.kind == OrganisationKind.SCHOOL:
        programme.number_category = NumberCategory.OTHER  # seed 000 §7: 種別コード 9
    if programme.completion_rule == CompletionRule.MIN_HOURS and not programme.completion_min_hours:
        raise ValidationError({"completion_min_hours": "修了に必要な時間を入力してください。"})
    programme.full_clean(exclude=["number", "search_text"])


def _set_links(
    programme: TrainingProgramme,
    co_organisers: Sequence[Organisation],
    indicator_item_ids: Sequence[int],
) -> None:
    wanted = set(indicator_item_ids)
    known = set(Item.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if missing := sorted(wanted - known):
        ids = "、".join(str(i) for i in missing[:5])
        raise ValidationError({"indicator_items": f"育成指標の項目が見つかりません (ID {ids})。"})
    programme.co_organisers.set([o for o in co_organisers if o.pk != programme.organiser_id])
    programme.indicator_links.exclude(item_id__in=list(indicator_item_ids)).delete()
    have = set(programme.indicator_links.values_list("item_id", flat=True))
    IndicatorLink.objects.bulk_create(
        IndicatorLink(programme=programme, item_id=item_id)
        for item_id in dict.fromkeys(indicator_item_ids)
        if item_id not in have
    )
    refresh_audience(programme)


# --- programmes ----------------------------------------------------------------------------


def programme_create(*, actor: Acting, data: ProgrammeInput, number: str = "") -> TrainingProgramme:
    """研修事業を登録する (as a draft). ``number`` empty: the next generated 研修事業番号."""
    with transaction.atomic():
        programme = TrainingProgramme(**data.model_fields(), created_by=actor.account)
        _check(programme)
        programme.number = number.strip() or number_next(
            organiser=data.organiser,
            fiscal_year=data.fiscal_year,
            category_code=programme.number_category,
        )
        try:
            with transaction.atomic():
                programme.save()
        except IntegrityError:
            raise TrainingError(
                ErrorCode.NUMBER_TAKEN,
                f"研修事業番号 {programme.number} は既に使われています。別の番号を入力するか、"
                "空欄にして自動で付けてください。",
            ) from None
        _set_links(programme, data.co_organisers, data.indicator_item_ids)
        refresh_derived(programme)
        audit_record(
            actor=actor,
            action="training.programme.create",
            target=programme,
            details=_details(programme),
        )
    return programme


def programme_update(
    *, actor: Acting, programme: TrainingProgramme, data: ProgrammeInput
) -> TrainingProgramme:
    """研修事業を変更する. The number stays (it is already on documents and records)."""
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        before = {name: str(getattr(locked, name)) for name in data.model_fields()}
        for name, value in data.model_fields().items():
            setattr(locked, name, value)
        _check(locked)
        locked.save()
        _set_links(locked, data.co_organisers, data.indicator_item_ids)
        refresh_derived(locked)
        changed = {
            k: str(getattr(locked, k)) for k in before if str(getattr(locked, k)) != before[k]
        }
        audit_record(
            actor=actor,
            action="training.programme.update",
            target=locked,
            details={**_details(locked), "changed": changed},
        )
    return locked


def programme_publish(*, actor: Acting, programme: TrainingProgramme) -> TrainingProgramme:
    """公開する: the programme appears in the catalogue of its audience."""
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        status = programme_transition(locked.status, ProgrammeAction.PUBLISH)
        if not locked.sessions.exists():
            raise TrainingError(
                ErrorCode.NO_SESSIONS,
                "日程が登録されていません。日程を追加してから公開してください。",
            )
        locked.status = status
        locked.published_at = locked.published_at or timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="training.programme.publish",
            target=locked,
            details=_details(locked),
        )
    return locked


def programme_unpublish(*, actor: Acting, programme: TrainingProgramme) -> TrainingProgramme:
    """下書きに戻す: only while nobody has applied."""
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        status = programme_transition(locked.status, ProgrammeAction.UNPUBLISH)
        if locked.applications.exists():
            raise TrainingError(
                ErrorCode.INVALID_TRANSITION,
                "申込がある研修は下書きに戻せません。中止する場合は「中止する」を使ってください。",
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="training.programme.unpublish",
            target=locked,
            details=_details(locked),
        )
    return locked


def programme_cancel(
    *, actor: Acting, programme: TrainingProgramme, reason: str
) -> TrainingProgramme:
    """中止する: every application still in progress is cancelled and its person told."""
    reason = reason.strip()
    if not reason:
        raise TrainingError(ErrorCode.REASON_REQUIRED, "中止の理由を入力してください。")
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        locked.status = programme_transition(locked.status, ProgrammeAction.CANCEL)
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        affected = list(
            locked.applications.filter(status__in=ACTIVE).select_related("account", "applied_by")
        )
        locked.applications.filter(pk__in=[a.pk for a in affected]).update(
            status=ApplicationStatus.CANCELLED,
            reason=f"研修の中止: {reason}",
            waitlist_position=None,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="training.programme.cancel",
            target=locked,
            details={**_details(locked), "reason": reason, "applications": len(affected)},
        )
        from manabi.training.selectors import participant_accounts

        for application in affected:
            notify(
                recipients=participant_accounts(application),
                subject=f"研修「{locked.title}」は中止になりました",
                body=f"研修「{locked.title}」({locked.number})は中止になりました。\n理由: {reason}",
                url=application_url(application),
                application=application,
            )
    return locked


# --- sessions and materials ------------------------------------------------------------------


@dataclass
class SessionInput:
    date: date
    hours: Decimal
    start_time: time | None = None
    end_time: time | None = None
    venue: str = ""
    url: str = ""
    note: str = ""


def session_add(*, actor: Acting, programme: TrainingProgramme, data: SessionInput) -> Session:
    with transaction.atomic():
        session = Session(programme=programme, **asdict(data))
        session.full_clean()
        session.save()
        refresh_derived(programme)
        audit_record(
            actor=actor,
            action="training.session.add",
            target=session,
            details={
                "programme": programme.pk,
                "date": data.date.isoformat(),
                "hours": str(data.hours),
            },
        )
    return session


def session_update(*, actor: Acting, session: Session, data: SessionInput) -> Session:
    with transaction.atomic():
        for name, value in asdict(data).items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        refresh_derived(session.programme)
        audit_record(
            actor=actor,
            action="training.session.update",
            target=session,
            details={"programme": session.programme_id, "date": data.date.isoformat()},
        )
    return session


def session_delete(*, actor: Acting, session: Session) -> None:
    with transaction.atomic():
        if session.attendance.exists():
            raise TrainingError(
                ErrorCode.INVALID_TRANSITION,
                "出欠を記録した日程は削除できません。日付や会場を変更してください。",
            )
        programme = session.programme
        audit_record(
            actor=actor,
            action="training.session.delete",
            target=session,
            details={"programme": programme.pk, "date": session.date.isoformat()},
        )
        session.delete()
        refresh_derived(programme)


def material_add(
    *,
    actor: Acting,
    programme: TrainingProgramme,
    title: str,
    file: UploadedFile[bytes] | None = None,
    url: str = "",
    participants_only: bool = True,
) -> Material:
    if file is None and not url:
        raise ValidationError("ファイルを選ぶか、リンクを入力してください。")
    with transaction.atomic():
        material = Material(
            programme=programme, title=title, url=url, participants_only=participants_only
        )
        if file is not None:
            material.file.save(file.name or "material", file, save=False)
        material.save()
        audit_record(
            actor=actor,
            action="training.material.add",
            target=material,
            details={"programme": programme.pk, "title": title},
        )
    return material


def material_delete(*, actor: Acting, material: Material) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.material.delete",
            target=material,
            details={"programme": material.programme_id, "title": material.title},
        )
        stored = material.file.name
        material.delete()
        if stored:
            transaction.on_commit(lambda: material.file.storage.delete(stored))
