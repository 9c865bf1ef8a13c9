from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from manabi.accounts.selectors import acting_of
from manabi.attendance.permissions import require_book_reader


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_book_reader(acting_of(request))
    return render(request, "attendance/index.html", {})
