"""Peer benchmark: our sync + checks against Prowler, on the same fake AWS estate.

Serves the demo estate (assets/aws/demo/estate.py, every misconfiguration the catalogue
detects marked in MISCONFIGURATIONS) from a moto server, then in the same run:

1. ours: connects the account, syncs it and runs the checks (Celery eager mode, as
   `aws_sync --inline` does), timed from the request to the checks' end;
2. Prowler: runs the Prowler checks that answer ours (assets/aws/checks/prowler.py,
   MATCHES) with AWS_ENDPOINT_URL pointing at the same moto server, writing JSON-OCSF.

Then it compares, per check of ours: the marked misconfigurations (expected), those we
found, those Prowler found (through the mapped Prowler checks), and the false positives
on each side (a failure on a resource not marked for that check). Resources are compared
by ARN; the settings the connector stores as one record per region or account (EBS
default encryption, EMR block public access, CloudTrail coverage, the S3 account block,
the password policy, the account summary, the EC2 account settings, snapshot block
public access) are compared by (region, account), and the S3 service bucket names by
account.

Prowler is installed in its own virtualenv, never the project's:

    python3 -m venv var/prowler-venv
    var/prowler-venv/bin/pip install prowler==5.40.0

Usage: .venv/bin/python benchmarks/aws_vs_prowler.py [--prowler var/prowler-venv/bin/prowler]
Prints the table, both wall times and peak memories; record them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource as rusage
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_ID = "111122223333"
REGIONS = ["eu-west-1", "eu-central-1"]
# Records the connector stores per region or account (not AWS resources with an ARN of
# their own): compared by where they are.
PLACE_TYPES = {
    "ebs-default-encryption",
    "ec2-settings",
    "snapshot-block-public-access",
    "block-public-access",
    "trail-coverage",
    "account-public-access-block",
    "password-policy",
    "account-summary",
}
# Compared by account alone: our one record names every service bucket name taken;
# Prowler reports each name (an ARN without region or account).
ACCOUNT_WIDE = {"shadow-buckets": "s3_bucket_shadow_resource_vulnerability"}
ARN_REGION = re.compile(r"^arn:aws[\w-]*:[\w-]+:([a-z0-9-]*):(\d{12})?")


def place(arn: str, region: str = "") -> str:
    """(region, account) of an ARN, as "region/account"."""
    match = ARN_REGION.match(arn or "")
    found_region, account = (match.group(1), match.group(2) or "") if match else ("", "")
    return f"{region or found_region}/{account}"


def key_of(arn: str, resource_type: str = "", region: str = "") -> str:
    """What a finding is compared by: the place of a per-region record, or the ARN's
    service and resource part (the two tools write the region and account fields of
    some ARNs differently, e.g. a snapshot's or an AMI's account)."""
    if resource_type in PLACE_TYPES:
        return "place:" + place(arn, region)
    if resource_type in ACCOUNT_WIDE:
        return "account"
    parts = (arn or "").split(":", 5)
    return f"{parts[2]}:{parts[5]}" if len(parts) == 6 else arn


def score(
    expected: dict[str, set[str]],
    ours: dict[str, set[str]],
    theirs: dict[str, set[str]],
    mapped: set[str],
) -> list[dict]:
    """One row per check of ours: expected, found by us and by Prowler, and the false
    positives on each side. `mapped` are the checks Prowler has a counterpart for
    (for the others Prowler's columns are None)."""
    rows = []
    for check_id in sorted(set(expected) | set(ours)):
        want = expected.get(check_id, set())
        mine = ours.get(check_id, set())
        row = {
            "check": check_id,
            "expected": len(want),
            "ours": len(mine & want),
            "ours_false_positives": sorted(mine - want),
            "prowler": None,
            "prowler_false_positives": None,
        }
        if check_id in mapped:
            found = theirs.get(check_id, set())
            row["prowler"] = len(found & want)
            row["prowler_false_positives"] = sorted(found - want)
        rows.append(row)
    return rows


def prowler_findings(path: Path, matches: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """{our check id: keys of the resources Prowler failed} from a JSON-OCSF file."""
    found: dict[str, set[str]] = defaultdict(set)
    for finding in json.loads(path.read_text() or "[]"):
        if finding.get("status_code") != "FAIL":
            continue
        check = (finding.get("metadata") or {}).get("event_code", "")
        if check in ACCOUNT_WIDE.values():
            for ours in matches.get(check, ()):
                found[ours].add("account")
            continue
        for resource in finding.get("resources") or []:
            arn = resource.get("uid") or ""
            region = resource.get("region") or ""
            for ours in matches.get(check, ()):
                found[ours].add(key_of(arn))
                found[ours].add("place:" + place(arn, region))
    return found


def _align(theirs: dict[str, set[str]], expected: dict[str, set[str]]) -> dict[str, set[str]]:
    """Keep, for each check, the ARN form or the place form Prowler's findings share
    with ours (prowler_findings records both)."""
    aligned = {}
    for check_id, keys in theirs.items():
        places = any(k.startswith("place:") for k in expected.get(check_id, ()))
        aligned[check_id] = {k for k in keys if k.startswith("place:") == places}
    return aligned


def print_table(rows: list[dict]) -> None:
    print("| check | expected | ours | ours FP | Prowler | Prowler FP |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        prowler = "-" if row["prowler"] is None else row["prowler"]
        prowler_fp = (
            "-" if row["prowler_false_positives"] is None else len(row["prowler_false_positives"])
        )
        print(
            f"| `{row['check']}` | {row['expected']} | {row['ours']} | "
            f"{len(row['ours_false_positives'])} | {prowler} | {prowler_fp} |"
        )


def main() -> None:  # pragma: no cover - run by hand, needs Prowler
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prowler", default=str(ROOT / "var/prowler-venv/bin/prowler"))
    args = parser.parse_args()
    if not Path(args.prowler).exists():
        raise SystemExit(
            f"No Prowler at {args.prowler}: python3 -m venv var/prowler-venv && "
            "var/prowler-venv/bin/pip install prowler==5.40.0"
        )
    var = tempfile.mkdtemp(prefix="isms-peer-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="isms.settings",
        DEBUG="1",
        ISMS_VAR_DIR=var,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="true",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from assets.aws import services
    from assets.aws.checks import CATALOGUE
    from assets.aws.checks.prowler import MATCHES
    from assets.aws.demo.estate import MISCONFIGURATIONS, NOT_SEEDABLE, seed_demo_estate
    from assets.aws.demo.fake import FakeAws, reader_role_arn
    from assets.models import AwsAccount, AwsResource, Finding, SyncRun

    call_command("migrate", verbosity=0)
    # A previous run's account, with everything it found: the estate is seeded afresh.
    previous = AwsAccount.objects.filter(account_id=ACCOUNT_ID)
    Finding.objects.filter(account__in=previous).delete()
    AwsResource.objects.filter(account__in=previous).delete()
    SyncRun.objects.filter(account__in=previous).delete()
    previous.delete()
    fake = FakeAws().start()
    try:
        seed_demo_estate(fake, account_id=ACCOUNT_ID, regions=REGIONS, assets={})
        with override_settings(AWS_ENDPOINT_URL=fake.endpoint_url):
            account = services.aws_account_create(
                user=None,
                data={
                    "name": "Peer benchmark",
                    "account_id": ACCOUNT_ID,
                    "role_arn": reader_role_arn(ACCOUNT_ID),
                    "regions": REGIONS,
                },
            )
            started = time.perf_counter()
            services.aws_account_sync(account=account)
            ours_seconds = time.perf_counter() - started
        ours_peak_mb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024
        by_name: dict[str, list[AwsResource]] = defaultdict(list)
        for stored in AwsResource.objects.filter(account=account).select_related("service"):
            by_name[stored.name].append(stored)
        expected: dict[str, set[str]] = {}
        for check_id, names in MISCONFIGURATIONS.items():
            if check_id.startswith("governance-") or check_id in NOT_SEEDABLE:
                continue  # ours only: whether a resource serves an asset
            applies = set(CATALOGUE[check_id].resource_types)
            expected[check_id] = {
                key_of(r.arn, r.resource_type, r.region)
                for name in names
                for r in by_name.get(name.format(account=ACCOUNT_ID), [])
                if (r.service.code, r.resource_type) in applies
            }
        ours: dict[str, set[str]] = defaultdict(set)
        for finding in Finding.objects.filter(account=account, status="open").select_related(
            "resource"
        ):
            if finding.check_id in expected:
                r = finding.resource
                ours[finding.check_id].add(key_of(r.arn, r.resource_type, r.region))

        out = Path(var) / "prowler"
        env = {**os.environ, "AWS_ENDPOINT_URL": fake.endpoint_url}
        runner = [
            str(Path(args.prowler).parent / "python"),
            str(ROOT / "benchmarks" / "prowler_on_fake_aws.py"),
        ]
        # Only the checks this Prowler has (the mapping follows PROWLER_VERSION's list).
        listed = subprocess.run(
            [*runner, "aws", "--list-checks-json"], env=env, check=True, capture_output=True
        ).stdout.decode()
        known = set(json.loads(listed[listed.index("{") :]).get("aws", []))
        unknown = sorted(set(MATCHES) - known)
        if unknown:
            print(f"Not in this Prowler (left out): {', '.join(unknown)}", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                *runner,
                "aws",
                "--checks",
                *sorted(set(MATCHES) & known),
                "--role",
                reader_role_arn(ACCOUNT_ID),
                "--region",
                *REGIONS,
                "--output-formats",
                "json-ocsf",
                "--output-directory",
                str(out),
                "--output-filename",
                "peer",
                "--no-banner",
                "--ignore-exit-code-3",
            ],
            env=env,
            check=True,
        )
        prowler_seconds = time.perf_counter() - started
        prowler_peak_mb = rusage.getrusage(rusage.RUSAGE_CHILDREN).ru_maxrss / 1024
        theirs = _align(prowler_findings(out / "peer.ocsf.json", MATCHES), expected)
    finally:
        fake.stop()

    mapped = {ours_id for ids in MATCHES.values() for ours_id in ids}
    rows = score(expected, ours, theirs, mapped)
    print_table(rows)
    print()
    print(f"ours: sync + checks {ours_seconds:.1f} s, peak {ours_peak_mb:.0f} MB")
    print(f"Prowler: {prowler_seconds:.1f} s, peak {prowler_peak_mb:.0f} MB")
    print(f"time ratio ours / Prowler: {ours_seconds / prowler_seconds:.2f}")


if __name__ == "__main__":
    main()
