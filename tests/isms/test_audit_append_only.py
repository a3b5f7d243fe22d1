"""The audit trail is append-only by construction: the model and its queryset refuse
changes and deletions, and on PostgreSQL a trigger refuses them whatever the path."""

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from isms import audit
from isms.models import AuditEvent, User
from isms.models.audit import AuditEventImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(security_manager):
    with audit.acting_as(security_manager, source="test"):
        return audit.record(security_manager, message="original")


def test_the_queryset_refuses_update_delete_and_bulk_update(event):
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AuditEventImmutable):
        events.update(message="tampered")
    with pytest.raises(AuditEventImmutable):
        events.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    event.message = "tampered"
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["message"])
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_a_deleted_users_events_stay_with_the_name_kept(event, security_manager):
    User.objects.filter(pk=security_manager.pk).delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None
    assert event.actor_repr == "security_manager"
    assert event.message == "original"


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
def test_raw_update_is_refused(event):
    with pytest.raises((IntegrityError, InternalError), match="append-only"):
        _raw("UPDATE isms_auditevent SET message = %s WHERE id = %s", ["forged", event.pk])
    with pytest.raises((IntegrityError, InternalError), match="append-only"):
        _raw("UPDATE isms_auditevent SET actor_id = NULL, message = '' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
def test_raw_delete_is_refused(event):
    with pytest.raises((IntegrityError, InternalError), match="append-only"):
        _raw("DELETE FROM isms_auditevent WHERE id = %s", [event.pk])
    with (
        pytest.raises((IntegrityError, InternalError), match="append-only"),
        transaction.atomic(),
    ):
        AuditEvent._base_manager.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
