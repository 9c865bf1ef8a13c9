"""The versioned API (/api/v1/): each app's API views wired in one place."""

from django.urls import path

from manabi.accounts import api as accounts_api
from manabi.eligibility import api as eligibility_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("eligibility/compute/", eligibility_api.ComputeView.as_view(), name="eligibility_compute"),
]
