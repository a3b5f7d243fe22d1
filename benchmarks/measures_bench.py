"""Computed measures benchmark: every registered computed measure (isms's own and those
`assets`, `risks` and `isms.audits` register) on the 100,000-risk data of
benchmarks/risks_register.py, on PostgreSQL.

Reports, per measure, the time (p50 / max over the runs) and the SQL queries of one
computation, and the total for all of them; then the query counts again on a tenth of
the risks, to show that they do not grow with the number of records.

The risk data has no findings, so `--resources` AWS resources (benchmarks/checks_evaluate.py's
realistic estate) are stored and evaluated once per database, and a tenth of the findings
made critical (ages spread over a year, a quarter of those resolved), for the finding
measures to have something to read.

    createdb -U postgres isms_bench_risks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isms_bench_risks \\
        .venv/bin/python benchmarks/measures_bench.py [--risks 100000] [--runs 5]

The seed is the risk register benchmark's (bulk inserts, once per database). Nothing is
stored: the computations only read. Results go to stdout; copy them into
docs/benchmarks.md.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checks_evaluate  # noqa: E402, I001  (its seed: a realistic stored AWS estate)
import risks_register  # noqa: E402  (sets up Django like the other benchmarks)
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assets.findings.services import findings_evaluate  # noqa: E402
from assets.models import Finding  # noqa: E402
from isms import roles  # noqa: E402
from isms.context import measures  # noqa: E402
from isms.models import User  # noqa: E402
from risks.models import Risk, TreatmentAction  # noqa: E402

TARGET_SECONDS = 5.0


def findings(resources):
    """Stored resources evaluated into findings; a tenth of them critical (once per
    database)."""
    if Finding.objects.exists():
        return
    account, _ = checks_evaluate.seed(resources)
    findings_evaluate(account=account)
    now = timezone.now()
    ids = list(Finding.objects.order_by("pk").values_list("pk", flat=True))
    critical = ids[::10]
    for n, pk in enumerate(critical):
        first = now - datetime.timedelta(days=n % 365, hours=n % 24)
        fields = {"severity": "critical", "first_seen": first}
        if n % 4 == 0:
            fields |= {"status": "resolved", "resolved_at": first + datetime.timedelta(days=n % 30)}
        Finding.objects.filter(pk=pk).update(**fields)


def measure(runs, day):
    """{measure key: (queries, [ms per run], value)} of computing every registered
    computed measure on `day`."""
    results = {}
    for key, entry in sorted(measures.providers.items()):
        entry.compute(day)  # warm caches and connections
        times, queries, value = [], 0, None
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                value = entry.compute(day)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        results[key] = (queries, times, value)
    return results


class _Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    owner, _ = User.objects.get_or_create(username="bench-security")
    owner.groups.add(Group.objects.get(name=roles.SECURITY_MANAGER))
    risks_register.seed(args.risks, random.Random(6), owner)
    findings(args.resources)
    day = datetime.date.today()
    print(
        f"{Risk.objects.count():,} risks, {Finding.objects.count():,} findings "
        f"({Finding.objects.filter(severity='critical', status='open').count():,} open "
        f"critical); PostgreSQL; {len(measures.providers)} computed measures"
    )
    results = measure(args.runs, day)
    total_ms = sum(statistics.median(times) for _, times, _ in results.values())
    total_queries = sum(queries for queries, _, _ in results.values())
    print(f"\n{'measure':<32} {'queries':>7} {'p50 ms':>9} {'max ms':>9}  value")
    for key, (queries, times, value) in results.items():
        print(f"{key:<32} {queries:>7} {statistics.median(times):9.1f} {max(times):9.1f}  {value}")
    verdict = "within" if total_ms / 1000 <= TARGET_SECONDS else "OVER"
    print(f"{'total':<32} {total_queries:>7} {total_ms:9.1f}            "
          f"({verdict} the {TARGET_SECONDS:.0f} s target)")  # fmt: skip
    # The same on a tenth of the risks (deleted inside a transaction rolled back).
    try:
        with transaction.atomic():
            keep = args.risks // 10
            doomed = list(
                Risk.objects.order_by("-pk").values_list("pk", flat=True)[: args.risks - keep]
            )
            TreatmentAction.objects.filter(risk_id__in=doomed).delete()
            Risk.assets.through.objects.filter(risk_id__in=doomed).delete()
            Risk.objects.filter(pk__in=doomed).delete()
            small = measure(1, day)
            print(f"\nwith {Risk.objects.count():,} risks:")
            for key, (queries, times, _value) in small.items():
                print(f"  {key:<30} {queries:>3} queries {times[0]:8.1f} ms "
                      f"(with {args.risks:,}: {results[key][0]})")  # fmt: skip
            raise _Rollback
    except _Rollback:
        pass
    grown = [key for key in results if small[key][0] != results[key][0]]
    assert not grown, f"the query count grows with the records: {grown}"


if __name__ == "__main__":
    main()
