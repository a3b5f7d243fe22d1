"""The Django admin is for administrators; every model is registered; immutable
records are read-only there too."""

import pytest
from django.apps import apps
from django.contrib import admin

from isms import audit

pytestmark = pytest.mark.django_db


def test_every_isms_model_is_registered_with_search_and_filters():
    missing, bare = [], []
    for model in apps.get_models():
        if model._meta.app_label not in ("isms", "assets", "risks"):
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            missing.append(model._meta.label)
        elif not (model_admin.search_fields and model_admin.list_filter):
            bare.append(model._meta.label)
    assert missing == [], f"not registered in the admin: {missing}"
    assert bare == [], f"registered without search_fields and list_filter: {bare}"


@pytest.mark.parametrize("name", ["security_manager", "manager", "auditor", "outsider"])
def test_only_superusers_enter_the_admin(client_as, persona, name):
    user = persona(name)
    user.is_staff = True  # even staff without superuser status
    user.save()
    response = client_as(user).get("/admin/")
    assert response.status_code == 302


def test_audit_events_are_read_only_in_the_admin(client_as, admin_user):
    event = audit.record(None, message="keep me")
    client = client_as(admin_user)
    assert client.get(f"/admin/isms/auditevent/{event.pk}/change/").status_code == 200
    response = client.post(f"/admin/isms/auditevent/{event.pk}/change/", {"message": "changed"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/isms/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.message == "keep me"
