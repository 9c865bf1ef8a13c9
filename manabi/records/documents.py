"""The printable A4 「研修受講履歴」 of one person, for the dialogue with the principal
(対話に基づく受講奨励): a header with name, school, job title and fiscal years, one table per
fiscal year with its totals, and the 育成指標 coverage as an SVG radar chart and a heat map.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from manabi.core import wareki
from manabi.core.pdf import render_pdf
from manabi.indicators.charts import radar_svg
from manabi.orgs.models import Organisation
from manabi.people.models import Staff
from manabi.records.coverage import CoverageView
from manabi.records.selectors import YearHistory


def history_pdf(
    *,
    staff: Staff,
    organisation: Organisation | None,
    years: Sequence[YearHistory],
    coverage: CoverageView,
) -> bytes:
    span = ""
    if years:
        first, last = years[-1].fiscal_year, years[0].fiscal_year
        span = wareki.format_fiscal_year(first)
        if first != last:
            span += f"〜{wareki.format_fiscal_year(last)}"
    chart = None
    if coverage.coverage is not None:
        data = coverage.coverage.chart_data()
        chart = radar_svg(data["labels"], data["values"], size=220)  # type: ignore[arg-type]
    return render_pdf(
        "records/pdf/history.html",
        {
            "staff": staff,
            "organisation": organisation,
            "years": years,
            "span": span,
            "coverage": coverage,
            "chart": chart,
            "printed_on": wareki.format_date(timezone.localdate()),
            "site_name": settings.SITE_NAME,
        },
    )
