"""Benchmark: sync 10,000 fake AWS resources across two regions.

Seeds a moto server (its own process, so it does not share our interpreter's GIL)
with a mostly-EC2 estate, then, for each of `--repeat` rounds (3 by default), runs back
to back:

1. the floor: a bare boto3 script making the same list and detail calls as the
   collectors (same paging, same per-resource calls, same pool of threads), partition
   after partition, storing nothing;
2. `aws_sync` of a freshly connected account: the real sync (services, collectors, ORM
   upserts, audit trail, link rules), every Celery task run inline one after the other
   (eager mode). Timed from the request to the run's end: the security checks that a
   finished run queues are a separate task, timed on their own and kept out of the ratio;
3. a second `aws_sync` of the same, unchanged estate (the steady state).

A closing floor run follows the last round; each sync is compared with the faster of
the floor runs just before and after it. Prints wall times (median and best), resources
per second and API calls per operation for both sides. DATABASE_URL selects the
database (SQLite in a temporary directory by default; use a throw-away PostgreSQL one).
Usage: .venv/bin/python benchmarks/aws_sync.py [--resources 10000] [--repeat 3]
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
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
        reservations = items(ec2, "describe_instances", "Reservations")
        ec2.describe_key_pairs()
        items(ec2, "describe_security_groups", "SecurityGroups")
        ec2.describe_images(Owners=["self"])
        items(ec2, "describe_network_interfaces", "NetworkInterfaces")
        list(
            pool.map(
                lambda i, ec2=ec2: ec2.describe_instance_attribute(
                    InstanceId=i["InstanceId"], Attribute="userData"
                ),
                [i for r in reservations for i in r.get("Instances") or []],
            )
        )
        ec2 = client(session(), "ec2", region)
        items(ec2, "describe_vpcs", "Vpcs")
        items(ec2, "describe_subnets", "Subnets")
        items(ec2, "describe_network_acls", "NetworkAcls")
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
        rds = client(session(), "rds", region)
        items(rds, "describe_db_instances", "DBInstances")
        list(
            pool.map(
                lambda s, rds=rds: rds.describe_db_snapshot_attributes(
                    DBSnapshotIdentifier=s["DBSnapshotIdentifier"]
                ),
                items(rds, "describe_db_snapshots", "DBSnapshots", SnapshotType="manual"),
            )
        )
        emr = client(session(), "emr", region)
        clusters = items(
            emr,
            "list_clusters",
            "Clusters",
            ClusterStates=["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING"],
        )
        list(pool.map(lambda c, emr=emr: emr.describe_cluster(ClusterId=c["Id"]), clusters))
        emr.get_block_public_access_configuration()
        eb = client(session(), "elasticbeanstalk", region)
        environments = items(eb, "describe_environments", "Environments", IncludeDeleted=False)
        list(
            pool.map(
                lambda e, eb=eb: eb.list_tags_for_resource(ResourceArn=e["EnvironmentArn"]),
                environments,
            )
        )
        glacier = client(session(), "glacier", region)

        def vault(v, glacier=glacier):
            with contextlib.suppress(glacier.exceptions.ResourceNotFoundException):
                glacier.get_vault_access_policy(vaultName=v["VaultName"])
            glacier.list_tags_for_vault(vaultName=v["VaultName"])

        list(pool.map(vault, items(glacier, "list_vaults", "VaultList")))
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
        ses = client(session(), "sesv2", region)
        identities, token = [], {}
        while True:  # sesv2 has no paginator: page by NextToken, as the collector does
            page = ses.list_email_identities(PageSize=1000, **token)
            identities += page.get("EmailIdentities") or []
            if not page.get("NextToken"):
                break
            token = {"NextToken": page["NextToken"]}
        list(
            pool.map(
                lambda i, ses=ses: ses.get_email_identity(EmailIdentity=i["IdentityName"]),
                identities,
            )
        )

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
            c.get_bucket_ownership_controls,
            c.get_object_lock_configuration,
            c.get_bucket_lifecycle_configuration,
            c.get_bucket_logging,
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
        for p in items(iam, "list_user_policies", "PolicyNames", UserName=n):
            iam.get_user_policy(UserName=n, PolicyName=p)
        items(iam, "list_groups_for_user", "Groups", UserName=n)
        items(iam, "list_user_tags", "Tags", UserName=n)

    def group(g):
        n = g["GroupName"]
        items(iam, "list_attached_group_policies", "AttachedPolicies", GroupName=n)
        for p in items(iam, "list_group_policies", "PolicyNames", GroupName=n):
            iam.get_group_policy(GroupName=n, PolicyName=p)

    def role(r):
        n = r["RoleName"]
        items(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=n)
        for p in items(iam, "list_role_policies", "PolicyNames", RoleName=n):
            iam.get_role_policy(RoleName=n, PolicyName=p)
        items(iam, "list_role_tags", "Tags", RoleName=n)

    def policy(p):
        iam.get_policy_version(PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"])

    list(pool.map(user, items(iam, "list_users", "Users")))
    list(pool.map(group, items(iam, "list_groups", "Groups")))
    list(pool.map(role, items(iam, "list_roles", "Roles")))
    list(pool.map(policy, items(iam, "list_policies", "Policies", Scope="Local")))
    with contextlib.suppress(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()
    iam.get_account_summary()
    pool.shutdown()
    return time.perf_counter() - start, calls


def sync_once(services, account) -> tuple[object, float]:
    """One `aws_sync` of `account`, timed from the request to the run's end. The
    security checks that a finished run queues are held back (see `main`)."""
    start = time.perf_counter()
    run, _ = services.aws_account_sync(account=account)
    seconds = time.perf_counter() - start
    run.refresh_from_db()
    assert not run.is_active, f"run #{run.pk} did not finish: {run.status}"
    return run, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="floor / sync / re-sync rounds (default 3)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from assets.aws.demo.fake import FakeAws

    moto, fake = FakeAws.spawn()
    endpoint = fake.endpoint_url
    try:
        settings.AWS_ENDPOINT_URL = endpoint
        settings.AWS_SYNC_THREADS = THREADS
        from assets.aws.demo.estate import seed_bulk

        t = time.perf_counter()
        created = seed_bulk(fake, account_id=ACCOUNT_ID, regions=REGIONS, total=args.resources)
        print(
            f"seeded {sum(created.values())} resources in {time.perf_counter() - t:.1f} s: "
            f"{created}"
        )

        call_command("migrate", verbosity=0)
        # DEBUG is on only so that the settings load without production secrets; with it,
        # Django would also keep the SQL of every query (10,000-row inserts formatted
        # as text), which no deployment does.
        settings.DEBUG = False
        from isms.celery import app

        app.conf.task_always_eager = True
        from assets.aws import services
        from assets.findings.tasks import findings_evaluate_run
        from assets.models import AwsAccount, AwsResource, SyncPartition

        # The target is the *sync* wall time. A finished run queues the security
        # checks (assets/findings/) as a separate task, which eager mode would run inside
        # the timed call: hold it back, and time it on its own after the sync.
        deferred_checks: list[int] = []
        services.evaluate_after_sync = lambda *, run_id: deferred_checks.append(run_id)

        print(f"database: {connection.vendor}; load average before: {os.getloadavg()}")
        rounds = []
        floors = []
        for number in range(1, args.repeat + 1):
            AwsAccount.objects.filter(account_id=ACCOUNT_ID).delete()  # a first sync each round
            account = AwsAccount.objects.create(
                name="Bench",
                account_id=ACCOUNT_ID,
                external_id="isms-benchmark-external-id",
                role_arn=f"arn:aws:iam::{ACCOUNT_ID}:role/isms-reader",
                regions=REGIONS,
            )
            floor_seconds, floor_calls = floor(fake, {})
            floors.append(floor_seconds)
            run, sync_seconds = sync_once(services, account)
            t = time.perf_counter()
            findings_evaluate_run(deferred_checks.pop())
            checks_seconds = time.perf_counter() - t
            resync_run, resync_seconds = sync_once(services, account)
            deferred_checks.clear()
            rounds.append(
                {
                    "run": run,
                    "sync": sync_seconds,
                    "checks": checks_seconds,
                    "resync": resync_seconds,
                    "resync_status": resync_run.status,
                    "load": os.getloadavg()[0],
                }
            )
            print(
                f"round {number}: floor {floor_seconds:.1f} s | first sync {sync_seconds:.1f} s "
                f"({run.status}) + checks {checks_seconds:.1f} s | re-sync {resync_seconds:.1f} s "
                f"({resync_run.status}) | load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        floors.append(floor(fake, {})[0])
        print(f"closing floor: {floors[-1]:.1f} s")

        # Each sync is compared with the faster of the floor runs just before and after it
        # (same moto process, same load, back to back).
        ratios = []
        for number, entry in enumerate(rounds):
            nearest = min(floors[number], floors[number + 1])
            ratios.append(entry["sync"] / nearest)
            entry["floor"] = nearest
        syncs = [r["sync"] for r in rounds]
        run = rounds[-1]["run"]
        stored = AwsResource.objects.filter(account=run.account).count()
        calls: Counter = Counter()
        for partition in SyncPartition.objects.filter(run=run):
            calls.update(partition.api_calls)
        by_type = Counter(
            AwsResource.objects.filter(account=run.account).values_list("resource_type", flat=True)
        )
        print(
            f"\naws_sync (first sync of a fresh account, checks excluded): {stored} resources, "
            f"{sum(calls.values())} API calls; median {statistics.median(syncs):.1f} s "
            f"= {stored / statistics.median(syncs):,.0f} resources/s, best {min(syncs):.1f} s"
        )
        print(
            f"floor (bare boto3, same calls): {sum(floor_calls.values())} API calls; "
            f"runs {', '.join(f'{f:.1f}' for f in floors)} s"
        )
        print(
            f"ratio aws_sync / floor: median {statistics.median(ratios):.2f}, best "
            f"{min(ratios):.2f}, all {', '.join(f'{r:.2f}' for r in ratios)} "
            "(target <= 1.3; wall < 60 s)"
        )
        checks = [r["checks"] for r in rounds]
        resyncs = [r["resync"] for r in rounds]
        print(
            f"security checks after the sync (separate task, not in the ratio): median "
            f"{statistics.median(checks):.1f} s; sync + checks median "
            f"{statistics.median(s + c for s, c in zip(syncs, checks, strict=True)):.1f} s"
        )
        print(
            f"re-sync, nothing changed: median {statistics.median(resyncs):.1f} s, best "
            f"{min(resyncs):.1f} s"
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
