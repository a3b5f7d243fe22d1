"""Asset inventory benchmark: 100,000 assets, ~3 dependencies each, depth up to 6.

Reports SQL queries and server time (p50/p95) of the asset list page and of
/api/assets/?limit=50, both sorted by value at stake, first pages and deep ones (a
cursor as a reader following `next` would hold), and the time to change one
value (or one dependency) and have every affected value at stake correct.

    createdb -U postgres isms_bench_assets
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isms_bench_assets \
        .venv/bin/python benchmarks/assets_bench.py [--assets 100000] [--runs 30]

The seed runs once per database (bulk inserts, then the shipped full recompute,
which is timed too); later runs reuse it. Results go to stdout; copy them into
docs/benchmarks.md.
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages are rendered without a collectstatic manifest: plain static URLs are enough here.
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assets import graph, services  # noqa: E402
from assets.filters import SORTS  # noqa: E402
from assets.models import Asset, AssetDependency, AwsService  # noqa: E402
from isms import roles  # noqa: E402
from isms.models import User  # noqa: E402
from isms.pagination import SortKey, encode_cursor  # noqa: E402

LEVELS = 7  # levels 0..6: the longest chain has 6 edges
UNIT = 1000  # assets per business unit; dependencies stay mostly inside a unit
HUBS = 20  # shared platform assets (IAM, network, ops team...) many things rely on
CATEGORIES = [
    "process",
    "business_information",
    "activity",
    "software",
    "software",
    "hardware",
    "personnel",
]


def seed(total: int, rng: random.Random) -> None:
    """Bulk-insert `total` assets in business units of UNIT assets, each unit layered
    0..6; every non-leaf asset depends on 3-4 assets a level or two below it, near its
    own position (so cones stay realistic), and 1 in 20 also on a shared hub."""
    owner = User.objects.get(username="bench")
    services_ = list(AwsService.objects.all())
    per_level = [0.10, 0.12, 0.16, 0.18, 0.18, 0.16, 0.10]
    assets, levels = [], []
    number = 0
    units = max(1, (total - HUBS) // UNIT)
    for unit in range(units):
        size = UNIT if unit < units - 1 else total - HUBS - UNIT * (units - 1)
        unit_levels = []
        for level, share in enumerate(per_level):
            count = max(1, round(size * share))
            row = []
            for _ in range(count):
                number += 1
                row.append(number)
                category = CATEGORIES[level]
                assets.append(
                    Asset(
                        ref=f"A-{number:06d}",
                        name=f"Asset {number} (unit {unit}, level {level})",
                        asset_class="essential" if level < 3 else "support",
                        category=category,
                        value_usd=Decimal(rng.choice([0, 500, 2_000, 10_000, 50_000, 250_000])),
                        owner=owner,
                        business_unit=f"Unit {unit:03d}",
                        review_interval_days=365,
                    )
                )
            unit_levels.append(row)
        levels.append(unit_levels)
    hub_numbers = []
    for _ in range(HUBS):
        number += 1
        hub_numbers.append(number)
        assets.append(
            Asset(
                ref=f"A-{number:06d}",
                name=f"Shared platform {number}",
                asset_class="support",
                category="software",
                value_usd=Decimal(100_000),
                owner=owner,
                business_unit="Platform",
            )
        )
    started = time.perf_counter()
    Asset.objects.bulk_create(assets, batch_size=5000)
    ids = dict(Asset.objects.values_list("ref", "pk"))

    def pk(n):
        return ids[f"A-{n:06d}"]

    edges = set()
    for unit_levels in levels:
        for level in range(LEVELS - 1):
            below = unit_levels[level + 1]
            deeper = unit_levels[level + 2] if level + 2 < LEVELS else below
            for position, number in enumerate(unit_levels[level]):
                centre = int(position * len(below) / len(unit_levels[level]))
                for _ in range(4 if rng.random() < 0.65 else 3):
                    pool = below if rng.random() < 0.8 else deeper
                    index = min(len(pool) - 1, max(0, centre + rng.randint(-5, 5)))
                    edges.add((pk(number), pk(pool[index])))
                if rng.random() < 0.05:
                    edges.add((pk(number), pk(rng.choice(hub_numbers))))
    AssetDependency.objects.bulk_create(
        [AssetDependency(dependent_id=a, dependency_id=b) for a, b in edges], batch_size=10000
    )
    through = Asset.aws_services.through
    through.objects.bulk_create(
        [
            through(asset_id=pk(n), awsservice_id=rng.choice(services_).pk)
            for unit_levels in levels
            for n in unit_levels[-1] + unit_levels[-2]
        ],
        batch_size=10000,
    )
    print(
        f"seeded {len(assets):,} assets and {len(edges):,} dependencies "
        f"({len(edges) / len(assets):.2f} per asset) in {time.perf_counter() - started:.1f}s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    recompute_all()


def recompute_all() -> None:
    """Time the shipped full recompute from zero (every figure rewritten)."""
    Asset.objects.update(value_at_stake_usd=0)
    started = time.perf_counter()
    changed = services.asset_values_recompute()
    print(
        f"full recompute of value at stake (shipped service): {len(changed):,} figures "
        f"in {time.perf_counter() - started:.1f}s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(client, url, runs):
    """(queries, p50 ms, p95 ms, p50 ms in the inventory's SQL) of `runs` fetches."""
    timings, queries, sql = [], [], []
    client.get(url)  # warm caches and connections
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
        # The inventory's own queries (not the session, user and permission lookups).
        sql.append(
            sum(float(q["time"]) for q in ctx.captured_queries if "assets_" in q["sql"]) * 1000
        )
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return max(queries), statistics.median(timings), p95, statistics.median(sql)


def check_correct(asset_ids) -> bool:
    fresh = graph.values_at_stake(asset_ids)
    stored = dict(
        Asset.objects.filter(pk__in=list(asset_ids)).values_list("pk", "value_at_stake_usd")
    )
    return all(stored[pk] == value for pk, value in fresh.items())


def import_file(rows: int, rng: random.Random, existing: list[str]) -> bytes:
    """A CSV of `rows` new assets in five layers, each asset of the upper four layers
    depending on three of the layer below (by ref, within the file) and, one in ten,
    on an asset already in the inventory; support assets name one or two AWS services."""
    codes = list(AwsService.objects.values_list("code", flat=True))
    layers = [[f"IMP-{n:05d}" for n in range(start, rows, 5)] for start in range(5)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["ref", "name", "asset_class", "category", "value_usd", "owner", "tags",
         "review_interval_days", "depends_on", "aws_services"]
    )  # fmt: skip
    for level, refs in enumerate(layers):
        below = layers[level + 1] if level + 1 < len(layers) else []
        for ref in refs:
            depends = rng.sample(below, 3) if below else []
            if existing and rng.random() < 0.1:
                depends.append(rng.choice(existing))
            support = level >= 2
            writer.writerow(
                [
                    ref,
                    f"Imported {ref}",
                    "support" if support else "essential",
                    ["process", "activity", "software", "hardware", "personnel"][level],
                    rng.choice([0, 500, 2000, 10000]),
                    "bench",
                    "imported, batch",
                    180,
                    ", ".join(depends),
                    ", ".join(rng.sample(codes, 2)) if support else "",
                ]
            )
    return out.getvalue().encode()


def measure_import(rows: int) -> None:
    """Time one import of `rows` new assets through the service, then roll it back so
    the benchmark's inventory stays as seeded."""
    from assets import importing

    existing = list(Asset.objects.order_by("?").values_list("ref", flat=True)[:200])
    content = import_file(rows, random.Random(7), existing)
    records = importing.read_table(content, "bench.csv")
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = services.asset_import(records=records, user=None)
            elapsed = time.perf_counter() - started
            imported = Asset.objects.filter(ref__startswith="IMP-")
            correct = check_correct(set(imported.values_list("pk", flat=True)))
            raise _RollBack
    except _RollBack:
        pass
    print(
        f"import of {rows:,} rows (CSV, {len(content) // 1024} KB, 3 dependencies per "
        f"non-leaf row): {elapsed:.1f}s, {result}, values at stake correct: {correct}"
    )


class _RollBack(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--recompute", action="store_true", help="time the full recompute on an existing seed"
    )
    parser.add_argument(
        "--import-rows", type=int, default=0, help="only time an import of this many rows"
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, run_syncdb=True)
    user, _ = User.objects.get_or_create(username="bench")
    user.groups.add(Group.objects.get(name=roles.SECURITY_MANAGER))
    rng = random.Random(42)
    if Asset.objects.count() != args.assets:
        AssetDependency.objects.all().delete()
        Asset.aws_services.through.objects.all().delete()
        Asset.objects.all().delete()
        seed(args.assets, rng)
    elif args.recompute:
        recompute_all()
    if args.import_rows:
        measure_import(args.import_rows)
        return
    count = Asset.objects.count()
    edges = AssetDependency.objects.count()
    print(
        f"{count:,} assets, {edges:,} dependencies, levels 0-6 in each business unit "
        f"(longest chain: 6 dependencies) and {HUBS} shared hubs"
    )

    client = Client()
    client.force_login(user)

    def cursor_at(row: int, param: str = "-value_at_stake_usd") -> str:
        """The cursor a reader gets after following `next` down to `row`."""
        path, nullable = SORTS[param.lstrip("-")]
        key = SortKey(path, descending=param.startswith("-"), nullable=nullable)
        last = Asset.objects.annotate(keyset_value=F(path)).order_by(*key.order_by())[row - 1]
        return encode_cursor(key, last.keyset_value, last.pk)

    stake = "ordering=-value_at_stake_usd"
    print(f"\n{'page':<56}queries  p50 ms  p95 ms  asset SQL")
    for label, url in (
        ("/assets/ first page", f"/assets/?{stake}"),
        ("/assets/ at row 10,000 (old page 200)", f"/assets/?{stake}&cursor={cursor_at(9950)}"),
        ("/assets/ at row 90,000", f"/assets/?{stake}&cursor={cursor_at(90000)}"),
        (
            "/assets/?asset_class=essential&overdue=false",
            f"/assets/?{stake}&asset_class=essential&overdue=false",
        ),
        (
            "/assets/?ordering=name at row 50,000",
            f"/assets/?ordering=name&cursor={cursor_at(50000, 'name')}",
        ),
        ("/assets/?ordering=owner first page", "/assets/?ordering=owner"),
        ("/api/assets/?limit=50", f"/api/assets/?{stake}&limit=50"),
        (
            "/api/assets/?limit=50 at row 5,000",
            f"/api/assets/?{stake}&limit=50&cursor={cursor_at(5000)}",
        ),
        (
            "/api/assets/?limit=50 at row 90,000",
            f"/api/assets/?{stake}&limit=50&cursor={cursor_at(90000)}",
        ),
        (
            "/api/assets/?limit=50&offset=5000 (legacy)",
            f"/api/assets/?{stake}&limit=50&offset=5000",
        ),
    ):
        queries, p50, p95, sql = measure(client, url, args.runs)
        print(f"{label:<56}{queries:>7}{p50:>8.1f}{p95:>8.1f}{sql:>8.1f}")

    print("\nwrite                                         affected   ms   all correct")
    top = Asset.objects.filter(name__contains="level 0").order_by("pk").first()
    hub = Asset.objects.filter(business_unit="Platform").order_by("pk").first()
    for label, asset in (("value of a top-level process", top), ("value of a shared hub", hub)):
        timings = []
        for step in range(5):
            started = time.perf_counter()
            with transaction.atomic():
                services.asset_update(
                    asset=asset, user=None, data={"value_usd": asset.value_usd + 1 + step}
                )
            timings.append((time.perf_counter() - started) * 1000)
        affected = graph.down_closure([asset.pk])
        print(
            f"change {label:<38}{len(affected):>8}{statistics.median(timings):>7.0f}"
            f"   {check_correct(affected)}"
        )
    lower = Asset.objects.filter(name__contains="level 5").order_by("-pk").first()
    started = time.perf_counter()
    services.asset_dependency_add(dependent=top, dependency=lower, user=None)
    add_ms = (time.perf_counter() - started) * 1000
    affected = graph.down_closure([lower.pk])
    print(
        f"{'add a dependency (top -> level 5)':<45}{len(affected):>8}{add_ms:>7.0f}"
        f"   {check_correct(affected)}"
    )
    started = time.perf_counter()
    if not AssetDependency.objects.filter(dependent=top, dependency=hub).exists():
        services.asset_dependency_add(dependent=top, dependency=hub, user=None)
    services.asset_dependency_remove(dependent=top, dependency=lower, user=None)
    remove_ms = (time.perf_counter() - started) * 1000
    print(
        f"{'link to a hub + remove the first link':<45}{len(affected):>8}{remove_ms:>7.0f}"
        f"   {check_correct(affected | graph.down_closure([hub.pk]))}"
    )


if __name__ == "__main__":
    main()
