"""The follow-ups of a not-effective result: run in the result's transaction, for a
tester's result and for an automated test turning not effective."""

import pytest
from django.core.exceptions import ValidationError

from isms.assurance import services
from isms.assurance.hooks import FollowUp, follow_ups
from isms.assurance.models import ControlTestResult
from isms.frameworks import evidence


def test_follow_ups_run_once_per_not_effective_result_in_its_transaction(
    implementations, security_manager, check_provider
):
    seen = []

    def record(*, result, user=None):
        seen.append((result.test.title, result.conclusion, user))
        return "noted"

    def refuse(*, result, user=None):
        raise ValidationError("The register is closed.")

    test = services.control_test_save(
        user=security_manager,
        implementation=implementations[1],
        data={"title": "Clean desks", "method": "observation"},
    )
    with follow_ups.override([FollowUp("record", "Record", run=record)]):
        services.result_record(user=security_manager, test=test, data={"conclusion": "partial"})
        assert seen == []
        services.result_record(
            user=security_manager, test=test, data={"conclusion": "not_effective"}
        )
        assert seen == [("Clean desks", "not_effective", security_manager)]

        automated = services.control_test_save(
            user=security_manager,
            implementation=implementations[2],
            data={"title": "Buckets encrypted", "method": "automated", "threshold": 90},
        )
        check_provider({implementations[2].control_id: (1, 9)})  # 10% passing
        services.automated_evaluate()
        services.automated_evaluate()  # the same day: told once
        assert seen[1:] == [("Buckets encrypted", "not_effective", None)]
        assert automated.results.count() == 1

    before = ControlTestResult.objects.count()
    with (
        follow_ups.override([FollowUp("refuse", "Refuse", run=refuse)]),
        pytest.raises(ValidationError),
    ):
        services.result_record(
            user=security_manager, test=test, data={"conclusion": "not_effective"}
        )
    assert ControlTestResult.objects.count() == before  # nothing half-saved


def test_an_automated_test_staying_not_effective_runs_its_follow_ups_once(
    implementations, security_manager, check_provider
):
    """Day after day not effective: one run of the follow-ups (when it turns), not one
    a day; effective again, then failing again: a second run."""
    import datetime

    from django.utils import timezone

    seen = []

    def record(*, result, user=None):
        seen.append(result.performed_on)
        return "noted"

    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    test = services.control_test_save(
        user=security_manager,
        implementation=implementations[2],
        data={"title": "Buckets encrypted", "method": "automated", "threshold": 90},
    )
    control = implementations[2].control_id
    with follow_ups.override([FollowUp("record", "Record", run=record)]):
        for day, (passed, failed) in zip(
            days, [(1, 9), (1, 9), (10, 0), (1, 9), (1, 9)], strict=True
        ):
            provider = check_provider({control: (passed, failed)})
            services.automated_evaluate(today=day)
            evidence.providers.unregister(provider)
    assert seen == [days[0], days[3]]
    assert test.results.count() == 5
