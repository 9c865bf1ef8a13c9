"""Categories, formats and sources of training-history records (seed 000 §3), and the
states of exports."""

from __future__ import annotations

from django.db import models


class RecordCategory(models.TextChoices):
    """記録の対象となる研修の区分 (seed 000 §3)."""

    REQUIRED_I = "required_i", "必須記録研修 i(研修実施者が実施する研修)"
    REQUIRED_II = "required_ii", "必須記録研修 ii(大学院修学休業により履修した課程等)"
    REQUIRED_III = "required_iii", "必須記録研修 iii(免許法認定講習・認定通信教育)"
    OTHER_I = "other_i", "その他 i(研修実施者に当たらない市町村教委等の研修)"
    OTHER_II = "other_ii", "その他 ii(校内研修・研究)"
    OTHER_III = "other_iii", "その他 iii(自主研修)"


# Short labels for tables and totals, in the order of RecordCategory.
CATEGORY_SHORT = {
    RecordCategory.REQUIRED_I.value: "必須 i",
    RecordCategory.REQUIRED_II.value: "必須 ii",
    RecordCategory.REQUIRED_III.value: "必須 iii",
    RecordCategory.OTHER_I.value: "その他 i",
    RecordCategory.OTHER_II.value: "校内研修・研究",
    RecordCategory.OTHER_III.value: "自主研修",
}

# What a teacher enters by hand (seed 000 §3 ②): 校内研修・研究 and 自主研修.
# The longest 内容・備考 of a record entered by hand (form and API).
NOTE_MAX = 2000

MANUAL_CATEGORIES = (RecordCategory.OTHER_II, RecordCategory.OTHER_III)


class TrainingFormat(models.TextChoices):
    IN_PERSON = "in_person", "対面"
    LIVE_ONLINE = "live_online", "同時双方向オンライン"
    ON_DEMAND = "on_demand", "オンデマンド"


class RecordSource(models.TextChoices):
    PLATFORM = "platform", "研修の修了"
    MANUAL = "manual", "手入力"
    IMPORT = "import", "移行データ"


class RecordStatus(models.TextChoices):
    """Only confirmed records count in reports."""

    DRAFT = "draft", "本人入力中"
    SUBMITTED = "submitted", "確認待ち"
    RETURNED = "returned", "差し戻し"
    CONFIRMED = "confirmed", "確認済み"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel(.xlsx)"


class ExportEncoding(models.TextChoices):
    UTF8 = "utf-8-sig", "UTF-8(BOM 付き)"
    CP932 = "cp932", "Shift_JIS(CP932)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "順番待ち"
    RUNNING = "running", "作成中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    EXPIRED = "expired", "保存期間切れ(削除済み)"
