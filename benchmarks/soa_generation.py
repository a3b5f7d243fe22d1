"""SoA generation benchmark: ISO/IEC 27001:2022 Annex A (93 controls) with 10,000 risks
linked to its controls and 10,000 findings as automated evidence.

Run:  .venv/bin/python benchmarks/soa_generation.py [--risks 10000] [--findings 10000]

Creates a throw-away database (tests/settings.py: SQLite, or DATABASE_URL), seeds it,
then times the freeze and each download format and counts their queries. Both
providers are the real ones the other apps register: risks are rows of the risk
register (`risks.Risk`, linked through `Risk.controls`), findings are the AWS checks'
pass/fail counts in the account's latest posture snapshot (which is what the checks'
provider reads; the individual Finding rows are not read by the SoA).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from isms.frameworks import downloads, evidence, services, treatments  # noqa: E402
from isms.frameworks.catalogue import parse_catalogue  # noqa: E402
from isms.models import ControlImplementation, User  # noqa: E402
from isms.models.soa import ImplementationStatus, InclusionReason  # noqa: E402

DATA = Path(services.__file__).resolve().parent / "data"


def seed(risk_count: int, finding_count: int):
    from risks.models import Risk

    framework, _ = services.framework_import(
        catalogue=parse_catalogue((DATA / "iso27001-2022.json").read_bytes())
    )
    services.framework_select(selected=[framework], soa_basis=framework)
    user = User.objects.create(username="bench", is_superuser=True)
    rng = random.Random(7)
    implementations = list(ControlImplementation.objects.select_related("control"))
    for impl in implementations:
        impl.applicable = rng.random() > 0.1
        impl.reasons = [InclusionReason.RISK_TREATMENT, InclusionReason.BUSINESS]
        impl.justification = "" if impl.applicable else "Not relevant to a cloud-only company."
        impl.status = rng.choice(ImplementationStatus.values)
        impl.owner = user
        impl.description = "Implemented by the platform team. " * 8
    ControlImplementation.objects.bulk_update(
        implementations,
        ["applicable", "reasons", "justification", "status", "owner", "description"],
    )
    control_ids = [i.control_id for i in implementations]
    Risk.objects.bulk_create(
        [Risk(number=n, ref=f"R-{n:05d}", title=f"Risk {n}") for n in range(1, risk_count + 1)],
        batch_size=2000,
    )
    through = Risk.controls.through
    links = [
        through(risk_id=risk_id, control_id=control_id)
        for risk_id in Risk.objects.values_list("pk", flat=True)
        for control_id in rng.sample(control_ids, 1)
    ]
    through.objects.bulk_create(links, batch_size=5000)

    # Findings: the AWS checks' provider (assets.findings.evidence, registered by the
    # assets app) reads each account's latest posture snapshot, whose per-check
    # pass/fail counts summarise the findings; 10,000 results over the 39 checks.
    from assets.aws.checks import CATALOGUE
    from assets.models import AwsAccount, PostureSnapshot

    account = AwsAccount.objects.create(
        name="bench", account_id="123456789012", role_arn="arn:aws:iam::123456789012:role/isms"
    )
    counts = {check.id: [0, 0, 0] for check in CATALOGUE}
    for _ in range(finding_count):
        counts[rng.choice(list(counts))][0 if rng.random() > 0.3 else 1] += 1
    PostureSnapshot.objects.create(account=account, taken_at=timezone.now(), checks=counts)
    return user, len(links)


def measure(label, fn, repeat=3):
    best, queries, result = None, None, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        queries = len(captured)
    print(f"{label:<18} {best:7.3f} s  {queries:3d} queries")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=10_000)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        user, links = seed(args.risks, args.findings)
        print(
            f"Seeded 93 controls, {args.risks:,} risks ({links:,} risk-control links), "
            f"{args.findings:,} findings in {time.perf_counter() - start:.1f} s "
            f"({connection.vendor})"
        )
        ids = list(ControlImplementation.objects.values_list("control_id", flat=True))
        measure("  risks provider", lambda: treatments.for_controls(ids))
        measure("  checks provider", lambda: evidence.for_controls(ids))
        soa = measure("freeze", lambda: services.soa_freeze(user=user), repeat=3)
        print(f"  rows {soa.rows.count()}, linked risks in rows "
              f"{sum(len(r) for r in soa.rows.values_list('risks', flat=True)):,}")  # fmt: skip
        for fmt in downloads.FORMATS:
            content, _ = measure(
                f"download {fmt}", lambda fmt=fmt: downloads.render(soa, fmt), repeat=2
            )
            print(f"  {len(content):,} bytes")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
