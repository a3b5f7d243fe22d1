"""Issue 18's RDS checks (assets/aws/checks/rds_more.py): DB clusters and their
snapshots, default ports, Enhanced Monitoring, Extended Support and the region's event
subscriptions. Each against an estate built in the fake AWS and read by the real
collector, with failing and passing resources; what the fake AWS cannot produce (an
instance's support lifecycle, unreadable subscriptions) on stored configurations."""

import pytest

from assets.aws.checks import Result
from tests.assets.aws.conftest import ACCOUNT_ID, REGIONS
from tests.assets.checks.factories import check_input
from tests.assets.checks.factories import check_result as _result

pytestmark = pytest.mark.django_db
TOPIC = f"arn:aws:sns:{REGIONS[0]}:{ACCOUNT_ID}:ops"
SUBSCRIPTIONS = f"RDS event subscriptions ({REGIONS[0]})"


def _cluster(rds, name, *, hardened):
    extra = (
        {
            "StorageEncrypted": True,
            "DeletionProtection": True,
            "BacktrackWindow": 86400,
            "CopyTagsToSnapshot": True,
            "EnableIAMDatabaseAuthentication": True,
            "EnableCloudwatchLogsExports": ["audit", "error"],
            "Port": 3307,
        }
        if hardened
        else {"AutoMinorVersionUpgrade": False}
    )
    rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-mysql",
        MasterUsername="reporting" if hardened else "admin",
        MasterUserPassword="not-a-real-pass",
        **extra,
    )
    if hardened:  # a writer and a reader in two zones
        for number, zone in ((1, "a"), (2, "b")):
            rds.create_db_instance(
                DBInstanceIdentifier=f"{name}-{number}",
                DBClusterIdentifier=name,
                DBInstanceClass="db.r6g.large",
                Engine="aurora-mysql",
                AvailabilityZone=f"{REGIONS[0]}{zone}",
            )


def test_clusters_ports_monitoring_and_event_subscriptions(
    fake_aws, aws_account, estate, run_sync, outcome
):
    rds = estate.client("rds")
    _cluster(rds, "aurora-plain", hardened=False)
    _cluster(rds, "aurora-hardened", hardened=True)
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier="aurora-plain", DBClusterSnapshotIdentifier="plain-shared"
    )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="plain-shared", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier="aurora-hardened", DBClusterSnapshotIdentifier="hardened-kept"
    )
    for name, watched in (("db-default", False), ("db-watched", True)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="app",
            MasterUserPassword="not-a-real-pass",
            AllocatedStorage=20,
            **(
                {"Port": 6432, "MonitoringInterval": 30, "MonitoringRoleArn": TOPIC}
                if watched
                else {}
            ),
        )
    # Instances are watched for failures only (not maintenance or changes); parameter
    # groups for every category; clusters and DB security groups not at all.
    rds.create_event_subscription(
        SubscriptionName="instances", SnsTopicArn=TOPIC, SourceType="db-instance",
        EventCategories=["failure"], Enabled=True,
    )  # fmt: skip
    rds.create_event_subscription(
        SubscriptionName="params", SnsTopicArn=TOPIC, SourceType="db-parameter-group",
        Enabled=True,
    )  # fmt: skip

    run_sync(aws_account)

    for check_id in (
        "rds-cluster-storage-unencrypted",
        "rds-cluster-deletion-protection-off",
        "rds-cluster-backtrack-off",
        "rds-cluster-copy-tags-to-snapshots-off",
        "rds-cluster-default-master-user",
        "rds-cluster-iam-auth-off",
        "rds-cluster-logs-not-exported",
        "rds-cluster-minor-upgrades-off",
        "rds-cluster-single-az",
        "rds-default-port",
    ):
        assert outcome(aws_account, check_id, "aurora-plain")[0] == "open", check_id
        assert outcome(aws_account, check_id, "aurora-hardened")[0] == "pass", check_id
    status, detail = outcome(aws_account, "rds-cluster-default-master-user", "aurora-plain")
    assert "'admin'" in detail
    assert outcome(aws_account, "rds-snapshot-public", "plain-shared")[0] == "open"
    assert outcome(aws_account, "rds-snapshot-unencrypted", "plain-shared")[0] == "open"
    assert outcome(aws_account, "rds-snapshot-public", "hardened-kept")[0] == "pass"
    assert outcome(aws_account, "rds-snapshot-unencrypted", "hardened-kept")[0] == "pass"

    status, detail = outcome(aws_account, "rds-default-port", "db-default")
    assert status == "open" and "5432" in detail
    assert outcome(aws_account, "rds-default-port", "db-watched")[0] == "pass"
    assert outcome(aws_account, "rds-enhanced-monitoring-off", "db-default")[0] == "open"
    assert outcome(aws_account, "rds-enhanced-monitoring-off", "db-watched")[0] == "pass"

    status, detail = outcome(aws_account, "rds-instance-events-unwatched", SUBSCRIPTIONS)
    assert status == "open" and "configuration change, failure, maintenance" in detail
    assert outcome(aws_account, "rds-cluster-events-unwatched", SUBSCRIPTIONS)[0] == "open"
    assert outcome(aws_account, "rds-security-group-events-unwatched", SUBSCRIPTIONS)[0] == "open"
    assert outcome(aws_account, "rds-parameter-group-events-unwatched", SUBSCRIPTIONS)[0] == "pass"


