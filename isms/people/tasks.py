"""Celery tasks of people (thin: each calls one service, safe to run twice)."""

from celery import shared_task

from isms.people import services


@shared_task(name="isms.people.tasks.certification_reminders_daily")
def certification_reminders_daily() -> int:
    """Daily (beat): remind people of certifications that expire within 30 days, once."""
    return services.certification_reminders_send()
