"""Roles (役割) of manabi, ordered from the widest to the narrowest.

The training half uses the five account types of the national platform plus guests
(seed 000). The school-affairs half will add the role groups of seed 001 (別表2) alongside.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "システム管理者"
    BOARD = "board", "教育委員会"
    ORGANIZER = "organizer", "研修主催者"
    SCHOOL_ADMIN = "school_admin", "学校管理職"
    STAFF = "staff", "教職員"
    GUEST = "guest", "ゲスト"
