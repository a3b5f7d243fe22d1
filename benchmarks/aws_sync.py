"""Benchmark: sync 10,000 fake AWS resources across two regions.

Seeds a moto server (its own process, so it does not share our interpreter's GIL)
with a mostly-EC2 estate, then measures:

1. `aws_sync`: the real sync (services + collectors + ORM upserts + audit trail), every
   Celery task run inline one after the other (CELERY_TASK_ALWAYS_EAGER);
2. the floor: a bare boto3 script making the same list and detail calls, partition
   after partition, with the same thread pool for detail calls, storing nothing.

Prints wall times, resources per second and API calls per resource type.
Usage: .venv/bin/python benchmarks/aws_sync.py [--resources 10000]
"""

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="isms-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="isms.settings",
    DEBUG="1",
    ISMS_VAR_DIR=VAR,
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    LOG_LEVEL="WARNING",
)
ACCOUNT_ID = "111122223333"
REGIONS = ["eu-west-1", "eu-central-1"]
THREADS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    moto = subprocess.Popen(
        [str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/data.json", timeout=1)  # noqa: S310
            return moto, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("moto_server did not start")


def floor(fake, session_kwargs) -> tuple[float, Counter]:
    """The same enumeration with bare boto3: list calls, then the detail calls."""
    import boto3
    from botocore.config import Config

    calls: Counter = Counter()
    config = Config(retries={"mode": "standard", "max_attempts": 8}, max_pool_connections=20)
    sts = boto3.client("sts", endpoint_url=fake.endpoint_url, region_name="us-east-1")
    pool = ThreadPoolExecutor(THREADS)

    def session():
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/isms-reader",
            RoleSessionName="bench-floor",
            ExternalId="isms-benchmark-external-id",
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )

    def client(sess, name, region):
        c = sess.client(name, region_name=region, endpoint_url=fake.endpoint_url, config=config)
        c.meta.events.register(
            "before-call.*.*",
            lambda model, **_: calls.update([f"{c.meta.service_model.service_name}:{model.name}"]),
        )
        return c

    def items(c, op, key, **kw):
        return [i for page in c.get_paginator(op).paginate(**kw) for i in page.get(key) or []]

    start = time.perf_counter()
    for region in REGIONS:
        ec2 = client(session(), "ec2", region)
        items(ec2, "describe_instances", "Reservations")
        ec2.describe_key_pairs()
        items(ec2, "describe_security_groups", "SecurityGroups")
        ec2 = client(session(), "ec2", region)
        items(ec2, "describe_vpcs", "Vpcs")
        items(ec2, "describe_subnets", "Subnets")
        ec2 = client(session(), "ec2", region)
        items(ec2, "describe_volumes", "Volumes")
        snaps = items(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"])
        list(
            pool.map(
                lambda s, ec2=ec2: ec2.describe_snapshot_attribute(
                    SnapshotId=s["SnapshotId"], Attribute="createVolumePermission"
                ),
                snaps,
            )
        )
        ec2.get_ebs_encryption_by_default()
        items(
            client(session(), "autoscaling", region),
            "describe_auto_scaling_groups",
            "AutoScalingGroups",
        )
        items(client(session(), "rds", region), "describe_db_instances", "DBInstances")
        emr = client(session(), "emr", region)
        items(
            emr,
            "list_clusters",
            "Clusters",
            ClusterStates=["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING"],
        )
        emr.get_block_public_access_configuration()
        items(
            client(session(), "elasticbeanstalk", region),
            "describe_environments",
            "Environments",
            IncludeDeleted=False,
        )
        items(client(session(), "glacier", region), "list_vaults", "VaultList")
        ddb = client(session(), "dynamodb", region)

        def table(name, ddb=ddb):
            arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
            ddb.describe_continuous_backups(TableName=name)
            ddb.list_tags_of_resource(ResourceArn=arn)

        list(pool.map(table, items(ddb, "list_tables", "TableNames")))
        sqs = client(session(), "sqs", region)

        def queue(url, sqs=sqs):
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            sqs.list_queue_tags(QueueUrl=url)

        list(pool.map(queue, items(sqs, "list_queues", "QueueUrls")))
        client(session(), "sesv2", region).list_email_identities(PageSize=1000)

    sess = session()
    s3 = client(sess, "s3", "us-east-1")
    s3_by_region = {r: client(sess, "s3", r) for r in REGIONS + ["us-east-1"]}

    def bucket(b):
        name = b["Name"]
        loc = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
        c = s3_by_region[loc]
        for call in (
            c.get_bucket_versioning,
            c.get_bucket_encryption,
            c.get_public_access_block,
            c.get_bucket_acl,
            c.get_bucket_policy,
            c.get_bucket_replication,
            c.get_bucket_tagging,
        ):
            with contextlib.suppress(c.exceptions.ClientError):
                call(Bucket=name)

    list(pool.map(bucket, items(s3, "list_buckets", "Buckets")))
    try:
        s3control = client(sess, "s3control", "us-east-1")
        s3control.meta.events.register(
            "before-sign.s3-control.*",
            lambda request, **_: setattr(
                request, "url", request.url.replace(f"://{ACCOUNT_ID}.", "://")
            ),
        )
        s3control.get_public_access_block(AccountId=ACCOUNT_ID)
    except Exception:  # noqa: BLE001, S110 - not configured
        pass
    iam = client(session(), "iam", "us-east-1")

    def user(u):
        n = u["UserName"]
        with contextlib.suppress(iam.exceptions.NoSuchEntityException):
            iam.get_login_profile(UserName=n)
        items(iam, "list_mfa_devices", "MFADevices", UserName=n)
        for key in items(iam, "list_access_keys", "AccessKeyMetadata", UserName=n):
            iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        items(iam, "list_attached_user_policies", "AttachedPolicies", UserName=n)
        items(iam, "list_user_policies", "PolicyNames", UserName=n)
        items(iam, "list_groups_for_user", "Groups", UserName=n)
        items(iam, "list_user_tags", "Tags", UserName=n)

    list(pool.map(user, items(iam, "list_users", "Users")))
    items(iam, "list_groups", "Groups")
    items(iam, "list_roles", "Roles")
    items(iam, "list_policies", "Policies", Scope="Local")
    with contextlib.suppress(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()
    iam.get_account_summary()
    pool.shutdown()
    return time.perf_counter() - start, calls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    moto, endpoint = start_moto()
    try:
        settings.AWS_ENDPOINT_URL = endpoint
        settings.AWS_SYNC_THREADS = THREADS
        from assets.aws.fake import FakeAws
        from assets.aws.fake_estate import seed_bulk

        fake = FakeAws.connect(endpoint)
        t = time.perf_counter()
        created = seed_bulk(fake, account_id=ACCOUNT_ID, regions=REGIONS, total=args.resources)
        print(
            f"seeded {sum(created.values())} resources in {time.perf_counter() - t:.1f} s: "
            f"{created}"
        )

        call_command("migrate", verbosity=0)
        from isms.celery import app

        app.conf.task_always_eager = True
        from assets.aws import services
        from assets.models import AwsAccount, AwsResource, SyncPartition

        account = AwsAccount.objects.create(
            name="Bench",
            account_id=ACCOUNT_ID,
            external_id="isms-benchmark-external-id",
            role_arn=f"arn:aws:iam::{ACCOUNT_ID}:role/isms-reader",
            regions=REGIONS,
        )
        # The floor runs before and after the sync (the fake AWS warms up); the faster
        # of the two is the floor.
        floor_before, floor_calls = floor(fake, {})
        start = time.perf_counter()
        run, _ = services.aws_account_sync(account=account)
        sync_seconds = time.perf_counter() - start
        floor_after, _ = floor(fake, {})
        floor_seconds = min(floor_before, floor_after)
        print(f"floor runs: {floor_before:.1f} s before, {floor_after:.1f} s after the sync")
        run.refresh_from_db()
        stored = AwsResource.objects.filter(account=account).count()
        calls: Counter = Counter()
        for partition in SyncPartition.objects.filter(run=run):
            calls.update(partition.api_calls)
        by_type = Counter(
            AwsResource.objects.filter(account=account).values_list("resource_type", flat=True)
        )

        print(
            f"\naws_sync: status {run.status}, {stored} resources in {sync_seconds:.1f} s "
            f"= {stored / sync_seconds:,.0f} resources/s, {sum(calls.values())} API calls"
        )
        print(
            f"floor (bare boto3, same calls): {floor_seconds:.1f} s, "
            f"{sum(floor_calls.values())} API calls"
        )
        print(
            f"ratio aws_sync / floor: {sync_seconds / floor_seconds:.2f} "
            "(target <= 1.3; wall < 60 s)"
        )
        print("\nresources per type:", dict(sorted(by_type.items())))
        print("\nAPI calls per operation (aws_sync | floor):")
        for op in sorted(set(calls) | set(floor_calls)):
            print(f"  {op:<45} {calls.get(op, 0):>6} | {floor_calls.get(op, 0):>6}")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
