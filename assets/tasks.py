"""Celery tasks of the AWS connector: thin, idempotent, each calling one service.

A sync fans out: `aws_sync_run_start` creates the run's partitions and queues one
`aws_sync_partition` per (region, service); the partition that finishes last completes
the run (the join is a count in the database, so no result backend is needed). Tasks
are acknowledged late: a task whose worker died is delivered again, and finds its work
either already applied (and does nothing) or not applied at all (and does it).
"""

from celery import shared_task

from assets.aws import services


@shared_task(name="assets.tasks.aws_sync_run_start")
def aws_sync_run_start(run_id: int) -> None:
    """Create the partitions of a queued run and queue their collection."""
    services.sync_run_start(run_id=run_id)


@shared_task(name="assets.tasks.aws_sync_partition")
def aws_sync_partition(partition_id: int) -> None:
    """Collect one (account, region, service) and apply it; the last one ends the run."""
    services.sync_partition_collect(partition_id=partition_id)


@shared_task(name="assets.tasks.aws_sync_due_accounts")
def aws_sync_due_accounts() -> None:
    """Beat, every minute: queue the scheduled sync of each enabled account that is due."""
    services.aws_accounts_sync_due()


@shared_task(name="assets.tasks.aws_sync_reap_stale_runs")
def aws_sync_reap_stale_runs() -> None:
    """Beat: fail the runs whose progress stopped (their worker died)."""
    services.sync_runs_reap_stale()


@shared_task(name="assets.tasks.aws_organization_sync")
def aws_organization_sync(organization_id: int, requested_by_id: int | None = None) -> None:
    """Discover an organisation's members again and queue each enabled member's sync."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from assets.models import AwsOrganization

    organization = AwsOrganization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    user = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    try:
        services.aws_organization_sync(organization=organization, requested_by=user)
    except ValidationError:
        return  # recorded on the organisation (its discovery message) and audited


@shared_task(name="assets.tasks.aws_sync_due_organizations")
def aws_sync_due_organizations() -> None:
    """Beat: rediscover and sync each enabled organisation that is due."""
    services.aws_organizations_sync_due()
