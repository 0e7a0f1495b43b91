from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from leitai.web.accounts import oidc, security_views, views

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
    path("accounts/sso/", oidc.request_view, name="oidc_login"),
    path("accounts/sso/callback/", oidc.callback_view, name="oidc_callback"),
    path("office/settings/", views.site_settings, name="settings"),
    path("office/security/", security_views.security_settings, name="security"),
]
