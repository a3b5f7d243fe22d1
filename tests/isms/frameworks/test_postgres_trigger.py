"""On PostgreSQL, triggers refuse raw UPDATE/DELETE of SoA rows (always) and of an
approved SoA (the last line of defence behind the models, services, API and admin)."""

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from isms.frameworks import services
from isms.models import SoA, SoARow
from tests.factories import PASSWORD, soa_decide_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def approved(iso, security_manager, manager):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    soa.refresh_from_db()
    return soa


def test_raw_changes_to_rows_are_refused_even_in_a_draft(iso, security_manager):
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    row = soa.rows.first()
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("UPDATE isms_soarow SET title = %s WHERE id = %s", ["Forged", row.pk])
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("DELETE FROM isms_soarow WHERE soa_id = %s", [soa.pk])
    assert SoARow.objects.get(pk=row.pk).title == row.title


def test_raw_change_to_an_approved_soa_is_refused(approved):
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("UPDATE isms_soa SET content_hash = %s WHERE id = %s", ["0" * 64, approved.pk])
    assert SoA.objects.get(pk=approved.pk).content_hash == approved.content_hash
