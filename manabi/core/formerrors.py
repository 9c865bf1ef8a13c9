"""Showing a service's ValidationError on the form that sent the data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def add_validation_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach each message to its field when the form has it, else to the whole form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def filter_values(form: forms.BaseForm) -> dict[str, Any]:
    """The valid fields of a list's filter form (``GET``). A malformed or out-of-range value
    (``?fiscal_year=abc``, an id of 30 digits) is left out and shown with its error on the page
    (``core/_filter_notice.html``), so the list still answers instead of failing."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return dict(form.cleaned_data)
