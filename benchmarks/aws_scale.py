"""Benchmark: sync and check several AWS accounts at scale with 1, 2 and 4 worker processes.

Starts the fake AWS in its own process (`FakeAws.spawn()`) and seeds `--accounts`
accounts (5 by default) with `--resources` resources in all (50,000 by default), spread
over two regions, with the bulk estate of assets/aws/demo/estate.py (mostly EC2:
instances, security groups, volumes, subnets; 1% each of queues, tables, buckets and
users, which need detail calls). Then, for each worker count of `--workers` (1,2,4):

1. the accounts are connected afresh (the previous round's resources, runs and findings
   deleted), so each round does the same work: a first sync of every account;
2. a Celery worker is started as the product runs it (`celery -A isms worker`, prefork
   pool, `--concurrency N`), against the Redis broker of CELERY_BROKER_URL;
3. a sync of every account is requested at once (as the organisation sync does); the
   run fans out per (region, service) and each finished run queues its security checks;
4. the clock stops when every run has finished and every account's posture snapshot of
   that run exists (sync + checks).

Prints, per worker count: wall time to the last run's end and to the last checks, the
speed-up over one worker, resources per second, and the database work per resource
(rows inserted, updated and read and transactions committed, from pg_stat_database),
which stays flat as the estate grows when the sync does bulk work per partition.

Needs PostgreSQL (DATABASE_URL, migrated here) and Redis (CELERY_BROKER_URL): worker
processes share them. Use a throw-away database.
Usage: DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://.../9 \\
  .venv/bin/python benchmarks/aws_scale.py [--accounts 5] [--resources 50000] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="isms-scale-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="isms.settings",
    DEBUG="1",
    ISMS_VAR_DIR=VAR,
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    LOG_LEVEL="WARNING",
)
REGIONS = ["eu-west-1", "eu-central-1"]
FIRST_ACCOUNT = 210000000000


def account_ids(count: int) -> list[str]:
    return [str(FIRST_ACCOUNT + index) for index in range(count)]


def db_counters() -> dict[str, int]:
    """Cumulative row and transaction counters of our database (pg_stat_database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_fetched, tup_returned "
            "FROM pg_stat_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return dict(zip(("commits", "inserted", "updated", "fetched", "returned"), row, strict=True))


def reset_accounts(ids: list[str]) -> list:
    """Delete the previous round's accounts (with their resources, runs and findings)
    and connect them again; returns the new AwsAccount rows."""
    from assets.aws import services
    from assets.aws.demo.fake import reader_role_arn
    from assets.models import AwsAccount, AwsResource, Finding, SyncRun

    old = AwsAccount.objects.filter(account_id__in=ids)
    Finding.objects.filter(account__in=old).delete()
    AwsResource.objects.filter(account__in=old).delete()
    SyncRun.objects.filter(account__in=old).delete()
    old.delete()
    return [
        services.aws_account_create(
            user=None,
            data={
                "name": f"Scale {account_id}",
                "account_id": account_id,
                "role_arn": reader_role_arn(account_id),
                "regions": REGIONS,
                "environment": "production",
                "strategy": "per_environment",
                "enabled": True,
                "sync_interval_minutes": 7 * 24 * 60,
            },
        )
        for account_id in ids
    ]


def start_worker(concurrency: int, endpoint_url: str) -> subprocess.Popen:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint_url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "isms",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=scale-{concurrency}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(VAR) / f"worker-{concurrency}.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)  # the worker and its pool processes, only ours
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def round_with(concurrency: int, ids: list[str], endpoint_url: str, timeout: float) -> dict:
    from assets.aws import services
    from assets.models import AwsResource, PostureSnapshot, SyncRun

    accounts = reset_accounts(ids)
    before = db_counters()
    worker = start_worker(concurrency, endpoint_url)
    try:
        start = time.perf_counter()
        runs = [services.aws_account_sync(account=a, trigger="manual")[0] for a in accounts]
        synced_at = checked_at = None
        while time.perf_counter() - start < timeout:
            time.sleep(1)
            states = list(
                SyncRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True)
            )
            if synced_at is None and all(s not in ("queued", "running") for s in states):
                synced_at = time.perf_counter() - start
            if synced_at is not None:
                done = PostureSnapshot.objects.filter(run__in=[r.pk for r in runs]).count()
                if done == len(runs):
                    checked_at = time.perf_counter() - start
                    break
        else:
            raise SystemExit(f"{concurrency} worker(s): not done after {timeout:.0f} s")
    finally:
        stop_worker(worker)
    after = db_counters()
    statuses = sorted(
        set(SyncRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True))
    )
    resources = AwsResource.objects.filter(account__in=accounts).count()
    return {
        "workers": concurrency,
        "sync": synced_at,
        "total": checked_at,
        "resources": resources,
        "statuses": statuses,
        "db": {k: after[k] - before[k] for k in after},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5)
    parser.add_argument("--resources", type=int, default=50_000, help="in all accounts")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per round")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a throw-away PostgreSQL database.")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        raise SystemExit("Set CELERY_BROKER_URL to a Redis database: workers share it.")

    import django

    django.setup()
    from django.core.management import call_command

    from assets.aws.demo.estate import seed_bulk
    from assets.aws.demo.fake import FakeAws
    from isms.celery import app

    call_command("migrate", verbosity=0)
    app.control.purge()  # nothing left over from an earlier, interrupted run
    moto, fake = FakeAws.spawn()
    url = fake.endpoint_url
    try:
        ids = account_ids(args.accounts)
        started = time.perf_counter()
        per_account = args.resources // args.accounts
        for account_id in ids:
            seed_bulk(fake, account_id=account_id, regions=REGIONS, total=per_account)
        print(
            f"Seeded {args.accounts} accounts x {per_account:,} resources in "
            f"{len(REGIONS)} regions: {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        results = []
        for concurrency in [int(n) for n in args.workers.split(",")]:
            result = round_with(concurrency, ids, url, args.timeout)
            results.append(result)
            print(
                f"  {concurrency} worker(s): sync {result['sync']:.1f} s, sync + checks "
                f"{result['total']:.1f} s, {result['resources']:,} resources, "
                f"runs {', '.join(result['statuses'])}",
                flush=True,
            )
    finally:
        moto.terminate()
        moto.wait()

    one = results[0]["total"]
    print()
    print(
        "| worker processes | sync | sync + checks | speed-up | resources/s | "
        "rows written / resource | rows read / resource | commits / resource |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        n = max(r["resources"], 1)
        db = r["db"]
        print(
            f"| {r['workers']} | {r['sync']:.1f} s | {r['total']:.1f} s | "
            f"{one / r['total']:.2f}x | {r['resources'] / r['total']:.0f} | "
            f"{(db['inserted'] + db['updated']) / n:.1f} | {db['fetched'] / n:.1f} | "
            f"{db['commits'] / n:.3f} |"
        )


if __name__ == "__main__":
    main()
