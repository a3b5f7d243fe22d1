"""Management review benchmark: the input snapshot (every registered 9.3.2 input) on the
100,000-risk data of benchmarks/risks_register.py, on PostgreSQL.

Reports the time (p50 / max) and the SQL queries of taking the snapshot, per input and
in total, on the seeded data plus 10,000 treatment actions, 1,000 risks overdue for
review and approved reviews with decisions; then the same query count on a tenth of
the data, to show that it does not grow with the number of records.

    createdb -U postgres isms_bench_risks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isms_bench_risks \\
        .venv/bin/python benchmarks/management_review.py [--risks 100000] [--runs 5]

The seed is the risk register benchmark's (bulk inserts, once per database). The
extra rows are added once. Results go to stdout; copy them into docs/benchmarks.md.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import risks_register  # noqa: E402  (sets up Django like the other benchmarks)
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from isms import approvals, roles  # noqa: E402
from isms.audits import review_inputs  # noqa: E402
from isms.audits.models.reviews import ManagementReview  # noqa: E402
from isms.audits.services import reviews as services  # noqa: E402
from isms.models import User  # noqa: E402
from risks.models import Risk, TreatmentAction  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105


def person(name, role):
    user, _ = User.objects.get_or_create(username=name)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def extra_rows(owner, manager, total):
    """Treatment actions on a tenth of the risks, 1% overdue for review, and two approved
    reviews with five decisions each (once per database)."""
    if TreatmentAction.objects.exists():
        return
    ids = list(Risk.objects.order_by("pk").values_list("pk", flat=True)[: total // 10])
    today = datetime.date.today()
    TreatmentAction.objects.bulk_create(
        [
            TreatmentAction(
                risk_id=pk,
                title="Benchmark action",
                owner=owner,
                due_date=today + datetime.timedelta(days=(n % 200) - 100),
                status=("planned", "in_progress", "done")[n % 3],
            )
            for n, pk in enumerate(ids)
        ],
        batch_size=5000,
    )
    Risk.objects.filter(pk__in=ids[: total // 100]).update(review_date=datetime.date(2020, 1, 1))
    for year in (2024, 2025):
        review = services.review_create(
            user=owner,
            data={"title": "Bench review", "held_on": datetime.date(year, 3, 1),
                  "minutes": "Minutes.", "attendees": [manager]},
        )  # fmt: skip
        for n in range(5):
            services.decision_add(
                review=review,
                user=owner,
                data={"kind": "improvement", "description": f"Decision {n}", "owner": owner,
                      "due_date": datetime.date(year, 6, 1 + n)},
            )  # fmt: skip
        request = services.review_submit(review=review, user=owner)
        approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)


def measure(runs):
    """(times in ms, total queries, {input key: (queries, ms)}) of taking the snapshot."""
    services._collect_inputs()  # warm caches and connections
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services._collect_inputs()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    per_input = {}
    for item in review_inputs.ordered():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            item.collect()
            per_input[item.key] = (len(captured), (time.perf_counter() - started) * 1000)
    return times, queries, per_input


class _Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    owner = person("bench-security", roles.SECURITY_MANAGER)
    manager = person("bench-manager", roles.MANAGEMENT)
    risks_register.seed(args.risks, random.Random(6), owner)
    extra_rows(owner, manager, args.risks)
    print(
        f"{Risk.objects.count():,} risks, {TreatmentAction.objects.count():,} treatment "
        f"actions, {ManagementReview.objects.count()} reviews; PostgreSQL"
    )
    times, queries, per_input = measure(args.runs)
    print(f"\ninput snapshot ({len(per_input)} inputs)   p50 {statistics.median(times):8.1f} ms"
          f"   max {max(times):8.1f} ms   queries {queries}")  # fmt: skip
    for key, (count, ms) in per_input.items():
        print(f"  {key:<28} {count:>3} queries {ms:8.1f} ms")
    # The same on a tenth of the risks (deleted inside a transaction rolled back).
    try:
        with transaction.atomic():
            keep = args.risks // 10
            doomed = Risk.objects.order_by("-pk").values_list("pk", flat=True)[: args.risks - keep]
            doomed = list(doomed)
            TreatmentAction.objects.filter(risk_id__in=doomed).delete()
            Risk.assets.through.objects.filter(risk_id__in=doomed).delete()
            Risk.objects.filter(pk__in=doomed).delete()
            small_times, small_queries, _ = measure(1)
            print(f"\nwith {Risk.objects.count():,} risks: queries {small_queries} "
                  f"({small_times[0]:.1f} ms); with {args.risks:,}: queries {queries}")  # fmt: skip
            raise _Rollback
    except _Rollback:
        pass
    assert small_queries == queries, "the query count grows with the records"


if __name__ == "__main__":
    main()
