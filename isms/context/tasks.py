"""Celery tasks of the context app (thin: each calls one service, safe to run twice)."""

from celery import shared_task

from isms.context import services


@shared_task(name="isms.context.tasks.measures_compute_daily")
def measures_compute_daily() -> int:
    """Daily (beat): take every computed measure; a second run in a period stores nothing new."""
    return services.measures_compute()
