"""Where one account's sync + checks spend their time: our CPU, the fake AWS's, PostgreSQL's.

Starts the fake AWS in its own process (as benchmarks/aws_scale.py does), seeds one
account with `--resources` resources over two regions, connects it afresh and runs
its sync and checks in this process (Celery's eager mode, as `aws_sync --inline`).
Prints the wall time, the CPU seconds of this process, of the fake AWS and of our
PostgreSQL backend (from /proc: Linux, database on this machine), the SQL statements
issued and the rows written and read (pg_stat_database). With `--profile FILE`, a
cProfile of the sync is written to FILE (read it with `python -m pstats FILE`).

Usage: DATABASE_URL=postgres://.../<throw-away> CELERY_BROKER_URL=redis://.../<db> \\
  .venv/bin/python benchmarks/aws_sync_profile.py [--resources 2000] [--profile out.pstats]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aws_scale as bench  # noqa: E402 - sets the environment first


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--profile", help="write a cProfile of the sync to this file")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a throw-away PostgreSQL database.")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from assets.aws import services
    from assets.aws.demo.estate import seed_bulk
    from assets.aws.demo.fake import FakeAws
    from assets.models import AwsResource, PostureSnapshot
    from isms.celery import app

    call_command("migrate", verbosity=0)
    moto, fake = FakeAws.spawn()
    settings.AWS_ENDPOINT_URL = fake.endpoint_url
    try:
        ids = bench.account_ids(1)
        started = time.perf_counter()
        seed_bulk(fake, account_id=ids[0], regions=bench.REGIONS, total=args.resources)
        print(f"Seeded {args.resources:,} resources: {time.perf_counter() - started:.0f} s")
        account = bench.reset_accounts(ids)[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        before = bench.db_counters()
        ours, theirs, database = os.times(), cpu_seconds(moto.pid), cpu_seconds(backend)
        settings.DEBUG = True  # count the statements
        reset_queries()
        app.conf.task_always_eager = True
        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        run, _ = services.aws_account_sync(account=account, trigger="manual")
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        wall = time.perf_counter() - started
        after_ours = os.times()
        moto_cpu, pg_cpu = cpu_seconds(moto.pid) - theirs, cpu_seconds(backend) - database
        statements = len(connection.queries)
        settings.DEBUG = False
        after = bench.db_counters()
        stored = AwsResource.objects.filter(account=account).count()
        checked = PostureSnapshot.objects.filter(run=run).exists()
    finally:
        moto.terminate()
        moto.wait()
    our_cpu = after_ours.user - ours.user + after_ours.system - ours.system
    db = {key: after[key] - before[key] for key in after}
    print(f"Sync + checks: {wall:.1f} s wall, {stored:,} resources stored, checked: {checked}")
    print(f"CPU: ours {our_cpu:.1f} s, fake AWS {moto_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s")
    per = max(stored, 1)
    print(
        f"Per resource: {our_cpu / per * 1000:.1f} ms ours, {moto_cpu / per * 1000:.1f} ms moto, "
        f"{pg_cpu / per * 1000:.1f} ms PostgreSQL; {statements / per:.3f} SQL statements, "
        f"{(db['inserted'] + db['updated']) / per:.1f} rows written, "
        f"{db['fetched'] / per:.1f} rows read"
    )


if __name__ == "__main__":
    main()
