"""Governance benchmark: the approval workflow, the inbox and the audit pack at size.

Run:  .venv/bin/python benchmarks/governance_bench.py [--policies 500] [--decisions 200]
      (add DATABASE_URL=postgres://... to measure on PostgreSQL)

Creates a throw-away test database (tests/settings.py), then reports:
- submit and approve: time per call (p50/p95) and SQL queries per call;
- the approvals inbox and the policy list pages: queries and time with N rows;
- the audit pack: build time and size with N approved policies.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from isms import approvals, roles  # noqa: E402
from isms.governance import audit_pack, services  # noqa: E402
from isms.models import User  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105


def user(name, role):
    person = User.objects.create(username=name, email=f"{name}@example.com")
    person.set_password(PASSWORD)
    person.save()
    person.groups.add(Group.objects.get(name=role))
    return person


def timed(function, runs):
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return times, queries


def summary(label, times, queries):
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
    print(
        f"{label:<38} p50 {statistics.median(times):8.1f} ms  p95 {p95:8.1f} ms  "
        f"queries {min(queries)}-{max(queries)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, default=500)
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        author = user("author", roles.SECURITY_MANAGER)
        manager = user("manager", roles.MANAGEMENT)
        print(f"Database: {connection.vendor}; {args.policies} policies")
        start = time.perf_counter()
        versions = [
            services.policy_create(
                user=author,
                data={"reference": f"POL-{n:04d}", "title": f"Policy {n}"},
                body=("Rule text. " * 200 + "\n") * 5,
            ).versions.get()
            for n in range(args.policies)
        ]
        print(f"{'seed (policy_create each)':<38} {time.perf_counter() - start:8.1f} s")
        pending = iter(versions)
        requests = []

        def submit():
            requests.append(approvals.approval_request_submit(obj=next(pending), user=author))

        summary("approval_request_submit", *timed(submit, args.decisions))
        decided = iter(requests)

        def approve():
            approvals.approval_request_approve(
                request=next(decided), user=manager, password=PASSWORD
            )

        # Includes the password check: Argon2 in production settings, MD5 in tests.
        summary("approval_request_approve", *timed(approve, args.decisions))
        for version in versions[args.decisions :]:
            approvals.approval_request_submit(obj=version, user=author)

        client = Client()
        client.force_login(manager)
        summary(
            f"inbox page ({args.policies - args.decisions} waiting)",
            *timed(lambda: client.get("/approvals/"), 20),
        )
        summary(f"policy list page ({args.policies})", *timed(lambda: client.get("/policies/"), 20))
        summary(
            "api /approval-requests/?limit=50",
            *timed(lambda: client.get("/api/approval-requests/"), 20),
        )
        sizes = []

        def build():
            sizes.append(len(audit_pack.audit_pack_build(user=manager)[1]))

        summary(f"audit pack ({args.decisions} approved policies)", *timed(build, 5))
        print(f"{'audit pack size':<38} {sizes[-1] / 1024:8.1f} KiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