def _stored(resource_type, configuration):
    return check_input("rds", resource_type, configuration)


def test_extended_support_and_engines_without_backtracking():
    extended = {"EngineLifecycleSupport": "open-source-rds-extended-support"}
    assert _result("rds-extended-support", _stored("db-instance", extended)) == Result.FAIL
    standard = {"EngineLifecycleSupport": "open-source-rds-extended-support-disabled"}
    assert _result("rds-extended-support", _stored("db-instance", standard)) == Result.PASS
    # Only Aurora MySQL can backtrack: an Aurora PostgreSQL cluster is not asked to.
    postgres = {"Engine": "aurora-postgresql", "BacktrackWindow": 0}
    assert _result("rds-cluster-backtrack-off", _stored("db-cluster", postgres)) == Result.PASS
    # Default ports per engine family, whatever the engine's edition.
    oracle = {"Engine": "oracle-ee", "Endpoint": {"Port": 1521}}
    assert _result("rds-default-port", _stored("db-instance", oracle)) == Result.FAIL
    sqlserver = {"Engine": "sqlserver-se", "Endpoint": {"Port": 1533}}
    assert _result("rds-default-port", _stored("db-instance", sqlserver)) == Result.PASS


def test_event_subscriptions_disabled_unread_or_with_nothing_to_watch():
    every = {"SourceType": "db-instance", "EventCategoriesList": [], "Enabled": True}
    disabled = {**every, "Enabled": False}
    region = {"InstancesInRegion": 2, "ClustersInRegion": 0}
    check_id = "rds-instance-events-unwatched"
    record = _stored("event-subscriptions", {**region, "EventSubscriptions": [every]})
    assert _result(check_id, record) == Result.PASS
    record = _stored("event-subscriptions", {**region, "EventSubscriptions": [disabled]})
    assert _result(check_id, record) == Result.FAIL
    unread = {**region, "EventSubscriptions": None, "_errors": {"eventSubscriptions": "Denied"}}
    assert _result(check_id, _stored("event-subscriptions", unread)) == Result.NOT_EVALUATED
    # No cluster in the region: nothing to hear about, whatever the subscriptions.
    record = _stored("event-subscriptions", {**region, "EventSubscriptions": []})
    assert _result("rds-cluster-events-unwatched", record) == Result.PASS
    assert _result("rds-default-port", _stored("db-instance", {})) == Result.NOT_EVALUATED


def test_certificates_expired_expiring_valid_or_unreported():
    # check_result evaluates at 2026-01-01.
    for valid_till, expected in (
        ("2025-12-01T00:00:00+00:00", Result.FAIL),  # expired
        ("2026-01-20T00:00:00+00:00", Result.FAIL),  # within 30 days
        ("2026-06-01T00:00:00Z", Result.PASS),
    ):
        instance = _stored("db-instance", {"CertificateDetails": {"ValidTill": valid_till}})
        assert _result("rds-certificate-expiring", instance) == expected, valid_till
    unreported = _stored("db-instance", {"CACertificateIdentifier": "rds-ca-default"})
    assert _result("rds-certificate-expiring", unreported) == Result.NOT_EVALUATED
