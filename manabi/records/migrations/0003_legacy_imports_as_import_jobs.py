"""Legacy history imports become jobs of the shared import machinery (imports.ImportJob of the
kind ``legacy_history``), step 1: every HistoryImport is copied into an ImportJob and the
records that point to it follow (0004 then drops the old link and table; two migrations, so
that PostgreSQL runs the data step and the ALTER TABLEs in separate transactions).
Reversible (the jobs are copied back)."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = (
    "file_name",
    "file_sha256",
    "content",
    "uploaded_by_id",
    "acting_role",
    "acting_organisation_id",
    "status",
    "report",
    "plan",
    "rows_total",
    "rows_done",
    "message",
    "committed_by_id",
    "committed_role",
    "committed_organisation_id",
    "validated_at",
    "committed_at",
)
KIND = "legacy_history"


def _copy(source, target, **extra):  # type: ignore[no-untyped-def]
    made = target.objects.create(**{f: getattr(source, f) for f in FIELDS}, **extra)
    # auto_now_add / auto_now: keep the original times.
    target.objects.filter(pk=made.pk).update(
        created_at=source.created_at, updated_at=source.updated_at
    )
    return made


def _settle(schema_editor):  # type: ignore[no-untyped-def]
    # PostgreSQL refuses an ALTER TABLE after row changes whose deferred foreign-key checks are
    # still pending in the same transaction (here: the column added or dropped next): run them
    # now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    HistoryImport = apps.get_model("records", "HistoryImport")
    ImportJob = apps.get_model("imports", "ImportJob")
    HistoryRecord = apps.get_model("records", "HistoryRecord")
    for old in HistoryImport.objects.order_by("pk").iterator():
        new = _copy(old, ImportJob, kind=KIND)
        HistoryRecord.objects.filter(legacy_import_id=old.pk).update(import_job_id=new.pk)
    _settle(schema_editor)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    HistoryImport = apps.get_model("records", "HistoryImport")
    ImportJob = apps.get_model("imports", "ImportJob")
    HistoryRecord = apps.get_model("records", "HistoryRecord")
    for job in ImportJob.objects.filter(kind=KIND).order_by("pk").iterator():
        old = _copy(job, HistoryImport)
        HistoryRecord.objects.filter(import_job_id=job.pk).update(legacy_import_id=old.pk)
    HistoryRecord.objects.filter(import_job__isnull=False).update(import_job=None)
    ImportJob.objects.filter(kind=KIND).delete()
    _settle(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_legacy_history_kind"),
        ("records", "0002_manual_records_imports_exports"),
    ]

    operations = [
        migrations.AddField(
            model_name="historyrecord",
            name="import_job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="imports.importjob",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
