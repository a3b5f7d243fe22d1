"""Issue 16.4a: what an administrator changes in the Django admin is in the ISMS audit
trail, and counts as editing for the approval rules (no editing a draft, then
approving it)."""

import json

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from isms import approvals, audit
from isms.admin import AuditedAdminMixin
from isms.models.audit import AuditAction
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version

pytestmark = pytest.mark.django_db


def admin_post(client, url, **changes):
    """Submit the admin change form at `url` as the page shows it, with `changes`."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.JSONField) and not isinstance(value, str):
            value = json.dumps(value)
        elif isinstance(field, forms.NullBooleanField):
            value = {True: "true", False: "false"}.get(value, "unknown")
        data[name] = "" if value is None else value
    data.update(changes)
    return client.post(url, data)


def test_every_admin_class_records_in_the_audit_trail():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("isms", "assets", "risks", "auth")
        and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_an_admin_change_is_recorded_and_makes_the_admin_an_editor(
    security_manager, admin_user, client_as
):
    version = make_version(security_manager)
    url = reverse("admin:isms_policyversion_change", args=[version.pk])
    response = admin_post(client_as(admin_user), url, body="# Access\n\nAnyone may do anything.")
    assert response.status_code == 302
    event = audit.history(version).filter(action=AuditAction.UPDATE).get()
    assert (event.actor, event.source) == (admin_user, "admin")
    assert event.changes["body"][1] == "# Access\n\nAnyone may do anything."

    request = approvals.approval_request_submit(obj=version, user=security_manager)
    assert admin_user.pk in set(request.editors.values_list("pk", flat=True))
    with pytest.raises(approvals.SelfApprovalRefused):
        approvals.approval_request_approve(request=request, user=admin_user, password=PASSWORD)


def test_admin_additions_deletions_and_role_changes_are_recorded(admin_user, client_as):
    client = client_as(admin_user)
    group = Group.objects.create(name="Temporary")
    url = reverse("admin:auth_group_change", args=[group.pk])
    permission = admin.site._registry[Group].get_form(None).base_fields["permissions"].queryset[0]
    response = client.post(url, {"name": "Temporary", "permissions": [permission.pk]})
    assert response.status_code == 302
    event = audit.history(group).get(action=AuditAction.UPDATE)
    assert event.changes == {"permissions": [[], [permission.pk]]}
    assert event.actor == admin_user

    response = client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert audit.history(group).filter(action=AuditAction.DELETE, actor=admin_user).exists()


def test_a_password_set_in_the_admin_is_recorded(admin_user, outsider, client_as):
    url = reverse("admin:auth_user_password_change", args=[outsider.pk])
    response = client_as(admin_user).post(
        url, {"password1": "A-new-long-passphrase-42", "password2": "A-new-long-passphrase-42"}
    )
    assert response.status_code == 302
    event = audit.history(outsider).get(action=AuditAction.UPDATE)
    assert (event.actor, event.message) == (admin_user, "Password set in the Django admin")
    assert event.changes == {"password": ["[redacted]", "[redacted]"]}
