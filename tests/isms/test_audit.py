"""The audit trail records who changed what, whatever the channel."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from isms import audit, services
from isms.models import AuditEvent, Heartbeat
from isms.models.audit import AuditAction
from isms.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_record_change_stores_only_what_changed(security_manager):
    token, _ = services.api_token_create(user=security_manager, name="ci")
    before = audit.snapshot(token)
    token.name = "renamed"
    token.save()
    event = audit.record_change(token, before)
    assert event.changes == {"name": ["ci", "renamed"]}
    assert audit.record_change(token, audit.snapshot(token)) is None  # nothing changed


def test_credential_hashes_never_enter_the_trail(security_manager):
    token, _clear = services.api_token_create(user=security_manager, name="ci")
    audit.record_created(security_manager)

    events = AuditEvent.objects.filter(action=AuditAction.CREATE)
    trail = str(list(events.values_list("changes", flat=True)))
    assert token.token_hash not in trail
    assert security_manager.password not in trail
    token_event = events.get(content_type=ContentType.objects.get_for_model(token))
    assert token_event.changes["token_hash"] == audit.REDACTED


def test_actor_source_and_ip_come_from_the_request(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post("/account/", {"name": "laptop"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_repr__startswith="laptop")
    assert event.actor == security_manager
    assert event.source == "web"
    assert event.ip_address == "203.0.113.9"
    assert len(event.request_id) == 32


def test_acting_as_attributes_background_work(manager):
    with audit.acting_as(manager, source="task:isms.tasks.something"):
        event = audit.record(None, AuditAction.OTHER, message="did a thing")
    assert (event.actor, event.source) == (manager, "task:isms.tasks.something")
    outside = audit.record(None, message="no context")
    assert outside.actor is None


@audit.acts_as_user
def _service_that_records(*, user):
    return audit.record(None, AuditAction.OTHER, message="a service ran")


def test_a_service_records_its_user_whatever_the_channel(manager):
    with audit.acting_as(None, source="task:isms.tasks.something"):
        event = _service_that_records(user=manager)
        system = _service_that_records(user=None)
    assert (event.actor, event.source) == (manager, "task:isms.tasks.something")
    assert (system.actor, system.source) == (None, "task:isms.tasks.something")


def test_celery_tasks_record_as_tasks():
    # Run the task through Celery's tracer (apply), so the prerun/postrun signals fire;
    # the spy is connected after isms.celery's handler, so it sees the task's context.
    from celery import signals

    captured = {}

    def spy(**kwargs):
        captured["source"] = audit.current().source

    signals.task_prerun.connect(spy, weak=False)
    try:
        heartbeat.apply(args=["audit-test"])
    finally:
        signals.task_prerun.disconnect(spy)
    assert captured["source"] == "task:isms.tasks.heartbeat"
    assert audit.current().source != "task:isms.tasks.heartbeat"  # context left again
    assert Heartbeat.objects.filter(token="audit-test").exists()


def test_management_commands_record_as_commands(monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "load_demo"])
    assert audit.current().source == "command:load_demo"


def test_load_demo_is_recorded_and_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    events = AuditEvent.objects.filter(source="command:load_demo").count()
    assert events >= 5
    call_command("load_demo", stdout=io.StringIO())
    assert AuditEvent.objects.filter(source="command:load_demo").count() == events


def test_record_many_writes_one_event_per_object_in_bulk(
    django_assert_max_num_queries, security_manager
):
    tokens = [services.api_token_create(user=security_manager, name=f"t{i}")[0] for i in range(5)]
    with django_assert_max_num_queries(2):
        events = audit.record_many(
            tokens, AuditAction.UPDATE, changes_for=lambda t: {"name": [t.name, t.name]}
        )
    assert len(events) == 5


def test_events_are_immutable(security_manager):
    event = audit.record(security_manager, message="original")
    event.message = "tampered"
    with pytest.raises(ValueError, match="immutable"):
        event.save()
    with pytest.raises(ValueError, match="immutable"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_object_history_page(client_as, auditor, security_manager):
    token, _ = services.api_token_create(user=security_manager, name="history-me")
    services.api_token_revoke(token=token)
    ct = ContentType.objects.get_for_model(token)
    response = client_as(auditor).get(f"/audit/{ct.pk}/{token.pk}/")
    assert response.status_code == 200
    assert response.content.count(b"history-me") >= 2
    assert b"revoked_at" in response.content
    assert client_as(auditor).get(f"/audit/{ct.pk}/999999/").status_code == 404
    assert client_as(auditor).get(f"/audit/{ct.pk}/not-a-number/").status_code == 404


def test_audit_log_filters(client_as, auditor, security_manager, manager):
    with audit.acting_as(security_manager):
        audit.record(None, message="by the security manager")
    with audit.acting_as(manager):
        audit.record(None, message="by management")
    response = client_as(auditor).get("/audit/", {"actor": manager.pk})
    assert b"by management" in response.content
    assert b"by the security manager" not in response.content
    response = client_as(auditor).get("/audit/", {"q": "security manager"})
    assert b"by the security manager" in response.content


def test_audit_log_csv_export_is_formula_safe_and_recorded(client_as, auditor, security_manager):
    with audit.acting_as(security_manager):
        audit.record(None, message='=HYPERLINK("http://evil")')
    response = client_as(auditor).get("/audit/", {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=auditor).exists()


def test_audit_log_export_needs_the_export_permission(client_as, outsider):
    assert client_as(outsider).get("/audit/", {"export": "csv"}).status_code == 403
