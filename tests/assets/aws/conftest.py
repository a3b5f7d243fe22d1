"""A fake AWS (moto server) for the AWS connector's tests, reset before each test.

The connector reaches it only through settings.AWS_ENDPOINT_URL, as it reaches AWS;
the worker's own credentials are fake ones in the environment.
"""

from contextlib import contextmanager

import pytest
from django.test import override_settings

from assets.aws.demo.fake import FakeAws, reader_role_arn
from tests.assets.aws.factories import AwsAccountFactory

ACCOUNT_ID = "111122223333"
REGIONS = ["eu-west-1", "eu-central-1"]


@pytest.fixture(scope="session")
def _fake_aws_server():
    server = FakeAws().start()
    yield server
    server.stop()


@contextmanager
def pointed_at(server):
    """The connector pointed at the fake AWS, empty, with Celery running tasks inline,
    for the block (a test's or a module's)."""
    from isms.celery import app

    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        override_settings(
            AWS_ENDPOINT_URL=server.endpoint_url,
            AWS_MAX_ATTEMPTS=2,
            AWS_PAGE_SIZE=None,
            CELERY_TASK_ALWAYS_EAGER=True,
        ),
    ):
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        app.conf.task_always_eager = True
        server.reset()
        try:
            yield server
        finally:
            server.reset()
            app.conf.task_always_eager = False


@pytest.fixture
def fake_aws(_fake_aws_server):
    """The fake AWS, empty; the connector points at it and Celery runs tasks inline."""
    with pointed_at(_fake_aws_server) as server:
        yield server


@pytest.fixture
def as_worker(fake_aws, monkeypatch):
    """as_worker(**options): from now on the connector runs as an IAM user of the
    worker's account (`FakeAws.create_worker_identity`'s options) and the fake AWS
    enforces IAM, so a policy that denies an action gets AccessDenied as on AWS."""

    def switch(**options):
        worker = fake_aws.create_worker_identity(**options)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", worker["aws_access_key_id"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", worker["aws_secret_access_key"])
        fake_aws.enforce_iam()

    return switch


@pytest.fixture
def aws_account(db):
    """The connected account the tests sync (one region, to keep the suite quick; the
    first sync test uses both)."""
    return AwsAccountFactory(
        name="Production",
        account_id=ACCOUNT_ID,
        role_arn=reader_role_arn(ACCOUNT_ID),
        regions=REGIONS[:1],
    )


@pytest.fixture
def estate(fake_aws):
    """A session inside the account, to build the estate a test needs with boto3."""

    class Estate:
        session = fake_aws.account_session(ACCOUNT_ID)

        def client(self, service, region=REGIONS[0]):
            return fake_aws.client(self.session, service, region)

    return Estate()


@pytest.fixture
def run_sync(django_capture_on_commit_callbacks):
    """run_sync(account) -> the finished SyncRun, every task run inline."""
    from assets.aws import services

    def run(account, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            sync_run, _ = services.aws_account_sync(account=account, **kwargs)
        sync_run.refresh_from_db()
        return sync_run

    return run
