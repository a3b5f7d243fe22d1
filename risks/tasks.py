"""Celery tasks of the risks app (thin: each calls one service)."""

from celery import shared_task

from risks import services


@shared_task(name="risks.tasks.acceptances_expire")
def acceptances_expire() -> int:
    """Daily: bring back for review the risks whose acceptance expired (idempotent)."""
    return services.risk_acceptances_expire()
