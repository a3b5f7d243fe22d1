"""The background path end to end: a real worker process executes a task enqueued here.

Locally the broker is the embedded file-system transport; in CI it is the real Redis
(CELERY_BROKER_URL), and the database the real PostgreSQL.
"""

import uuid

import pytest
from django.db import transaction

from isms import services
from isms.models import Heartbeat
from isms.tasks import heartbeat
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_process_executes_the_heartbeat_task():
    token = uuid.uuid4().hex
    with celery_worker():
        heartbeat.delay(token)
        beat = wait_for(
            lambda: Heartbeat.objects.filter(token=token).first(), what="the heartbeat row"
        )
    assert beat.worker  # the worker's host name


def test_heartbeat_is_enqueued_only_when_the_transaction_commits():
    committed, rolled_back = uuid.uuid4().hex, uuid.uuid4().hex
    with celery_worker():
        with transaction.atomic():
            services.heartbeat_request(token=committed)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.heartbeat_request(token=rolled_back)
            raise RuntimeError("abort")
        wait_for(lambda: Heartbeat.objects.filter(token=committed).exists(), what="heartbeat")
    assert not Heartbeat.objects.filter(token=rolled_back).exists()


def test_heartbeat_task_is_idempotent():
    heartbeat.run("twice")
    heartbeat.run("twice")
    assert Heartbeat.objects.filter(token="twice").count() == 1
