"""Risk register benchmark: 100,000 risks over 100,000 assets, on PostgreSQL.

Reports SQL queries and server time (p50/p95) of the register page and of
/api/risks/?limit=50 sorted by ALE, of the heatmap (page and API), and the time to
re-score every risk when a new methodology version (5x5 -> 3x3) becomes active.

    createdb -U postgres isms_bench_risks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isms_bench_risks \
        .venv/bin/python benchmarks/risks_register.py [--risks 100000] [--runs 30]

The seed (bulk inserts) runs once per database; later runs reuse it. Re-scoring runs
inside a transaction that is rolled back, so the seed stays on the 5x5 methodology.
Results go to stdout; copy them into docs/benchmarks.md.
"""

import argparse
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

settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assets.models import Asset  # noqa: E402
from isms import roles  # noqa: E402
from isms.models import User  # noqa: E402
from isms.models.approvals import ApprovalState  # noqa: E402
from risks import exposure, scoring, services  # noqa: E402
from risks.models import Methodology, MethodologyVersion, Risk, Threat  # noqa: E402
from risks.selectors import active_version  # noqa: E402

BATCH = 5000


def seed(total: int, rng: random.Random, owner) -> MethodologyVersion:
    """Assets, an approved 5x5 methodology and one risk per asset (bulk inserts)."""
    version = active_version()
    if version is None:
        methodology = Methodology.objects.create()
        version = MethodologyVersion.objects.create(
            methodology=methodology,
            number=1,
            preset="5x5",
            content=scoring.preset("5x5"),
            approval_state=ApprovalState.APPROVED,
        )
    if Risk.objects.count() >= total:
        return version
    started = time.perf_counter()
    existing = Asset.objects.count()
    assets = [
        Asset(
            ref=f"B-{n:06d}",
            name=f"Benchmark asset {n}",
            asset_class="support",
            category="software",
            value_usd=Decimal(rng.randrange(1_000, 5_000_000)),
        )
        for n in range(existing, total)
    ]
    for asset in assets:
        asset.value_at_stake_usd = asset.value_usd
    Asset.objects.bulk_create(assets, batch_size=BATCH)
    asset_rows = list(Asset.objects.order_by("id").values_list("id", "value_usd")[:total])
    scale = version.scale
    threats = list(Threat.objects.values_list("id", flat=True))
    statuses = ["identified", "analysed", "treatment_planned", "treated", "accepted"]
    treatments = ["", "mitigate", "accept", "transfer", "avoid"]
    risks = []
    start = Risk.objects.count()
    for n in range(start, total):
        asset_id, value = asset_rows[n]
        li, im = rng.randint(1, 5), rng.randint(1, 5)
        rli, rim = rng.randint(1, li), rng.randint(1, im)
        ef, aro = scale.exposure_factor(im), scale.aro(li)
        ref_, raro = scale.exposure_factor(rim), scale.aro(rli)
        risks.append(
            Risk(
                number=n + 1,
                ref=f"R-{n + 1:03d}",
                title=f"Benchmark risk {n + 1}",
                threat_id=rng.choice(threats),
                owner=owner,
                status=rng.choice(statuses),
                treatment=rng.choice(treatments),
                methodology_version=version,
                inherent_likelihood=li,
                inherent_impact=im,
                inherent_level=scale.level_rank(li, im),
                residual_likelihood=rli,
                residual_impact=rim,
                residual_level=scale.level_rank(rli, rim),
                value_at_stake_usd=value,
                exposure_factor=ef,
                aro=aro,
                sle_usd=exposure.money(value, ef),
                ale_usd=exposure.money(value, ef, aro),
                residual_exposure_factor=ref_,
                residual_aro=raro,
                residual_ale_usd=exposure.money(value, ref_, raro),
            )
        )
        if len(risks) == BATCH:
            _insert(risks, asset_rows)
            risks = []
    if risks:
        _insert(risks, asset_rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {total:,} assets and risks in {time.perf_counter() - started:.1f} s")
    return version


def _insert(risks, asset_rows):
    created = Risk.objects.bulk_create(risks, batch_size=BATCH)
    Link = Risk.assets.through
    Link.objects.bulk_create(
        [Link(risk_id=r.pk, asset_id=asset_rows[r.number - 1][0]) for r in created],
        batch_size=BATCH,
    )


def measure(client, url, runs):
    timings, queries = [], []
    client.get(url)  # warm caches and connections
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return max(queries), statistics.median(timings), p95


def rescore(version) -> tuple[int, float]:
    """Activate a 3x3 version and re-score every risk; rolled back afterwards."""
    count, elapsed = 0, 0.0
    try:
        with transaction.atomic():
            MethodologyVersion.objects.filter(pk=version.pk).update(
                approval_state=ApprovalState.SUPERSEDED
            )
            new = MethodologyVersion.objects.create(
                methodology=version.methodology,
                number=version.number + 1,
                preset="3x3",
                content=scoring.preset("3x3"),
                approval_state=ApprovalState.APPROVED,
            )
            started = time.perf_counter()
            count = services.risks_rescore(version=new)
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return count, elapsed


class _Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-rescore", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-security")
    user.groups.add(Group.objects.get(name=roles.SECURITY_MANAGER))
    version = seed(args.risks, random.Random(6), user)
    print(f"{Risk.objects.count():,} risks, {Asset.objects.count():,} assets, PostgreSQL")
    client = Client()
    client.force_login(user)
    print("\npage                                                    queries  p50 ms  p95 ms")
    for url in (
        "/risks/",
        "/risks/?sort=-ale_usd",
        "/risks/?sort=-ale_usd&status=treatment_planned&inherent_level=4",
        "/risks/?q=Benchmark+risk+99999",
        "/api/risks/?limit=50&sort=-ale_usd",
        "/risks/heatmap/",
        "/api/risks/heatmap/",
    ):
        queries, p50, p95 = measure(client, url, args.runs)
        print(f"{url:<56}{queries:>7}{p50:>8.1f}{p95:>8.1f}")
    if not args.skip_rescore:
        count, elapsed = rescore(version)
        print(
            f"\nre-scoring {count:,} risks (5x5 -> 3x3, one transaction, audited): {elapsed:.1f} s"
        )


if __name__ == "__main__":
    main()
