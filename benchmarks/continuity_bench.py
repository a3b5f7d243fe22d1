"""Business continuity benchmark: recovery objectives on the 100,000-asset graph of
benchmarks/assets_bench.py (same seed), re-propagated after one edit.

Sets an RTO/RPO on every top-level process (level 0), derives every required figure
once, then times the services a user calls: changing one process's objectives, adding
and removing a dependency, each with its re-propagation in the same transaction, and
checks the stored figures against a fresh computation.

    createdb -U postgres isms_bench_assets
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isms_bench_assets \\
        .venv/bin/python benchmarks/continuity_bench.py [--assets 100000]
"""

import argparse
import random
import statistics
import time

import assets_bench  # noqa: F401 - sets Django up exactly as the assets benchmark
from django.core.management import call_command
from django.db import connection, transaction

from assets import graph
from assets import services as asset_services
from assets.continuity import services
from assets.continuity.models import OWN, REQUIRED, RecoveryObjective
from assets.models import Asset, AssetDependency
from isms.models import User


def correct(asset_ids) -> bool:
    fresh = graph.minimum_above(
        asset_ids, table=RecoveryObjective._meta.db_table, key="asset_id", columns=OWN
    )
    stored = {
        row[0]: tuple(row[1:])
        for row in RecoveryObjective.objects.filter(asset_id__in=list(asset_ids)).values_list(
            "asset_id", *REQUIRED
        )
    }
    return all(stored.get(pk, (None,) * 3) == value for pk, value in fresh.items())


def timed(call, runs=5):
    timings = []
    for step in range(runs):
        started = time.perf_counter()
        with transaction.atomic():
            call(step)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument(
        "--rederive",
        action="store_true",
        help="forget every required figure and time the first derivation again",
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    User.objects.get_or_create(username="bench")
    rng = random.Random(42)
    if Asset.objects.count() != args.assets:
        AssetDependency.objects.all().delete()
        Asset.aws_services.through.objects.all().delete()
        RecoveryObjective.objects.all().delete()
        Asset.objects.all().delete()
        assets_bench.seed(args.assets, rng)
    processes = list(Asset.objects.filter(name__contains="level 0").order_by("pk"))
    if args.rederive:
        RecoveryObjective.objects.filter(rto_minutes__isnull=True).delete()
        RecoveryObjective.objects.update(
            required_mtd_minutes=None, required_rto_minutes=None, required_rpo_minutes=None
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if not RecoveryObjective.objects.filter(rto_minutes__isnull=False).exists():
        RecoveryObjective.objects.bulk_create(
            [
                RecoveryObjective(
                    asset=p,
                    rto_minutes=rng.choice([60, 240, 1440]),
                    rpo_minutes=rng.choice([0, 15, 60]),
                )
                for p in processes
            ],
            batch_size=1000,
        )
    if not RecoveryObjective.objects.filter(required_rto_minutes__isnull=False).exists():
        started = time.perf_counter()
        ids = list(Asset.objects.values_list("pk", flat=True))
        with transaction.atomic():
            changed = services.objectives_refresh(asset_ids=ids)
        print(
            f"full derivation: {len(changed):,} required figures for {len(ids):,} assets "
            f"in {time.perf_counter() - started:.2f}s; 2,000 checked by the upward walk, "
            f"all correct: {correct(random.Random(1).sample(ids, 2000))}"
        )
    print(
        f"{len(processes):,} processes with objectives, {RecoveryObjective.objects.count():,} rows"
    )
    print("\nedit                                          affected   ms   all correct")
    top = processes[0]
    below = graph.down_closure([top.pk])
    ms = timed(
        lambda step: services.objective_save(
            asset=top, user=None, data={"rto_minutes": 30 + step, "rpo_minutes": step}
        )
    )
    print(f"{'objectives of a top-level process':<45}{len(below):>8}{ms:>7.0f}   {correct(below)}")
    lower = Asset.objects.filter(name__contains="level 5").order_by("-pk").first()
    started = time.perf_counter()
    asset_services.asset_dependency_add(dependent=top, dependency=lower, user=None)
    add_ms = (time.perf_counter() - started) * 1000
    affected = graph.down_closure([lower.pk])
    label = "add a dependency (top -> level 5)"
    print(f"{label:<45}{len(affected):>8}{add_ms:>7.0f}   {correct(affected)}")
    started = time.perf_counter()
    asset_services.asset_dependency_remove(dependent=top, dependency=lower, user=None)
    remove_ms = (time.perf_counter() - started) * 1000
    print(f"{'remove it again':<45}{len(affected):>8}{remove_ms:>7.0f}   {correct(affected)}")
    hub = Asset.objects.filter(business_unit="Platform").order_by("pk").first()
    hub_below = graph.down_closure([hub.pk])
    ms = timed(
        lambda step: services.objective_save(asset=hub, user=None, data={"rpo_minutes": 5 + step})
    )
    print(f"{'objectives of a shared hub':<45}{len(hub_below):>8}{ms:>7.0f}   {correct(hub_below)}")


if __name__ == "__main__":
    main()
