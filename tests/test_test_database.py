"""The suite's PostgreSQL backend (tests/postgresql/): the flush that ends every
transactional test deletes instead of truncating, and must leave what a TRUNCATE leaves,
every table empty but for what the migrations shipped, without switching off the audit
trail's guard for what follows."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from isms import audit
from isms.models import AuditEvent, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.mark.usefixtures("postgres_only")
def test_the_flush_empties_append_only_tables_and_the_guard_holds_after(security_manager):
    with audit.acting_as(security_manager, source="test"):
        audit.record(security_manager, message="before the flush")
    assert AuditEvent.objects.exists()
    kinds = ContentType.objects.count()

    # What TransactionTestCase does after each test.
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    assert not AuditEvent.objects.exists()
    assert not User.objects.exists()
    # Derived from the models: kept, and the roles derived again by post_migrate.
    assert ContentType.objects.count() == kinds
    assert Permission.objects.exists()
    assert Group.objects.filter(name="Auditor").exists()
    # The flush switched the triggers off for its own transaction only.
    user = User.objects.create(username="after")
    with audit.acting_as(user, source="test"):
        event = audit.record(user, message="after the flush")
    with (
        pytest.raises((IntegrityError, InternalError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM isms_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.usefixtures("postgres_only")
def test_the_flush_keeps_what_the_migrations_shipped():
    from assets.suppliers.models import Questionnaire
    from risks.models import Threat

    shipped_threats = set(Threat.objects.values_list("name", flat=True))
    shipped_questionnaires = set(Questionnaire.objects.values_list("name", flat=True))
    assert shipped_threats and shipped_questionnaires  # data migrations' rows
    Threat.objects.create(name="Made by a test", category="Test")

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    # A fresh install's catalogues, as before the test; the test's own row gone.
    assert set(Threat.objects.values_list("name", flat=True)) == shipped_threats
    assert set(Questionnaire.objects.values_list("name", flat=True)) == shipped_questionnaires
