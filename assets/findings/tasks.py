"""Celery tasks of the security checks: thin, idempotent, each calling one service.

Imported by AssetsConfig.ready() so that workers know them (Celery's autodiscovery
only looks at assets/tasks.py)."""

from celery import shared_task
from django.db import transaction

from assets.findings import services
from assets.models import SyncRun


@shared_task(name="assets.findings.tasks.findings_evaluate_run")
def findings_evaluate_run(run_id: int) -> None:
    """Evaluate the checks over the account a finished sync run just refreshed."""
    run = SyncRun.objects.select_related("account").filter(pk=run_id).first()
    if run is not None:
        services.findings_evaluate(account=run.account, run=run)


@shared_task(name="assets.findings.tasks.findings_unmute_expired")
def findings_unmute_expired() -> None:
    """Beat, daily: reopen the findings whose mute has ended."""
    services.findings_unmute_expired()


def evaluate_after_sync(*, run_id: int) -> None:
    """The sync's join point calls this when a run finishes: the checks run in their own
    task once the run's transaction has committed (a check can never roll back a sync)."""
    transaction.on_commit(lambda: findings_evaluate_run.delay(run_id))
