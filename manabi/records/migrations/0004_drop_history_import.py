"""Legacy history imports as import jobs, step 2: the records point to the ImportJob through
``legacy_import``, and the HistoryImport table goes (see 0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0003_legacy_imports_as_import_jobs")]

    operations = [
        migrations.RemoveField(model_name="historyrecord", name="legacy_import"),
        migrations.RenameField(
            model_name="historyrecord", old_name="import_job", new_name="legacy_import"
        ),
        migrations.AlterField(
            model_name="historyrecord",
            name="legacy_import",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history_records",
                to="imports.importjob",
                verbose_name="移行データの取り込み",
            ),
        ),
        migrations.DeleteModel(name="HistoryImport"),
    ]
