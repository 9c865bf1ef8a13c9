from django.urls import path

from manabi.accounts.views import guests, manage, passkeys, requests, signin

app_name = "accounts"

urlpatterns = [
    path("login/", signin.LoginView.as_view(), name="login"),
    path("login/verify/", signin.login_mfa, name="login_mfa"),
    path("login/verify/passkey/options/", passkeys.login_options, name="passkey_login_options"),
    path("login/verify/passkey/", passkeys.login_verify, name="passkey_login"),
    path("logout/", signin.logout, name="logout"),
    path("onboarding/", signin.onboarding, name="onboarding"),
    path("onboarding/profile/", signin.onboarding_profile, name="onboarding_profile"),
    path("onboarding/email/", signin.onboarding_email, name="onboarding_email"),
    path(
        "onboarding/email/verify/", signin.onboarding_email_verify, name="onboarding_email_verify"
    ),
    path("onboarding/password/", signin.onboarding_password, name="onboarding_password"),
    path("password/", signin.password_change, name="password_change"),
    path("mfa/", signin.mfa_setup, name="mfa_setup"),
    path("mfa/remove/", signin.mfa_remove, name="mfa_remove"),
    path("mfa/passkeys/options/", passkeys.register_options, name="passkey_register_options"),
    path("mfa/passkeys/", passkeys.register, name="passkey_register"),
    path("mfa/passkeys/<id:passkey_id>/remove/", passkeys.remove, name="passkey_remove"),
    path("acting/", signin.acting_switch, name="acting_switch"),
    path("guest/", guests.guest_register, name="guest_register"),
    path("guest/complete/", guests.guest_complete, name="guest_complete"),
    path("manage/", manage.account_list, name="account_list"),
    path("manage/new/", manage.account_create, name="account_create"),
    path("manage/<id:account_id>/", manage.account_detail, name="account_detail"),
    path("manage/<id:account_id>/suspend/", manage.account_suspend, name="account_suspend"),
    path("manage/<id:account_id>/resume/", manage.account_resume, name="account_resume"),
    path("manage/<id:account_id>/unlock/", manage.account_unlock, name="account_unlock"),
    path(
        "manage/<id:account_id>/initial-password/",
        manage.account_initial_password,
        name="account_initial_password",
    ),
    path("manage/<id:account_id>/roles/", manage.role_add, name="role_add"),
    path("manage/<id:account_id>/roles/<id:role_id>/end/", manage.role_end, name="role_end"),
    path("letters/<id:organisation_id>/", manage.letters, name="letters"),
    path("progress/", manage.progress, name="progress"),
    path("progress.csv", manage.progress_csv, name="progress_csv"),
    path("progress/<id:organisation_id>/deadline/", manage.deadline_set, name="deadline_set"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<id:request_id>/", requests.request_detail, name="request_detail"),
    path("requests/<id:request_id>/approve/", requests.request_approve, name="request_approve"),
    path("requests/<id:request_id>/reject/", requests.request_reject, name="request_reject"),
]
