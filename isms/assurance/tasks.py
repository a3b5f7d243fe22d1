"""Celery tasks of control assurance (thin: each calls one service, safe to run twice)."""

from celery import shared_task

from isms.assurance import services


@shared_task(name="isms.assurance.tasks.assurance_daily")
def assurance_daily() -> dict:
    """Daily (beat): open due control tests with reminders, remind again the testers of
    overdue ones (every CONTROL_TEST_REMINDER_DAYS), evaluate automated tests from the
    checks, remind owners of evidence about to expire."""
    return {
        "opened": services.tests_open_due(),
        "overdue_reminders": services.tests_remind_overdue(),
        "automated": services.automated_evaluate(),
        "evidence_reminders": services.evidence_remind_expiring(),
    }
