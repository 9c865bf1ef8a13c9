"""The training app's cards on the home page (manabi.core.home): what waits for each role."""

from __future__ import annotations

from manabi.accounts.roles import Role
from manabi.core.home import HomeCard, register
from manabi.training import selectors
from manabi.training.states import ApplicationStatus

APPLICANTS = frozenset({Role.STAFF, Role.SCHOOL_ADMIN, Role.BOARD, Role.GUEST})


def register_cards() -> None:
    register(
        HomeCard(
            key="training.approvals",
            title="承認待ちの申込",
            url_name="training:approval_queue",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.BOARD}),
            count=lambda acting: selectors.approval_queue(acting).count(),
            waiting="{count}件の申込があなたの承認を待っています。",
            empty="承認を待つ申込はありません。",
            order=10,
        ),
        HomeCard(
            key="training.decisions",
            title="受講決定待ち",
            url_name="training:approval_queue",
            roles=frozenset({Role.ORGANIZER, Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.decision_queue(acting).count(),
            waiting="主催する研修の{count}件の申込が受講決定を待っています。",
            empty="受講決定を待つ申込はありません。",
            order=20,
        ),
        HomeCard(
            key="training.attendance",
            title="出欠の記録待ち",
            url_name="training:managed_list",
            roles=frozenset({Role.ORGANIZER, Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.sessions_awaiting_attendance(acting).count(),
            waiting="開催した{count}回の日程で、出欠がまだ記録されていない受講者がいます。",
            empty="出欠の記録を待つ日程はありません。",
            order=22,
        ),
        HomeCard(
            key="training.completion",
            title="修了判定待ち",
            url_name="training:managed_list",
            roles=frozenset({Role.ORGANIZER, Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.programmes_awaiting_completion(acting).count(),
            waiting="終わった{count}件の研修で、修了の判定を待つ受講者がいます。",
            empty="修了の判定を待つ研修はありません。",
            order=24,
        ),
        HomeCard(
            key="training.returned",
            title="差し戻された申込",
            url_name="training:my_applications",
            query=f"?status={ApplicationStatus.RETURNED}",
            roles=APPLICANTS,
            count=lambda acting: selectors.my_applications_in(
                acting, ApplicationStatus.RETURNED
            ).count(),
            waiting="{count}件の申込が差し戻されています。直して出し直すか、取り下げてください。",
            empty="差し戻された申込はありません。",
            order=30,
        ),
        HomeCard(
            key="training.survey",
            title="研修のアンケート",
            url_name="training:my_applications",
            roles=APPLICANTS,
            count=lambda acting: selectors.surveys_to_answer(acting).count(),
            waiting="受講した{count}件の研修のアンケートに、まだ回答していません。",
            empty="回答を待つアンケートはありません。",
            order=38,
        ),
        HomeCard(
            key="training.this_week",
            title="今週の研修",
            url_name="training:my_applications",
            query=f"?status={ApplicationStatus.ACCEPTED}",
            roles=APPLICANTS,
            count=lambda acting: selectors.trainings_this_week(acting).count(),
            waiting="今週は受講の決まった研修が{count}件あります。",
            empty="今週、受講の決まった研修はありません。",
            order=40,
            urgent=False,
        ),
        HomeCard(
            key="training.pending",
            title="承認を待っている自分の申込",
            url_name="training:my_applications",
            query=f"?status={ApplicationStatus.PENDING_APPROVAL}",
            roles=APPLICANTS,
            count=lambda acting: selectors.my_applications_in(
                acting, ApplicationStatus.PENDING_APPROVAL
            ).count(),
            waiting="{count}件の申込が承認の途中です。",
            empty="承認の途中の申込はありません。",
            order=50,
            urgent=False,
        ),
        HomeCard(
            key="training.notices",
            title="未読のお知らせ",
            url_name="training:notifications",
            roles=frozenset(Role),
            count=selectors.unread_count,
            waiting="未読のお知らせが{count}件あります。",
            empty="未読のお知らせはありません。",
            order=90,
            urgent=False,
        ),
    )
