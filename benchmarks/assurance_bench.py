"""Control assurance benchmark: opening the due tests of 1,000 controls, and concluding
the automated tests from the AWS checks over 10,000 resources (issue 22: both within 5 s).

Creates a throw-away test database (tests/settings.py; PostgreSQL when DATABASE_URL
points at one) and seeds, with bulk inserts:

- a framework `iso27001-2022` of `--controls` controls (the 22 Annex A identifiers the
  AWS checks map to, then filler identifiers), each with an applicable implementation
  owned by one of 20 owners;
- one control test per control: the mapped controls get an automated test (threshold
  90%), the others a manual one (inspection, observation or re-performance) with a
  tester who is not the owner (1 in 10 without a tester: the security managers are
  reminded), 9 in 10 of them due today or earlier;
- `--resources` AWS resources (the mix of `benchmarks/checks_evaluate.py`, a quarter of
  them misconfigured), evaluated once by `findings_evaluate`, so the findings and the
  posture snapshot the automated tests read exist.

Then it times, `--runs` times each (first run, p50, max, SQL queries; the URLconf is
imported first and timed apart, as a worker process does it once):

1. `tests_open_due()` (the beat task's service): the open instances are deleted between
   runs (outside the timing), so every run opens all the due tests again;
2. `automated_evaluate()` on a new day each run (a new result per test, history kept);
3. before both, `findings_evaluate` over the resources (the checks themselves, which
   the AWS sync runs before the automated tests read the snapshot).

    .venv/bin/python benchmarks/assurance_bench.py [--controls 1000] [--resources 10000]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from assets.aws.checks import CATALOGUE  # noqa: E402
from assets.findings import services as findings_services  # noqa: E402
from assets.models import Finding  # noqa: E402
from isms import roles  # noqa: E402
from isms.assurance import services  # noqa: E402
from isms.assurance.choices import ControlTestMethod, ResultStatus  # noqa: E402
from isms.assurance.models import ControlTest, ControlTestResult  # noqa: E402
from isms.models import Control, ControlImplementation, Framework, User  # noqa: E402

FRAMEWORK = "iso27001-2022"
MANUAL = [
    ControlTestMethod.INSPECTION,
    ControlTestMethod.OBSERVATION,
    ControlTestMethod.REPERFORMANCE,
]


def mapped_identifiers() -> list[str]:
    """The Annex A identifiers at least one AWS check maps to."""
    found = set()
    for check in CATALOGUE.values():
        found.update(check.controls.get(FRAMEWORK, ()))
    return sorted(found)


def seed_controls(total: int, today: datetime.date):
    rng = random.Random(22)
    users = User.objects.bulk_create(
        [User(username=f"bench-{n}", email=f"bench-{n}@example.com") for n in range(40)]
    )
    managers = Group.objects.get(name=roles.SECURITY_MANAGER)
    for person in users[:3]:
        person.groups.add(managers)
    owners, testers = users[:20], users[20:]
    framework, _ = Framework.objects.get_or_create(
        code=FRAMEWORK, defaults={"name": "ISO/IEC 27001:2022 (bench)", "selected": True}
    )
    Control.objects.filter(framework=framework).delete()
    mapped = mapped_identifiers()
    identifiers = mapped + [f"B.{n}" for n in range(total - len(mapped))]
    controls = Control.objects.bulk_create(
        [
            Control(framework=framework, identifier=ident, title=f"Control {ident}", sort_order=n)
            for n, ident in enumerate(identifiers)
        ],
        batch_size=1000,
    )
    implementations = ControlImplementation.objects.bulk_create(
        [
            ControlImplementation(
                control=control, applicable=True, status="implemented", owner=owners[n % 20]
            )
            for n, control in enumerate(controls)
        ],
        batch_size=1000,
    )
    mapped_set = set(mapped)
    tests = []
    for n, (control, implementation) in enumerate(zip(controls, implementations, strict=True)):
        if control.identifier in mapped_set:
            tests.append(
                ControlTest(
                    implementation=implementation,
                    title=f"Checks of {control.identifier}",
                    method=ControlTestMethod.AUTOMATED,
                    frequency=1,
                    threshold=90,
                    next_due=today,
                )
            )
            continue
        due = today - datetime.timedelta(days=rng.randint(0, 60))
        tests.append(
            ControlTest(
                implementation=implementation,
                title=f"Sample of {control.identifier}",
                method=MANUAL[n % 3],
                sample_size=25,
                frequency=12,
                tester=None if n % 10 == 0 else testers[n % 20],  # never the owner
                next_due=due if n % 10 != 5 else today + datetime.timedelta(days=90),
            )
        )
    ControlTest.objects.bulk_create(tests, batch_size=1000)
    return len(controls), len(mapped)


def measure(label: str, function, runs: int, before=None):
    times, queries, values = [], [], []
    for run in range(runs):
        if before is not None:
            before(run)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            values.append(function(run))
            times.append(time.perf_counter() - start)
        queries.append(len(captured))
    print(
        f"{label:<46} first {times[0]:6.3f} s  p50 {statistics.median(times):6.3f} s  "
        f"max {max(times):6.3f} s  queries {min(queries)}-{max(queries)}  returned {values[0]}"
    )
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--controls", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from checks_evaluate import seed as seed_resources

    today = timezone.localdate()
    start = time.perf_counter()
    controls, mapped = seed_controls(args.controls, today)
    account, stored = seed_resources(args.resources)
    seeded = time.perf_counter() - start
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    due = (
        ControlTest.objects.filter(active=True, next_due__lte=today)
        .exclude(method=ControlTestMethod.AUTOMATED)
        .count()
    )
    print(
        f"Database: {connection.vendor}; {controls} controls ({mapped} mapped to AWS checks, "
        f"automated), {due} manual tests due; {stored} resources; seeded in {seeded:.1f} s"
    )

    # A worker process imports the URLconf once, at its first reverse() (the checks'
    # evidence links): timed apart, so the services' runs below are a warm worker's.
    start = time.perf_counter()
    reverse("assets:finding_list")
    print(f"{'URLconf import (once per worker process)':<46} {time.perf_counter() - start:6.3f} s")
    measure(
        f"findings_evaluate over {stored} resources",
        lambda run: findings_services.findings_evaluate(account=account).open_findings,
        args.runs,
    )
    print(f"{'':<52} {Finding.objects.count()} findings stored")

    def reopen(run):
        ControlTestResult.objects.filter(status=ResultStatus.OPEN).delete()

    measure(
        f"tests_open_due ({due} due of {controls})",
        lambda run: services.tests_open_due(today=today),
        args.runs,
        before=reopen,
    )
    measure(
        f"automated_evaluate ({mapped} automated tests)",
        lambda run: services.automated_evaluate(today=today + datetime.timedelta(days=run)),
        args.runs,
    )
    print(
        f"{'':<52} {ControlTestResult.objects.filter(status=ResultStatus.DONE).count()} "
        "automated results kept"
    )


if __name__ == "__main__":
    main()
