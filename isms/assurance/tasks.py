"""Celery tasks of control assurance (thin: each calls one service, safe to run twice)."""

from celery import shared_task

from isms.assurance import services


@shared_task(name="isms.assurance.tasks.assurance_daily")
def assurance_daily() -> dict:
    """Daily (beat): open due control tests with reminders, evaluate automated tests from
    the checks, remind owners of evidence about to expire."""
    return {
        "opened": services.tests_open_due(),
        "automated": services.automated_evaluate(),
        "evidence_reminders": services.evidence_remind_expiring(),
    }
