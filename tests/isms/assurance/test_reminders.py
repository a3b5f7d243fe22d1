"""Overdue control tests are reminded again every N days until concluded, once per day
at most, through the notifications."""

import datetime

from django.test import override_settings
from django.utils import timezone

from isms.assurance import services, tasks
from isms.assurance.choices import ControlTestMethod
from isms.models import Notification

TODAY = timezone.localdate()


def _reminders(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("subject", flat=True)
    )


def test_overdue_reminders_repeat_every_n_days_until_concluded(
    implementations, security_manager, auditor
):
    due = TODAY - datetime.timedelta(days=30)
    test = services.control_test_save(
        user=security_manager,
        implementation=implementations[1],
        data={
            "title": "Clean desks",
            "method": ControlTestMethod.OBSERVATION,
            "tester": auditor,
            "next_due": due,
        },
    )
    assert services.tests_open_due(today=due) == 1  # the reminder at due
    assert _reminders(auditor) == ["1 control test(s) due"]

    def remind(days: int) -> int:
        return services.tests_remind_overdue(today=due + datetime.timedelta(days=days), every=7)

    assert remind(0) == 0  # due today, not overdue yet
    assert remind(1) == 0  # reminded at due, less than 7 days ago
    assert remind(7) == 1
    assert remind(7) == 0  # idempotent: once per day
    assert remind(8) == 0
    assert remind(14) == 1
    assert _reminders(auditor) == [
        "1 control test(s) due",
        "1 control test(s) overdue",
        "1 control test(s) overdue",
    ]
    assert "14 days late" in Notification.objects.filter(user=auditor).order_by("pk").last().body

    services.result_record(user=auditor, test=test, data={"conclusion": "effective"})
    assert remind(21) == 0  # concluded: no more reminders
    assert len(_reminders(auditor)) == 3


def test_overdue_tests_without_a_tester_go_to_the_security_managers(
    implementations, security_manager
):
    due = TODAY - datetime.timedelta(days=10)
    services.control_test_save(
        user=security_manager,
        implementation=implementations[2],
        data={"title": "Visitors logged", "method": "observation", "next_due": due},
    )
    services.tests_open_due(today=due)
    with override_settings(CONTROL_TEST_REMINDER_DAYS=3):
        assert services.overdue_reminder_days() == 3
        assert tasks.assurance_daily()["overdue_reminders"] == 1  # 10 days late, today
        assert tasks.assurance_daily()["overdue_reminders"] == 0
    assert _reminders(security_manager)[-1] == "1 control test(s) overdue"
