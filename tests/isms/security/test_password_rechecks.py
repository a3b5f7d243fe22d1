"""Every password re-check counts towards the sign-in lockout and is in the security log
(ASVS V6.3.1, V16.3.1): the password change form, approval decisions (page and API),
re-authentication. A re-check inside a business transaction would be rolled back with
it, so `isms.reauth` refuses to run there."""

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.test import override_settings

from isms import approvals, audit, reauth
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version

LIMIT = 5
WRONG = "not-my-password-at-all"


def _change(old_password: str) -> dict:
    new = "N3w-pass-phrase!"
    return {"old_password": old_password, "new_password1": new, "new_password2": new}


def _failures(username: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


@pytest.mark.django_db
def test_the_password_change_form_locks_out_after_the_failure_limit(
    client_as, auditor, security_logs
):
    client = client_as(auditor)
    for _ in range(LIMIT - 1):
        response = client.post(
            "/account/password/",
            _change(WRONG),
        )
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    assert _failures("auditor") == LIMIT - 1
    assert security_logs.events().count("reauth.failure") == LIMIT - 1

    response = client.post(
        "/account/password/",
        _change(WRONG),
    )
    assert response.status_code == 429
    # Locked out: even the right password changes nothing now.
    response = client.post(
        "/account/password/",
        _change(PASSWORD),
    )
    assert response.status_code == 429
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD)
    assert "login.lockout" in security_logs.events()


@pytest.mark.django_db
def test_a_password_change_is_in_the_security_log(client_as, auditor, security_logs):
    client = client_as(auditor)
    response = client.post(
        "/account/password/",
        _change(PASSWORD),
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.check_password("N3w-pass-phrase!")
    assert "password.change" in security_logs.events()


@pytest.fixture
def submitted(security_manager):
    version = make_version(security_manager, body="Rule one.")
    return approvals.approval_request_submit(obj=version, user=security_manager)


@pytest.mark.django_db
def test_wrong_passwords_on_page_decisions_count_towards_the_lockout(
    client_as, manager, submitted, security_logs
):
    client = client_as(manager)
    for attempt in range(1, LIMIT):
        response = client.post(
            f"/approvals/{submitted.pk}/",
            {"decision": "approve", "password": WRONG, "comment": ""},
        )
        assert response.status_code == 400
        # Recorded although the decision's own transaction was refused.
        assert _failures("manager") == attempt
    assert security_logs.events().count("reauth.failure") == LIMIT - 1
    response = client.post(
        f"/approvals/{submitted.pk}/", {"decision": "approve", "password": WRONG, "comment": ""}
    )
    assert response.status_code == 429
    # While locked out, the right password decides nothing either.
    client.post(
        f"/approvals/{submitted.pk}/", {"decision": "approve", "password": PASSWORD, "comment": ""}
    )
    submitted.refresh_from_db()
    assert submitted.state == "in_review"
    assert not submitted.decisions.exists()


@pytest.mark.django_db
def test_wrong_passwords_on_api_decisions_count_towards_the_lockout(client_as, manager, submitted):
    client = client_as(manager)
    for attempt in range(1, LIMIT):
        response = client.post(
            f"/api/approval-requests/{submitted.pk}/approve/",
            {"password": WRONG},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert _failures("manager") == attempt
    submitted.refresh_from_db()
    assert not submitted.decisions.exists()


@pytest.mark.django_db
def test_a_right_password_still_decides(manager, submitted):
    approvals.approval_request_approve(
        request=submitted, user=manager, password=PASSWORD, comment=""
    )
    submitted.refresh_from_db()
    assert submitted.state == "approved"


@pytest.mark.django_db
def test_a_recheck_inside_a_business_transaction_is_refused(rf, auditor):
    request = rf.post("/x/")
    request.user = auditor
    request.session = {}
    with transaction.atomic(), pytest.raises(reauth.ReauthInTransaction):
        reauth.reauth_confirm(request, PASSWORD)
    with (
        audit.acting_as(auditor, request=request),
        transaction.atomic(),
        pytest.raises(reauth.ReauthInTransaction),
    ):
        reauth.password_matches(auditor, PASSWORD)
    # Outside a request (a command, the demo) there is no lockout to keep.
    with transaction.atomic():
        assert reauth.password_matches(auditor, PASSWORD)
    # Outside one, fine.
    assert reauth.reauth_confirm(request, PASSWORD)


@pytest.mark.django_db(transaction=True)
@override_settings(AXES_FAILURE_LIMIT=50)
def test_failures_survive_the_refused_decision_without_a_test_transaction(
    rf, security_manager, manager
):
    """The same as above with real commits (no test-case transaction around the test),
    as on a production server: on PostgreSQL in CI, on SQLite locally."""
    version = make_version(security_manager, body="Rule two.")
    request_obj = approvals.approval_request_submit(obj=version, user=security_manager)
    http = rf.post(f"/approvals/{request_obj.pk}/", REMOTE_ADDR="10.7.7.7")
    http.user = manager
    http.session = {}
    with audit.acting_as(manager, request=http):
        for _ in range(3):
            with pytest.raises(approvals.ReauthenticationFailed):
                approvals.approval_request_approve(
                    request=request_obj, user=manager, password=WRONG, comment=""
                )
    assert _failures("manager") == 3
