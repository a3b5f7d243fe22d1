"""A real worker killed (SIGKILL) in the middle of a sync, against Redis: a second
worker finishes the run, and the database ends with exactly the true set of resources
(no duplicates, nothing lost, nothing falsely gone).

Needs the Redis at redis://127.0.0.1:6379 (REDIS_TEST_URL); skipped only when it is
unreachable, which CI turns into a failure.
"""

import os
import signal
import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction

from assets.aws import services
from assets.aws.collectors import partitions_for
from assets.aws.fetch import fetch_partition
from assets.models import AwsResource, SyncRun
from tests.assets.aws.conftest import REGIONS
from tests.workers import celery_worker, wait_for

pytestmark = [
    pytest.mark.slow,  # a real worker and a kill: deselect with -m "not slow" while developing
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
VISIBILITY_TIMEOUT = 3  # seconds before a dead worker's unacknowledged task comes back


@pytest.fixture
def redis_broker(monkeypatch):
    """A producer on Redis, on a queue of this test's own: other test runs may share
    the Redis server at the same time."""
    import redis

    # Celery lets the CELERY_BROKER_URL environment variable (set in CI) override the
    # broker an app is given: point it at this test's Redis database.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    queue = f"isms-test-aws-{uuid.uuid4().hex[:12]}"
    producer = Celery("isms-test-producer", broker=REDIS_URL, set_as_current=False)
    producer.conf.task_default_queue = queue
    producer.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    producer.queue_name = queue
    yield producer
    producer.close()
    client.delete(queue)


def _seed(estate):
    for region in REGIONS:
        sqs = estate.client("sqs", region)
        for i in range(120):
            sqs.create_queue(QueueName=f"queue-{i}")
        ec2 = estate.client("ec2", region)
        for i in range(40):
            ec2.create_security_group(GroupName=f"group-{i}", Description="g")
    iam = estate.client("iam")
    for i in range(60):
        iam.create_user(UserName=f"user-{i}")


def _truth(account) -> set[str]:
    """Every ARN the fake AWS holds for the account, fetched directly."""
    arns = set()
    for region, service in partitions_for(REGIONS):
        result = fetch_partition(
            account_id=account.account_id,
            role_arn=account.role_arn,
            external_id=account.external_id,
            region=region,
            service=service,
        )
        arns |= {r.arn for r in result.resources}
    return arns


def test_a_worker_killed_mid_sync_leaves_exactly_the_true_estate(
    fake_aws, aws_account, estate, redis_broker, monkeypatch
):
    aws_account.regions = REGIONS
    aws_account.save()
    _seed(estate)
    # The test process sends the first task to Redis; the workers send the rest.
    monkeypatch.setattr(
        services,
        "_enqueue",
        lambda task, *args: transaction.on_commit(
            lambda: redis_broker.send_task(task.name, args=list(args))
        ),
    )
    worker_env = {
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": redis_broker.queue_name,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        # Look for the dead worker's task every second, not every 100 s (kombu's default).
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        # The killed worker may die holding the scan lock (it scans every second): its
        # lock must not outlive the wait below (kombu's default is 300 s).
        "CELERY_UNACKED_MUTEX_EXPIRE": "5",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AWS_ENDPOINT_URL": settings.AWS_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    run, _ = services.aws_account_sync(account=aws_account)

    with celery_worker(concurrency=1, extra_env=worker_env) as first:
        wait_for(
            lambda: SyncRun.objects.get(pk=run.pk).partitions_done >= 3,
            timeout=60,
            what="the first partitions",
        )
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, mid-sync
        first.wait()
    run.refresh_from_db()
    assert run.status == "running" and run.partitions_done < run.partitions_total

    with celery_worker(concurrency=2, extra_env=worker_env):
        run = wait_for(
            lambda: SyncRun.objects.filter(pk=run.pk).exclude(status="running").first(),
            timeout=120,
            what="the run to finish after the restart",
        )

    assert run.status == "succeeded", list(run.partitions.values("service", "error_code"))
    assert run.partitions_done == run.partitions_total
    stored = list(AwsResource.objects.filter(account=aws_account).values_list("arn", flat=True))
    assert len(stored) == len(set(stored))  # no duplicates
    assert not AwsResource.objects.filter(gone_since__isnull=False).exists()  # none falsely gone
    assert set(stored) == _truth(aws_account)  # nothing lost, nothing extra
