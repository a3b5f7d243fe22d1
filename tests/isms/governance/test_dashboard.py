"""The nine-step dashboard: steps 1, 2 and 8 computed from the data, governance figures,
and the registry other apps use."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from isms import approvals, dashboard
from isms.governance import services, steps
from isms.models import Policy
from isms.models.governance import PolicyKind
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_policy


def approve(obj, submitter, approver):
    request = approvals.approval_request_submit(obj=obj, user=submitter)
    approvals.approval_request_approve(request=request, user=approver, password=PASSWORD)


@pytest.mark.django_db
def test_scope_step_follows_the_workflow(security_manager, manager):
    assert steps.scope_step(security_manager).status == "todo"
    version = services.scope_version_create(user=security_manager, data={"description": "x"})
    state = steps.scope_step(security_manager)
    assert (state.status, state.missing) == ("in_progress", ["Submit the scope for approval."])
    approvals.approval_request_submit(obj=version, user=security_manager)
    assert steps.scope_step(security_manager).summary.startswith("The scope waits")
    approvals.approval_request_approve(
        request=version_request(version), user=manager, password=PASSWORD
    )
    assert steps.scope_step(security_manager).status == "done"


def version_request(version):
    from isms.models import ApprovalRequest

    return ApprovalRequest.objects.get(object_id=version.pk, state="in_review")


@pytest.mark.django_db
def test_policy_step_needs_a_published_isms_policy(security_manager, manager):
    assert steps.policy_step(security_manager).status == "todo"
    policy = make_policy(security_manager, kind=PolicyKind.ISMS)
    state = steps.policy_step(security_manager)
    assert state.status == "in_progress"
    assert "Publish an approved ISMS policy." in state.missing
    version = policy.versions.get()
    approve(version, security_manager, manager)
    services.policy_publish(version=version, user=security_manager)
    state = steps.policy_step(security_manager)
    assert (state.status, state.summary) == ("done", "1 of 1 policies published.")


@pytest.mark.django_db
def test_approval_step_lists_types_without_approval_and_waiting_requests(security_manager, manager):
    assert steps.approval_step(manager).status == "todo"
    version = make_policy(security_manager).versions.get()
    approvals.approval_request_submit(obj=version, user=security_manager)
    state = steps.approval_step(manager)
    assert state.status == "in_progress"
    assert state.missing[0] == "1 approval request waiting."
    assert "Nothing approved yet: scope version." in state.missing


@pytest.mark.django_db
def test_figures_count_waiting_approvals_and_overdue_reviews(security_manager, manager):
    policy = make_policy(security_manager)
    approvals.approval_request_submit(obj=policy.versions.get(), user=security_manager)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    by_label = {f["label"]: f["value"] for f in steps.governance_figures(manager)}
    assert by_label == {"Approvals waiting for you": 1, "Reviews overdue": 1}
    by_label = {f["label"]: f["value"] for f in steps.governance_figures(security_manager)}
    assert by_label["Approvals waiting"] == 1


@pytest.mark.django_db
def test_dashboard_renders_all_nine_steps_within_a_query_budget(
    client_as, security_manager, django_assert_max_num_queries
):
    for _ in range(5):
        make_policy(security_manager)
    client = client_as(security_manager)
    # A fixed number per registered step and figure provider, whatever the records: the
    # operating cycle (issue 13) added five (last audit, nonconformities, reviews); the
    # largest share is "Reviews overdue", which asks every reviews-due provider.
    with django_assert_max_num_queries(66):
        response = client.get(reverse("dashboard"))
    page = response.content.decode()
    for number in range(1, 10):
        assert f'id="step-{number}"' in page
    assert "Download the audit pack" in page


def test_registry_keeps_other_apps_steps():
    assert 1 in dashboard.step_providers and 8 in dashboard.step_providers
    assert steps.governance_figures in dashboard.figure_providers


@pytest.mark.django_db
def test_steps_are_cached_until_the_next_audited_change(security_manager, manager):
    calls = []
    scope = dashboard.step_providers[1]

    def counting_scope_step(user):
        calls.append(user.username)
        return scope(user)

    with dashboard.step_providers.override() as providers:
        providers.replace(1, counting_scope_step)
        _assert_steps_are_cached(security_manager, manager, calls)


def _assert_steps_are_cached(security_manager, manager, calls):
    version = services.scope_version_create(user=security_manager, data={"description": "x"})
    assert dashboard.steps(security_manager)[0][1].status == "in_progress"
    assert dashboard.steps(security_manager)[0][1].status == "in_progress"
    assert len(calls) == 1  # the second read came from the cache
    approvals.approval_request_submit(obj=version, user=security_manager)  # audited
    assert dashboard.steps(security_manager)[0][1].summary.startswith("The scope waits")
    assert len(calls) == 2
    dashboard.steps(manager)  # other permissions, other entry
    assert calls == [security_manager.username] * 2 + [manager.username]
