"""Password rules of the office's security settings (等保 2.0): length, character classes
and no reuse of the last N passwords. Django's validators call these wherever a password
is chosen (the password change, the admin's forms)."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from leitai.web.accounts.selectors import site_settings_get

CLASSES = (
    string.ascii_uppercase,
    string.ascii_lowercase,
    string.digits,
)


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters ``password`` has."""
    found = [any(ch in chars for ch in password) for chars in CLASSES]
    found.append(any(not (ch.isascii() and ch.isalnum()) for ch in password))
    return sum(found)


class ComplexityValidator:
    """At least the office's minimum length and number of character classes."""

    def validate(self, password: str, user: Any = None) -> None:
        rules = site_settings_get()
        problems = []
        if len(password) < rules.password_min_length:
            problems.append(
                _("The password must have at least %(n)d characters.")
                % {"n": rules.password_min_length}
            )
        if character_classes(password) < rules.password_min_classes:
            problems.append(
                _(
                    "The password must mix at least %(n)d of upper case letters, lower case "
                    "letters, digits and symbols."
                )
                % {"n": rules.password_min_classes}
            )
        if problems:
            raise ValidationError(problems, code="password_too_simple")

    def get_help_text(self) -> str:
        rules = site_settings_get()
        return _(
            "At least %(length)d characters, mixing at least %(classes)d of upper case "
            "letters, lower case letters, digits and symbols."
        ) % {"length": rules.password_min_length, "classes": rules.password_min_classes}


class HistoryValidator:
    """Not the current password nor one of the last N (their hashes are kept)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        keep = site_settings_get().password_history
        hashes = [user.password] if user.has_usable_password() else []
        hashes += list(user.password_history.values_list("password", flat=True)[:keep])
        if any(check_password(password, hashed) for hashed in hashes):
            raise ValidationError(
                _(
                    "This password was used recently; choose one that differs from the last "
                    "%(n)d passwords."
                )
                % {"n": keep},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Keep the new hash; forget hashes beyond the number the office keeps."""
        from leitai.web.accounts.models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = site_settings_get().password_history
        old = user.password_history.values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()

    def get_help_text(self) -> str:
        keep = site_settings_get().password_history
        return _("It must differ from the last %(n)d passwords.") % {"n": keep}
