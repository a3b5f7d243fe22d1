"""The lifecycle of findings across syncs against a fake AWS: open -> resolved ->
reopened with its history; muting (reason and date in the audit trail) and expiry;
"not evaluated" when a collection fails; resolved when the resource is gone; the $ at
stake; idempotent evaluation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets.findings import services
from assets.models import Finding, PostureSnapshot
from isms.models import AuditEvent
from tests.assets.aws.conftest import ACCOUNT_ID
from tests.assets.factories import AssetFactory, chain

pytestmark = pytest.mark.django_db
SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _ssh_group(estate, name="bastion"):
    ec2 = estate.client("ec2")
    group = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[SSH])
    return ec2, group


def _finding(account, check_id="ec2-sg-open-admin-ports", name="bastion"):
    return Finding.objects.get(account=account, check_id=check_id, resource__name=name)


def _history(finding):
    return list(
        AuditEvent.objects.filter(
            content_type__model="finding", object_id=str(finding.pk)
        ).order_by("id")
    )


def test_open_resolved_reopened_with_history(fake_aws, aws_account, estate, run_sync):
    ec2, group = _ssh_group(estate)

    first = run_sync(aws_account)
    finding = _finding(aws_account)
    assert finding.status == "open" and finding.severity == "high"
    assert finding.last_run_id == first.pk and finding.resolved_at is None
    first_seen = finding.first_seen

    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[SSH])
    run_sync(aws_account)
    finding.refresh_from_db()
    assert finding.status == "resolved" and finding.resolved_at is not None

    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[SSH])
    third = run_sync(aws_account)
    reopened = _finding(aws_account)
    assert reopened.pk == finding.pk  # the same finding, with its history
    assert reopened.status == "open" and reopened.times_reopened == 1
    assert reopened.first_seen == first_seen and reopened.resolved_at is None
    assert reopened.last_seen > first_seen
    messages = [e.message for e in _history(reopened)]
    assert messages[0].startswith("Found by the security checks (after sync")
    assert messages[1].startswith("Resolved: the check passes (after sync")
    assert messages[2] == f"Reopened: the check fails again (after sync #{third.pk})."
    assert [e.changes["status"] for e in _history(reopened)] == [
        [None, "open"],
        ["open", "resolved"],
        ["resolved", "open"],
    ]


def test_evaluating_again_changes_nothing(fake_aws, aws_account, estate, run_sync):
    _ssh_group(estate)
    run = run_sync(aws_account)
    count, events = Finding.objects.count(), AuditEvent.objects.count()

    services.findings_evaluate(account=aws_account, run=run)

    assert Finding.objects.count() == count
    assert AuditEvent.objects.count() == events  # no transition, nothing to record
    assert PostureSnapshot.objects.filter(account=aws_account, run=run).count() == 1


def test_mute_needs_a_reason_and_a_future_date(fake_aws, aws_account, estate, run_sync):
    _ssh_group(estate)
    run_sync(aws_account)
    finding = _finding(aws_account)
    timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.finding_mute(finding=finding, reason="  ", until=timezone.localdate())
    assert set(error.value.error_dict) == {"reason", "until"}
    finding.refresh_from_db()
    assert finding.status == "open"  # nothing changed


def test_a_mute_is_audited_holds_across_syncs_and_reopens_when_expired(
    fake_aws, aws_account, estate, run_sync, security_manager
):
    _ssh_group(estate)
    run_sync(aws_account)
    until = timezone.localdate() + datetime.timedelta(days=30)

    services.finding_mute(
        finding=_finding(aws_account),
        reason="Bastion replaced next sprint (RISK-12)",
        until=until,
        user=security_manager,
    )

    muted = _finding(aws_account)
    assert muted.status == "muted" and muted.muted_by == security_manager
    event = _history(muted)[-1]
    assert event.message == f"Muted until {until}: Bastion replaced next sprint (RISK-12)"
    assert event.changes["status"] == ["open", "muted"]
    assert event.changes["muted_until"] == [None, until.isoformat()]

    run_sync(aws_account)  # still failing, still muted
    assert _finding(aws_account).status == "muted"

    later = timezone.now() + datetime.timedelta(days=31)
    services.findings_evaluate(account=aws_account, now=later)

    expired = _finding(aws_account)
    assert expired.status == "open"
    assert _history(expired)[-1].message.startswith(f"Reopened: the mute expired on {until}")


def test_the_daily_task_reopens_expired_mutes(fake_aws, aws_account, estate, run_sync):
    _ssh_group(estate)
    run_sync(aws_account)
    until = timezone.localdate() + datetime.timedelta(days=2)
    services.finding_mute(finding=_finding(aws_account), reason="Accepted", until=until)

    assert services.findings_unmute_expired(today=until) == 0
    assert services.findings_unmute_expired(today=until + datetime.timedelta(days=1)) == 1

    finding = _finding(aws_account)
    assert finding.status == "open"
    assert _history(finding)[-1].message == "Reopened: the mute expired."


def test_unmute(fake_aws, aws_account, estate, run_sync):
    _ssh_group(estate)
    run_sync(aws_account)
    finding = services.finding_mute(
        finding=_finding(aws_account),
        reason="Accepted",
        until=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.finding_unmute(finding=finding)
    assert _finding(aws_account).status == "open"
    with pytest.raises(ValidationError):
        services.finding_unmute(finding=finding)


def _table(estate, name):
    estate.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_a_failed_collection_is_not_evaluated_never_passed(
    fake_aws, aws_account, estate, run_sync, as_worker
):
    _table(estate, "sessions")  # point-in-time recovery off: a finding
    _table(estate, "orders")
    estate.client("dynamodb").update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    fake_aws.create_reader_role(
        ACCOUNT_ID, external_id=aws_account.external_id, deny_actions=["dynamodb:*"]
    )
    run_sync(aws_account)
    assert _finding(aws_account, "dynamodb-pitr-off", "sessions").status == "open"
    assert not Finding.objects.filter(check_id="dynamodb-pitr-off", resource__name="orders")
    as_worker()

    run = run_sync(aws_account)

    assert run.status == "partial"
    finding = _finding(aws_account, "dynamodb-pitr-off", "sessions")
    assert finding.status == "not_evaluated"
    assert f"sync #{run.pk} could not collect dynamodb in eu-west-1: AccessDenied" in (
        finding.detail
    )
    # The table that passed before is not evaluated now either: never a stale pass.
    passed_before = _finding(aws_account, "dynamodb-pitr-off", "orders")
    assert passed_before.status == "not_evaluated" and "AccessDenied" in passed_before.detail
    snapshot = PostureSnapshot.objects.get(run=run)
    assert snapshot.checks["dynamodb-pitr-off"] == [0, 0, 2]


def test_a_denied_detail_call_is_not_evaluated(fake_aws, aws_account, estate, run_sync, as_worker):
    estate.client("s3").create_bucket(
        Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    fake_aws.create_reader_role(
        ACCOUNT_ID, external_id=aws_account.external_id, deny_actions=["s3:GetBucketPolicy"]
    )
    as_worker()

    run_sync(aws_account)

    for check_id in ("s3-bucket-policy-public", "s3-bucket-https-not-enforced"):
        finding = _finding(aws_account, check_id, "reports")
        assert finding.status == "not_evaluated", check_id
        assert "Policy (AccessDenied)" in finding.detail
    assert _finding(aws_account, "s3-bucket-versioning-off", "reports").status == "open"


def test_a_finding_of_a_gone_resource_is_resolved(fake_aws, aws_account, estate, run_sync):
    ec2, group = _ssh_group(estate)
    run_sync(aws_account)
    ec2.delete_security_group(GroupId=group)

    run_sync(aws_account)

    finding = _finding(aws_account)
    assert finding.status == "resolved" and "gone" in finding.detail


def test_value_at_stake_comes_from_the_linked_assets(
    fake_aws, aws_account, estate, run_sync, client_as, auditor
):
    # The queue serves "orders" (own $100k), on which "checkout" ($400k) depends.
    orders, checkout = chain(100_000, 400_000)[::-1]
    other = AssetFactory(value_usd=50_000)
    sqs = estate.client("sqs")
    sqs.create_queue(
        QueueName="orders",
        Attributes={"SqsManagedSseEnabled": "false"},
        tags={"isms:asset": orders.ref},
    )
    sqs.create_queue(QueueName="audit", Attributes={"SqsManagedSseEnabled": "false"})

    run = run_sync(aws_account)

    orders.refresh_from_db()
    owned = _finding(aws_account, "sqs-not-encrypted", "orders")
    assert owned.value_at_stake_usd == orders.value_at_stake_usd == Decimal("500000.00")
    # A resource linked to no asset: the value is unknown, never $0.
    unowned = _finding(aws_account, "sqs-not-encrypted", "audit")
    assert unowned.value_at_stake_usd is None
    page = client_as(auditor).get(unowned.get_absolute_url()).content.decode()
    assert "unowned, value unknown" in page and "$0" not in page
    snapshot = PostureSnapshot.objects.get(run=run)
    assert snapshot.value_at_stake_usd == Decimal("500000.00")  # each asset counted once
    assert other.pk  # not linked: not at stake
