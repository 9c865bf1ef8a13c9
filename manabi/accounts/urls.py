from django.urls import path

from manabi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_mfa, name="login_mfa"),
    path("logout/", views.logout, name="logout"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/profile/", views.onboarding_profile, name="onboarding_profile"),
    path("onboarding/email/", views.onboarding_email, name="onboarding_email"),
    path("onboarding/email/verify/", views.onboarding_email_verify, name="onboarding_email_verify"),
    path("onboarding/password/", views.onboarding_password, name="onboarding_password"),
    path("password/", views.password_change, name="password_change"),
    path("mfa/", views.mfa_setup, name="mfa_setup"),
    path("mfa/remove/", views.mfa_remove, name="mfa_remove"),
    path("acting/", views.acting_switch, name="acting_switch"),
]
