"""The peer benchmark's scoring (benchmarks/aws_vs_prowler.py) on a tiny estate: what
counts as found, missed and falsely reported on each side, how Prowler's JSON-OCSF
findings are mapped to our checks, and how per-region records are compared."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def peer():
    spec = importlib.util.spec_from_file_location(
        "aws_vs_prowler", ROOT / "benchmarks" / "aws_vs_prowler.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SG_OPEN = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-open"
SG_CLOSED = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-closed"
BUCKET = "arn:aws:s3:::public-bucket"


def test_score_counts_found_missed_and_false_positives(peer):
    expected = {"ec2-sg-open-admin-ports": {SG_OPEN}, "s3-bucket-policy-public": {BUCKET}}
    ours = {"ec2-sg-open-admin-ports": {SG_OPEN}, "s3-bucket-policy-public": set()}
    theirs = {"ec2-sg-open-admin-ports": {SG_OPEN, SG_CLOSED}}

    rows = {r["check"]: r for r in peer.score(expected, ours, theirs, {"ec2-sg-open-admin-ports"})}

    sg = rows["ec2-sg-open-admin-ports"]
    assert (sg["expected"], sg["ours"], sg["prowler"]) == (1, 1, 1)
    assert sg["ours_false_positives"] == [] and sg["prowler_false_positives"] == [SG_CLOSED]
    bucket = rows["s3-bucket-policy-public"]
    assert (bucket["ours"], bucket["prowler"], bucket["prowler_false_positives"]) == (0, None, None)


def test_arns_are_compared_without_their_region_and_account_fields(peer):
    ours = "arn:aws:ec2:eu-west-1::snapshot/snap-1"
    theirs = "arn:aws:ec2:eu-west-1:111122223333:snapshot/snap-1"
    assert peer.key_of(ours) == peer.key_of(theirs) == "ec2:snapshot/snap-1"


def test_prowler_findings_are_mapped_to_our_checks_and_compared_by_place(peer, tmp_path):
    findings = [
        {
            "status_code": "FAIL",
            "metadata": {
                "event_code": "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"
            },
            "resources": [{"uid": SG_OPEN, "region": "eu-west-1"}],
        },
        {
            "status_code": "PASS",
            "metadata": {
                "event_code": "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"
            },
            "resources": [{"uid": SG_CLOSED, "region": "eu-west-1"}],
        },
        {
            "status_code": "FAIL",
            "metadata": {"event_code": "ec2_ebs_default_encryption"},
            "resources": [
                {"uid": "arn:aws:ec2:eu-central-1:111122223333:account", "region": "eu-central-1"}
            ],
        },
    ]
    path = tmp_path / "peer.ocsf.json"
    path.write_text(json.dumps(findings))
    matches = {
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22": (
            "ec2-sg-open-admin-ports",
        ),
        "ec2_ebs_default_encryption": ("ebs-default-encryption-off",),
    }
    ours_default = "arn:aws:ec2:eu-central-1:111122223333:ebs-default-encryption"
    expected = {
        "ec2-sg-open-admin-ports": {peer.key_of(SG_OPEN)},
        "ebs-default-encryption-off": {
            peer.key_of(ours_default, "ebs-default-encryption", "eu-central-1")
        },
    }

    theirs = peer._align(peer.prowler_findings(path, matches), expected)

    assert theirs["ec2-sg-open-admin-ports"] == {"ec2:security-group/sg-open"}
    assert theirs["ebs-default-encryption-off"] == expected["ebs-default-encryption-off"]
    rows = peer.score(expected, {}, theirs, set(expected))
    assert all(r["prowler"] == r["expected"] == 1 for r in rows)
    assert all(r["prowler_false_positives"] == [] for r in rows)


def test_service_bucket_names_are_compared_by_account(peer, tmp_path):
    taken = "arn:aws:s3:::sagemaker-eu-west-1-111122223333"
    findings = [
        {
            "status_code": "FAIL",
            "metadata": {"event_code": "s3_bucket_shadow_resource_vulnerability"},
            "resources": [{"uid": taken, "region": "eu-west-1"}],
        }
    ]
    path = tmp_path / "peer.ocsf.json"
    path.write_text(json.dumps(findings))
    matches = {"s3_bucket_shadow_resource_vulnerability": ("s3-shadow-bucket-taken",)}
    ours = "arn:aws:s3::111122223333:shadow-buckets"
    expected = {"s3-shadow-bucket-taken": {peer.key_of(ours, "shadow-buckets", "global")}}

    theirs = peer._align(peer.prowler_findings(path, matches), expected)

    assert theirs == expected == {"s3-shadow-bucket-taken": {"account"}}
