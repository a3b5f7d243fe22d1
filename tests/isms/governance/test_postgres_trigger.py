"""On PostgreSQL a trigger refuses raw UPDATE/DELETE of approved versions (the last line
of defence behind save()/delete(), the services, the API and the admin)."""

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from isms import approvals
from isms.models import PolicyVersion
from isms.models.approvals import ApprovalState
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def approved(security_manager, manager):
    version = make_version(security_manager, body="Approved words.")
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.APPROVED
    return version


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_an_approved_row_is_refused(approved):
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("UPDATE isms_policyversion SET body = %s WHERE id = %s", ["Forged", approved.pk])
    assert PolicyVersion.objects.get(pk=approved.pk).body == "Approved words."


def test_raw_state_rollback_is_refused(approved):
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("UPDATE isms_policyversion SET approval_state = 'draft' WHERE id = %s", [approved.pk])


def test_raw_delete_of_an_approved_row_is_refused(approved):
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw("DELETE FROM isms_policyversion WHERE id = %s", [approved.pk])
    assert PolicyVersion.objects.filter(pk=approved.pk).exists()


def test_superseding_is_the_one_change_allowed(approved):
    _raw(
        "UPDATE isms_policyversion SET approval_state = 'superseded' WHERE id = %s",
        [approved.pk],
    )
    assert PolicyVersion.objects.get(pk=approved.pk).approval_state == "superseded"
    with pytest.raises((IntegrityError, InternalError), match="frozen"):
        _raw(
            "UPDATE isms_policyversion SET approval_state = 'approved' WHERE id = %s", [approved.pk]
        )


def test_drafts_stay_editable(security_manager):
    draft = make_version(security_manager, body="Draft words.")
    _raw("UPDATE isms_policyversion SET body = %s WHERE id = %s", ["Edited", draft.pk])
    assert PolicyVersion.objects.get(pk=draft.pk).body == "Edited"
