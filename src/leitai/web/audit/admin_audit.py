"""Every change made through the Django admin goes to the audit log like any other.

Every ``ModelAdmin`` of the project derives from :class:`AuditedAdmin` (or is wrapped
by :func:`audited`, for the admins of Django and of libraries): adding, changing and
deleting an object, in its own form, in an inline or with the "delete selected"
action, is recorded in the same transaction as the change, with who did it and the
fields before and after. A test checks that no registered admin escapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record

if TYPE_CHECKING:
    from django.contrib.admin.models import LogEntry

# Never written to the log, only that they changed.
SECRET_FIELDS = frozenset({"password", "secret"})
LONG_TEXT = 500


def _value(obj: models.Model, field: models.Field) -> Any:  # type: ignore[type-arg]
    if field.name in SECRET_FIELDS:
        return "••••••" if getattr(obj, field.attname) else ""
    if field.is_relation and field.many_to_one:
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        related = getattr(obj, field.name, None)
        return f"{related} (#{related_id})" if related is not None else related_id
    value = field.value_from_object(obj)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return value[:LONG_TEXT] + f"… ({len(value)})"
    return value


def object_state(obj: models.Model) -> dict[str, Any]:
    """The object's fields as the log keeps them (many-to-many as sorted names)."""
    state = {
        f.name: _value(obj, f)
        for f in obj._meta.concrete_fields
        # The entry's own time says when; a "last updated" stamp would only repeat it.
        if not f.primary_key and not getattr(f, "auto_now", False)
    }
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            state[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return state


def _secret_hashes(obj: models.Model) -> dict[str, Any]:
    return {name: getattr(obj, name, None) for name in SECRET_FIELDS}


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def _changes(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _where(obj: models.Model) -> dict[str, Any]:
    """The period and unit an object belongs to, for filtering the log."""
    out = {}
    for name in ("period", "unit"):
        field = next((f for f in obj._meta.concrete_fields if f.name == name), None)
        if field is not None and field.is_relation:
            out[name] = getattr(obj, name, None)
        elif field is not None:
            out[name] = str(getattr(obj, name) or "")
    return out


def _summary(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name}: {obj}"


def admin_record(
    *,
    request: HttpRequest,
    action: Action,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit_record(
        action=action,
        actor=request.user,
        obj=obj,
        before=before,
        after=after,
        summary=_summary(obj),
        **_where(obj),
    )
    done: set[tuple[type[models.Model], Any]] = getattr(request, "_leitai_admin_audited", set())
    done.add((type(obj), obj.pk))
    request._leitai_admin_audited = done  # type: ignore[attr-defined]


def _record_changes(
    request: HttpRequest, obj: models.Model, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """An ``admin.changed`` entry with the fields that differ (none when nothing does)."""
    old_fields, new_fields = _changes(before, after)
    if old_fields or new_fields:
        admin_record(
            request=request,
            action=Action.ADMIN_CHANGED,
            obj=obj,
            before=old_fields,
            after=new_fields,
        )


# Django writes the alt text of its admin icons in English in code, whatever the
# language (admin_list._boolean_icon writes the value, admin/search_form.html "Search"):
# each is replaced by the catalogue's word. Values in pages are escaped, so these
# attributes can only be Django's own markup.
_ICON_ALTS = (
    ('alt="True"', "Yes"),
    ('alt="False"', "No"),
    ('alt="None"', "Unknown"),
    ('alt="Search"', "Search"),
)


def _icons_in_language(response: Any) -> Any:
    """``response`` (a rendered admin page) with its icons' alt texts translated."""
    content = response.content.decode(response.charset)
    for english, word in _ICON_ALTS:
        content = content.replace(english, f'alt="{escape(gettext(word))}"')
    response.content = content.encode(response.charset)
    return response


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ``ModelAdmin`` whose every add, change and delete is written to the audit log
    (the base of every admin of the project; its lists and forms in the reader's
    language down to the icons' alt texts)."""

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        return _in_language(super().changelist_view(request, extra_context))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        return _in_language(super().changeform_view(request, object_id, form_url, extra_context))

    def get_deleted_objects(self, objs, request):  # type: ignore[no-untyped-def]
        """What a deletion removes, each line "model: object" joined as the language joins
        a label and its value (Django writes an ASCII ': ' in its code)."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return _joined(to_delete), model_count, perms_needed, _joined(protected)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        stored = _stored(obj) if change else None
        obj._leitai_before = object_state(stored) if stored is not None else None
        obj._leitai_secrets = _secret_hashes(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_leitai_before", None)
        after = object_state(obj)
        if before is None:
            admin_record(
                request=request, action=Action.ADMIN_ADDED, obj=obj, before=None, after=after
            )
            return
        for name, old in getattr(obj, "_leitai_secrets", {}).items():
            if old != getattr(obj, name, None):
                before[name], after[name] = "••••••", "•••••• (changed)"
        _record_changes(request, obj, before, after)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """Inline objects: each one added, changed or deleted is an entry of its own."""
        before = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is not None and inline_form.has_changed():
                stored = _stored(instance)
                if stored is not None:
                    before[instance.pk] = object_state(stored)
        deleted_pks = {o.pk: o for o in (f.instance for f in formset.deleted_forms)}
        super().save_formset(request, form, formset, change)
        for obj in formset.deleted_objects:
            admin_record(
                request=request,
                action=Action.ADMIN_DELETED,
                obj=obj,
                before=before.get(obj.pk) or object_state(deleted_pks.get(obj.pk, obj)),
                after=None,
            )
        for obj in formset.new_objects:
            admin_record(
                request=request,
                action=Action.ADMIN_ADDED,
                obj=obj,
                before=None,
                after=object_state(obj),
            )
        for obj, _fields in formset.changed_objects:
            _record_changes(request, obj, before.get(obj.pk, {}), object_state(obj))

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        state, pk = object_state(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # the log names what was deleted
        admin_record(
            request=request, action=Action.ADMIN_DELETED, obj=obj, before=state, after=None
        )

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            gone = [(obj, obj.pk, object_state(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, pk, state in gone:
                obj.pk = pk
                admin_record(
                    request=request, action=Action.ADMIN_DELETED, obj=obj, before=state, after=None
                )

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        """A change the admin made outside its object form (a password set by the
        admin's own page): recorded with the fields it names."""
        entry = super().log_change(request, obj, message)
        fields: list[str] = []
        if (type(obj), obj.pk) not in getattr(request, "_leitai_admin_audited", set()):
            fields = sorted(
                {
                    name
                    for part in (message if isinstance(message, list) else [])
                    for name in part.get("changed", {}).get("fields", [])
                }
            )
        if fields:
            admin_record(
                request=request,
                action=Action.ADMIN_CHANGED,
                obj=obj,
                before={name: "••••••" for name in fields},
                after={name: "•••••• (changed)" for name in fields},
            )
        return entry


def _in_language(response: Any) -> Any:
    """Translate the icons of ``response`` once it is rendered (a template response; a
    redirect has none)."""
    if hasattr(response, "add_post_render_callback"):
        response.add_post_render_callback(_icons_in_language)
    return response


def _joined(lines: Any) -> Any:
    """``lines`` (Django's nested list of "Model: object" strings) with the label and the
    object joined by the catalogue's separator (": " is "：" in Chinese)."""
    if isinstance(lines, list):
        return [_joined(line) for line in lines]
    separator = gettext(": ")
    if separator == ": " or ": " not in str(lines):
        return lines
    label, rest = str(lines).split(": ", 1)
    return (
        mark_safe(f"{label}{separator}{rest}")
        if isinstance(lines, SafeData)
        else f"{label}{separator}{rest}"
    )


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:  # type: ignore[type-arg]
    """``admin_class`` (of Django or a library) with every change written to the log."""
    if issubclass(admin_class, AuditedAdmin):
        return admin_class
    return type(f"Audited{admin_class.__name__}", (AuditedAdmin, admin_class), {})


def reregister(model: type[models.Model]) -> None:
    """Replace the admin registered for ``model`` by its audited version."""
    site_admin = admin.site._registry.get(model)
    if site_admin is None or isinstance(site_admin, AuditedAdmin):
        return
    admin.site.unregister(model)
    admin.site.register(model, audited(type(site_admin)))


class ReadOnlyAdmin(AuditedAdmin):
    """Rows to look at, never to add, change or delete here (their own pages do that,
    checking the rules and writing the audit log)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
