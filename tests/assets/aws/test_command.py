"""manage.py aws_sync: starts a sync, follows it with --wait, exit code by outcome."""

import pytest
from django.core.management import CommandError, call_command

from tests.assets.aws.conftest import ACCOUNT_ID

# Real commits, so that the tasks (run inline) start while --wait is polling.
pytestmark = pytest.mark.django_db(transaction=True)


def _queue(estate, name):
    estate.client("sqs").create_queue(QueueName=name)


def test_it_syncs_and_reports_success(
    fake_aws, aws_account, estate, capsys, django_capture_on_commit_callbacks
):
    _queue(estate, "orders")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("aws_sync", aws_account.name, "--wait")
    out = capsys.readouterr().out
    assert "succeeded" in out and "sqs" in out
    assert aws_account.resources.filter(name="orders").exists()


def test_partial_is_printed_clearly_and_exits_zero(fake_aws, aws_account, capsys, as_worker):
    fake_aws.create_reader_role(
        ACCOUNT_ID, external_id=aws_account.external_id, deny_actions=["sqs:*"]
    )
    as_worker()
    call_command("aws_sync", ACCOUNT_ID, "--wait", "--timeout", "60")  # no error: exit code 0
    out = capsys.readouterr().out
    assert "PARTIAL" in out and "sqs in eu-west-1: AccessDenied" in out


def test_a_failed_sync_exits_non_zero(fake_aws, aws_account, as_worker):
    as_worker(may_assume_roles=False)
    with pytest.raises(CommandError, match="failed: AccessDenied"):
        call_command("aws_sync", str(aws_account.pk), "--wait", "--timeout", "60")


def test_an_unknown_account_is_an_error(db):
    with pytest.raises(CommandError, match="No AWS account"):
        call_command("aws_sync", "nope")


def test_wait_returns_after_the_checks_and_prints_the_posture(
    fake_aws, aws_account, estate, capsys, django_capture_on_commit_callbacks
):
    estate.client("s3", "us-east-1").create_bucket(Bucket="open-data")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("aws_sync", aws_account.name, "--wait")
    out = capsys.readouterr().out
    run = aws_account.sync_runs.get()
    posture = run.postures.get()
    assert posture.open_findings > 0
    assert f"Checks: {posture.open_findings} open finding(s)" in out
    assert "value at stake $" in out


def test_inline_syncs_and_checks_without_a_worker(fake_aws, aws_account, estate, capsys):
    """No eager mode from the test here: the command itself runs the tasks in-process."""
    from isms.celery import app

    app.conf.task_always_eager = False
    _queue(estate, "inline-orders")
    call_command("aws_sync", aws_account.name, "--inline", "--timeout", "120")
    out = capsys.readouterr().out
    assert "succeeded" in out and "Checks:" in out
    assert aws_account.resources.filter(name="inline-orders").exists()
    assert app.conf.task_always_eager is False  # restored


@pytest.mark.django_db  # no commit, so the run's task is never sent: as if no worker ran
def test_wait_says_how_to_start_a_worker_when_none_picks_the_run_up(
    fake_aws, aws_account, capsys, monkeypatch
):
    from assets.management.commands import aws_sync

    monkeypatch.setattr(aws_sync, "NO_WORKER_AFTER", 0)
    with pytest.raises(CommandError, match="still queued"):
        call_command("aws_sync", aws_account.name, "--wait", "--timeout", "2")
    out = capsys.readouterr().out
    assert "No worker has picked sync" in out and "--inline" in out
