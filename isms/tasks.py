"""Celery tasks of the governance core (thin: each calls one service)."""

from celery import shared_task

from isms import services


@shared_task(name="isms.tasks.heartbeat")
def heartbeat(token: str = "beat") -> None:
    """Record that a worker is alive (idempotent upsert by token)."""
    services.heartbeat_record(token=token)
