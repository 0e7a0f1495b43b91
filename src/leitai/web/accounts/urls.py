from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from leitai.web.accounts import cas, oidc, passkey_views, people_views, security_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/two-factor/", security_views.otp_verify, name="otp_verify"),
    path("accounts/two-factor/setup/", security_views.otp_enrol, name="otp_enrol"),
    path("accounts/logins/", security_views.my_logins, name="my_logins"),
    path("accounts/passkeys/", passkey_views.passkeys, name="passkeys"),
    path(
        "accounts/passkeys/<int:pk>/remove/",
        passkey_views.passkey_remove_view,
        name="passkey_remove",
    ),
    path(
        "accounts/passkeys/register/begin/",
        passkey_views.PasskeyRegisterBegin.as_view(),
        name="passkey_register_begin",
    ),
    path(
        "accounts/passkeys/register/complete/",
        passkey_views.PasskeyRegisterComplete.as_view(),
        name="passkey_register_complete",
    ),
    path(
        "accounts/passkeys/verify/begin/",
        passkey_views.PasskeyVerifyBegin.as_view(),
        name="passkey_verify_begin",
    ),
    path(
        "accounts/passkeys/verify/complete/",
        passkey_views.PasskeyVerifyComplete.as_view(),
        name="passkey_verify_complete",
    ),
    path("accounts/sso/", oidc.request_view, name="oidc_login"),
    path("accounts/sso/callback/", oidc.callback_view, name="oidc_callback"),
    path("accounts/cas/login/", cas.LoginView.as_view(), name="cas_login"),
    path("office/settings/", views.site_settings, name="settings"),
    path("office/security/", security_views.security_settings, name="security"),
    path("office/accounts/", people_views.account_list, name="account_list"),
    path("office/accounts/new/", people_views.account_new, name="account_new"),
    path(
        "office/accounts/template.xlsx",
        people_views.accounts_template_download,
        name="accounts_template",
    ),
    path("office/accounts/import/", people_views.accounts_import, name="accounts_import"),
    path(
        "office/accounts/import/confirm/",
        people_views.accounts_import_confirm,
        name="accounts_import_confirm",
    ),
    path("office/accounts/<int:pk>/", people_views.account_detail, name="account_detail"),
    path("office/accounts/<int:pk>/active/", people_views.account_active, name="account_active"),
    path(
        "office/accounts/<int:pk>/password/",
        people_views.account_password,
        name="account_password",
    ),
    path(
        "office/accounts/<int:pk>/second-factor/",
        people_views.account_second_factor,
        name="account_second_factor",
    ),
]
