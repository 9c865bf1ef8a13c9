"""GuardianLink.school: the school that issued the link (docs/adr/0004, 転出).

The backfill gives each existing link the school of the pupil's enrolment on the day the link
was issued (in any status: a pupil who has since moved still had that enrolment then), else of
the pupil's latest enrolment that started before that day, else of the first one that starts
after it (a link handed out before the pupil's first day). A link for which neither exists
keeps a null school, and so stops working: the school re-issues it from the links page.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_school(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.db.models import Q
    from django.utils import timezone

    GuardianLink = apps.get_model("attendance", "GuardianLink")
    Enrolment = apps.get_model("students", "Enrolment")
    for link in GuardianLink.objects.filter(school__isnull=True).select_related("guardian"):
        day = timezone.localdate(link.issued_at)
        pupils = Enrolment.objects.filter(student_id=link.guardian.student_id, is_provisional=False)
        before = pupils.filter(start_date__lte=day).order_by("-start_date", "-pk")
        found = (
            before.filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).first()
            or before.first()
            or pupils.filter(start_date__gt=day).order_by("start_date", "pk").first()
        )
        if found is not None:
            GuardianLink.objects.filter(pk=link.pk).update(school_id=found.school_id)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0003_board_absence_reasons"),
        ("orgs", "0001_organisation_tree"),
        ("students", "0001_pupils_enrolments_transfers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="guardianlink",
            name="school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.organisation",
                verbose_name="発行した学校",
            ),
        ),
        migrations.RunPython(fill_school, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="guardianlink",
            index=models.Index(
                fields=["school", "revoked_at"], name="attendance__school__2951e4_idx"
            ),
        ),
    ]
