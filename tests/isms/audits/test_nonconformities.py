"""The nonconformity register (10.1, 10.2): raising (idempotent per source), the record's
rules, corrective actions, the effectiveness check before closure, Management closing
a major nonconformity, optimistic concurrency."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from isms.audits.models import (
    ActionStatus,
    CorrectiveAction,
    EffectivenessCheck,
    NcStatus,
    Nonconformity,
    NonconformityKind,
    Origin,
)
from isms.audits.services import nonconformities as services
from isms.models import AuditEvent, Control, Framework

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def clause(db):
    framework = Framework.objects.create(code="iso27001-2022-clauses", name="Clauses")
    return Control.objects.create(framework=framework, identifier="9.2", title="Internal audit")


def _nc(user, clause, **extra):
    data = {"title": "Access review not done", "severity": "minor", "requirement": clause}
    data.update(extra)
    return services.nonconformity_create(user=user, data=data)


def _acted_on(nc, user, *, done=True):
    action = services.action_add(
        nc=nc,
        user=user,
        data={"title": "Run the review", "owner": user, "due_on": TODAY()},
    )
    if done:
        services.action_update(action=action, user=user, data={"status": ActionStatus.DONE})
    nc.refresh_from_db()
    return action


# --- Raising --------------------------------------------------------------------------------


def test_references_are_numbered_per_kind(security_manager, clause):
    first = _nc(security_manager, clause)
    second = _nc(security_manager, clause, title="Second")
    ofi = _nc(security_manager, clause, kind=NonconformityKind.IMPROVEMENT, title="Idea")
    assert [first.ref, second.ref, ofi.ref] == ["NC-001", "NC-002", "OFI-001"]
    assert ofi.severity == ""  # an opportunity has no severity


def test_raising_twice_from_the_same_source_returns_the_first(security_manager, clause):
    source = Framework.objects.create(code="src", name="Any record can be a source")
    first = services.raise_nonconformity(
        title="From a source", description="d", severity="major", raised_by=security_manager,
        source=source, requirement=clause, origin=Origin.CONTROL_TEST,
    )  # fmt: skip
    again = services.raise_nonconformity(
        title="Other title", description="", severity="minor", raised_by=security_manager,
        source=source, requirement_ref="Contract 4.2",
    )  # fmt: skip
    assert again.pk == first.pk
    assert Nonconformity.objects.count() == 1
    first.refresh_from_db()
    assert (first.title, first.severity, first.origin) == ("From a source", "major", "control_test")
    assert first.source_type == ContentType.objects.get_for_model(Framework)
    assert first.source_id == str(source.pk)
    assert services.source_of(first) == source
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="create").count() == 1


def test_raising_from_a_source_without_a_requirement_is_refused(security_manager):
    source = Framework.objects.create(code="src", name="Source")
    with pytest.raises(ValidationError) as exc:
        services.raise_nonconformity(
            title="No requirement", description="", severity="minor",
            raised_by=security_manager, source=source,
        )  # fmt: skip
    assert "requirement" in exc.value.message_dict
    assert not Nonconformity.objects.exists()


def test_a_nonconformity_needs_a_severity_and_a_requirement(security_manager):
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_create(user=security_manager, data={"title": "Vague"})
    assert {"severity", "requirement"} <= set(exc.value.message_dict)
    assert not Nonconformity.objects.exists()


def test_a_free_reference_is_a_requirement(security_manager):
    nc = services.nonconformity_create(
        user=security_manager,
        data={"title": "Contract breach", "severity": "minor", "requirement_ref": "MSA 7.1"},
    )
    assert nc.requirement_label == "MSA 7.1"


def test_only_a_security_manager_records(auditor, manager, clause):
    for user in (auditor, manager):
        with pytest.raises(PermissionDenied):
            _nc(user, clause)


def test_at_most_five_whys(security_manager, clause):
    nc = _nc(security_manager, clause)
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_update(
            nc=nc, user=security_manager, expected_version=nc.version,
            data={"root_cause_whys": ["a", "b", "c", "d", "e", "f"]},
        )  # fmt: skip
    assert "root_cause_whys" in exc.value.message_dict
    nc = services.nonconformity_update(
        nc=nc, user=security_manager, expected_version=nc.version,
        data={"root_cause_whys": ["Review skipped", "", "No reminder", "No owner"]},
    )  # fmt: skip
    assert nc.root_cause_whys == ["Review skipped", "No reminder", "No owner"]


# --- Optimistic concurrency -----------------------------------------------------------------------


def test_a_stale_save_is_refused_and_changes_nothing(security_manager, clause):
    nc = _nc(security_manager, clause)
    opened = nc.version
    services.nonconformity_update(
        nc=nc, user=security_manager, expected_version=opened, data={"containment": "Locked"}
    )
    with pytest.raises(services.NonconformityConflict) as exc:
        services.nonconformity_update(
            nc=nc, user=security_manager, expected_version=opened, data={"title": "Mine"}
        )
    assert exc.value.current_version == opened + 1
    assert exc.value.changes and "containment" in exc.value.changes[0]["fields"]
    nc.refresh_from_db()
    assert nc.title == "Access review not done"


# --- Actions, effectiveness, closure -----------------------------------------------------


def test_status_follows_the_actions_and_the_check(security_manager, clause):
    nc = _nc(security_manager, clause)
    assert nc.status == NcStatus.OPEN
    action = _acted_on(nc, security_manager, done=False)
    assert nc.status == NcStatus.IN_PROGRESS
    services.action_update(action=action, user=security_manager, data={"status": "done"})
    nc.refresh_from_db()
    assert nc.status == NcStatus.TO_VERIFY
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "not_effective", "notes": "Still late"}
    )
    nc.refresh_from_db()
    assert nc.status == NcStatus.TO_VERIFY  # checked, not effective: more action needed
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "effective", "notes": "Reviewed 3 months"}
    )
    nc.refresh_from_db()
    assert nc.status == NcStatus.VERIFIED


def test_closing_without_an_effectiveness_check_is_refused(security_manager, clause):
    nc = _nc(security_manager, clause, root_cause="No owner")
    _acted_on(nc, security_manager)
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_close(nc=nc, user=security_manager)
    assert "effectiveness check" in " ".join(exc.value.messages)
    nc.refresh_from_db()
    assert nc.is_open and nc.closed_at is None


def test_closing_after_a_not_effective_check_is_refused(security_manager, clause):
    nc = _nc(security_manager, clause, root_cause="No owner")
    _acted_on(nc, security_manager)
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "not_effective", "notes": "Recurred"}
    )
    with pytest.raises(ValidationError):
        services.nonconformity_close(nc=nc, user=security_manager)


def test_the_check_waits_for_every_action(security_manager, clause):
    nc = _nc(security_manager, clause)
    with pytest.raises(ValidationError):  # nothing done yet
        services.effectiveness_check(
            nc=nc, user=security_manager, data={"result": "effective", "notes": "x"}
        )
    _acted_on(nc, security_manager, done=False)
    with pytest.raises(ValidationError) as exc:
        services.effectiveness_check(
            nc=nc, user=security_manager, data={"result": "effective", "notes": "x"}
        )
    assert "every corrective action" in " ".join(exc.value.messages)
    assert not EffectivenessCheck.objects.exists()


def test_a_minor_nonconformity_is_closed_by_the_security_manager(security_manager, clause):
    nc = _nc(security_manager, clause, root_cause_whys=["Nobody owned it"])
    _acted_on(nc, security_manager)
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "effective", "notes": "Sampled 5"}
    )
    closed = services.nonconformity_close(nc=nc, user=security_manager, comment="Done")
    assert closed.status == NcStatus.CLOSED and closed.closed_by == security_manager
    with pytest.raises(ValidationError):  # closed: frozen for edits
        services.nonconformity_update(
            nc=closed, user=security_manager, expected_version=None, data={"title": "x"}
        )


def test_a_major_nonconformity_is_closed_by_management_only(security_manager, manager, clause):
    nc = _nc(security_manager, clause, severity="major", root_cause="No process")
    _acted_on(nc, security_manager)
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "effective", "notes": "Audited again"}
    )
    with pytest.raises(PermissionDenied) as exc:
        services.nonconformity_close(nc=nc, user=security_manager)
    assert "Management" in str(exc.value)
    nc.refresh_from_db()
    assert nc.is_open
    closed = services.nonconformity_close(nc=nc, user=manager)
    assert closed.status == NcStatus.CLOSED and closed.closed_by == manager


def test_a_root_cause_is_needed_to_close(security_manager, clause):
    nc = _nc(security_manager, clause)
    _acted_on(nc, security_manager)
    services.effectiveness_check(
        nc=nc, user=security_manager, data={"result": "effective", "notes": "ok"}
    )
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_close(nc=nc, user=security_manager)
    assert "root cause" in " ".join(exc.value.messages)


def test_an_opportunity_closes_once_its_actions_are_done(security_manager, clause):
    ofi = _nc(security_manager, clause, kind="improvement", title="Automate the review")
    action = _acted_on(ofi, security_manager, done=False)
    with pytest.raises(ValidationError):
        services.nonconformity_close(nc=ofi, user=security_manager)
    services.action_update(action=action, user=security_manager, data={"status": "done"})
    assert services.nonconformity_close(nc=ofi, user=security_manager).status == "closed"


def test_the_owner_of_an_action_records_its_progress(security_manager, owner, clause):
    nc = _nc(security_manager, clause)
    action = services.action_add(
        nc=nc, user=security_manager, data={"title": "Fix", "owner": owner, "due_on": TODAY()}
    )
    services.action_update(action=action, user=owner, data={"status": "done", "title": "Hack"})
    action.refresh_from_db()
    assert action.status == "done" and action.title == "Fix"  # the owner reports progress only
    other = CorrectiveAction.objects.create(
        nonconformity=nc, title="Other", owner=security_manager, due_on=TODAY()
    )
    with pytest.raises(PermissionDenied):
        services.action_update(action=other, user=owner, data={"status": "done"})


def test_an_action_cannot_be_done_in_the_future(security_manager, clause):
    nc = _nc(security_manager, clause)
    action = _acted_on(nc, security_manager, done=False)
    with pytest.raises(ValidationError) as exc:
        services.action_update(
            action=action, user=security_manager,
            data={"status": "done", "done_on": TODAY() + datetime.timedelta(days=3)},
        )  # fmt: skip
    assert "done_on" in exc.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_raises_from_one_source_give_one_nonconformity():
    """Two workers raise from the same record at the same moment, each in its own
    connection: the register's lock serialises them and the second finds the first."""
    import threading

    from django.db import connection

    from isms import roles
    from tests.factories import UserFactory

    user = UserFactory(username="sm", role=roles.SECURITY_MANAGER)
    source = Framework.objects.create(code="race", name="Raced source")
    barrier = threading.Barrier(2)
    results = []

    def raise_one():
        try:
            barrier.wait(timeout=10)
            nc = services.raise_nonconformity(
                title="Raced", description="", severity="minor", raised_by=user,
                source=source, requirement_ref="Policy 1",
            )  # fmt: skip
            results.append(nc.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2 and results[0] == results[1]
    assert Nonconformity.objects.count() == 1
