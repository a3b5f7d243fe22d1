"""Demo data of the asset inventory: a small online retailer on AWS.

Stable references that the other demos build on (the AWS demo tags its fake
resources `isms:asset=<ref>`; the risk register's demo builds risks over them):

| ref   | name                          | class     | category             | AWS services      |
| ----- | ----------------------------- | --------- | -------------------- | ----------------- |
| A-001 | Customer data                 | essential | business_information |                   |
| A-002 | Payment processing            | essential | process              |                   |
| A-003 | Order fulfilment              | essential | process              |                   |
| A-004 | HR records                    | essential | business_information |                   |
| A-005 | Financial reporting           | essential | process              |                   |
| A-006 | Online storefront             | essential | activity             |                   |
| A-007 | Customer support              | essential | activity             |                   |
| A-008 | Product catalogue             | essential | business_information |                   |
| A-009 | Payroll                       | essential | process              |                   |
| A-010 | Marketing campaigns           | essential | activity             |                   |
| A-011 | Source code and designs       | essential | business_information |                   |
| A-012 | Supplier contracts            | essential | business_information |                   |
| A-013 | Customer database (RDS)       | support   | software             | rds               |
| A-014 | Document buckets (S3)         | support   | hardware             | s3, kms           |
| A-015 | Web servers (EC2)             | support   | hardware             | ec2, ebs, vpc...  |
| A-016 | Order queue (SQS)             | support   | software             | sqs               |
| A-017 | Transactional e-mail (SES)    | support   | software             | ses               |
| A-018 | Operations team               | support   | personnel            |                   |
| A-019 | PayFast payment partner       | support   | partner_organization |                   |
| A-020 | PeopleHub HR service          | support   | partner_organization |                   |
| A-021 | Data warehouse (EMR)          | support   | software             | emr               |
| A-022 | Backup archive (Glacier)      | support   | hardware             | glacier           |
| A-023 | Cloud identity (IAM)          | support   | software             | iam               |
| A-024 | Development team              | support   | personnel            |                   |
| A-025 | Session store (DynamoDB)      | support   | software             | dynamodb          |

Every asset is created through the services (audited, value at stake maintained);
running `load` again adds only what is missing.
"""

from decimal import Decimal

from assets import services
from assets.models import Asset, AssetDependency, AwsService
from isms.models import User

E, S = "essential", "support"

# ref, name, class, category, value $, owner username, C, I, A, business unit,
# AWS service codes, description
ASSETS = [
    (
        "A-001",
        "Customer data",
        E,
        "business_information",
        5_000_000,
        "security",
        4,
        4,
        3,
        "Sales",
        [],
        "Names, addresses, order history and preferences of 1.2 million customers.",
    ),
    (
        "A-002",
        "Payment processing",
        E,
        "process",
        2_500_000,
        "security",
        4,
        4,
        4,
        "Finance",
        [],
        "Taking card payments at checkout and settling them with the payment partner.",
    ),
    (
        "A-003",
        "Order fulfilment",
        E,
        "process",
        1_800_000,
        "owner",
        2,
        3,
        4,
        "Operations",
        [],
        "From a paid order to a parcel at the customer's door.",
    ),
    (
        "A-004",
        "HR records",
        E,
        "business_information",
        400_000,
        "owner",
        4,
        3,
        2,
        "People",
        [],
        "Employment contracts, appraisals and personal data of 240 staff.",
    ),
    (
        "A-005",
        "Financial reporting",
        E,
        "process",
        600_000,
        "manager",
        3,
        4,
        2,
        "Finance",
        [],
        "Monthly management accounts and statutory reporting.",
    ),
    (
        "A-006",
        "Online storefront",
        E,
        "activity",
        3_000_000,
        "security",
        2,
        3,
        4,
        "Sales",
        [],
        "The web shop: 80% of revenue.",
    ),
    (
        "A-007",
        "Customer support",
        E,
        "activity",
        350_000,
        "owner",
        3,
        3,
        3,
        "Operations",
        [],
        "Answering customers by e-mail and chat.",
    ),
    (
        "A-008",
        "Product catalogue",
        E,
        "business_information",
        250_000,
        "owner",
        1,
        4,
        3,
        "Sales",
        [],
        "Product descriptions, prices and stock levels.",
    ),
    (
        "A-009",
        "Payroll",
        E,
        "process",
        300_000,
        "manager",
        4,
        4,
        3,
        "People",
        [],
        "Paying 240 staff every month.",
    ),
    (
        "A-010",
        "Marketing campaigns",
        E,
        "activity",
        200_000,
        "owner",
        2,
        2,
        2,
        "Sales",
        [],
        "Newsletters and seasonal promotions.",
    ),
    (
        "A-011",
        "Source code and designs",
        E,
        "business_information",
        1_200_000,
        "security",
        4,
        4,
        2,
        "Engineering",
        [],
        "The storefront's source code and product designs.",
    ),
    (
        "A-012",
        "Supplier contracts",
        E,
        "business_information",
        150_000,
        "manager",
        3,
        3,
        1,
        "Operations",
        [],
        "Signed contracts and price agreements with 60 suppliers.",
    ),
    (
        "A-013",
        "Customer database (RDS)",
        S,
        "software",
        80_000,
        "security",
        4,
        4,
        4,
        "Engineering",
        ["rds"],
        "PostgreSQL on Amazon RDS, Multi-AZ.",
    ),
    (
        "A-014",
        "Document buckets (S3)",
        S,
        "hardware",
        20_000,
        "security",
        4,
        3,
        3,
        "Engineering",
        ["s3", "kms"],
        "S3 buckets for invoices, HR documents and exports.",
    ),
    (
        "A-015",
        "Web servers (EC2)",
        S,
        "hardware",
        60_000,
        "security",
        2,
        3,
        4,
        "Engineering",
        ["ec2", "ebs", "autoscaling", "vpc", "elb"],
        "Auto-scaled EC2 fleet behind a load balancer.",
    ),
    (
        "A-016",
        "Order queue (SQS)",
        S,
        "software",
        5_000,
        "owner",
        2,
        3,
        4,
        "Engineering",
        ["sqs"],
        "Orders waiting for the warehouse.",
    ),
    (
        "A-017",
        "Transactional e-mail (SES)",
        S,
        "software",
        3_000,
        "owner",
        2,
        2,
        3,
        "Engineering",
        ["ses"],
        "Order confirmations and password resets.",
    ),
    (
        "A-018",
        "Operations team",
        S,
        "personnel",
        500_000,
        "manager",
        3,
        3,
        4,
        "Operations",
        [],
        "Six engineers on call for the platform.",
    ),
    (
        "A-019",
        "PayFast payment partner",
        S,
        "partner_organization",
        100_000,
        "manager",
        4,
        4,
        4,
        "Finance",
        [],
        "Card acquirer and payment gateway (PCI DSS level 1).",
    ),
    (
        "A-020",
        "PeopleHub HR service",
        S,
        "partner_organization",
        30_000,
        "owner",
        4,
        3,
        2,
        "People",
        [],
        "Software-as-a-service HR system.",
    ),
    (
        "A-021",
        "Data warehouse (EMR)",
        S,
        "software",
        70_000,
        "security",
        3,
        3,
        2,
        "Engineering",
        ["emr"],
        "Nightly Spark jobs that feed reporting.",
    ),
    (
        "A-022",
        "Backup archive (Glacier)",
        S,
        "hardware",
        10_000,
        "security",
        4,
        4,
        1,
        "Engineering",
        ["glacier"],
        "Seven years of backups.",
    ),
    (
        "A-023",
        "Cloud identity (IAM)",
        S,
        "software",
        15_000,
        "security",
        4,
        4,
        4,
        "Engineering",
        ["iam"],
        "IAM users, groups and roles of the production account.",
    ),
    (
        "A-024",
        "Development team",
        S,
        "personnel",
        800_000,
        "security",
        3,
        3,
        3,
        "Engineering",
        [],
        "Twelve developers.",
    ),
    (
        "A-025",
        "Session store (DynamoDB)",
        S,
        "software",
        8_000,
        "security",
        3,
        3,
        4,
        "Engineering",
        ["dynamodb"],
        "Shopping baskets and sign-in sessions.",
    ),
]

# (dependent, dependency): "the storefront depends on the web servers"
DEPENDENCIES = [
    ("A-006", "A-015"),
    ("A-006", "A-008"),
    ("A-006", "A-002"),
    ("A-006", "A-001"),
    ("A-006", "A-025"),
    ("A-002", "A-019"),
    ("A-002", "A-013"),
    ("A-002", "A-015"),
    ("A-003", "A-016"),
    ("A-003", "A-013"),
    ("A-003", "A-018"),
    ("A-003", "A-017"),
    ("A-001", "A-013"),
    ("A-001", "A-014"),
    ("A-001", "A-022"),
    ("A-007", "A-001"),
    ("A-007", "A-017"),
    ("A-004", "A-020"),
    ("A-004", "A-014"),
    ("A-009", "A-004"),
    ("A-005", "A-021"),
    ("A-021", "A-013"),
    ("A-021", "A-014"),
    ("A-013", "A-018"),
    ("A-013", "A-023"),
    ("A-015", "A-018"),
    ("A-015", "A-023"),
    ("A-014", "A-023"),
    ("A-011", "A-024"),
    ("A-011", "A-014"),
    ("A-010", "A-008"),
    ("A-010", "A-017"),
    ("A-008", "A-013"),
    ("A-012", "A-014"),
    ("A-016", "A-023"),
    ("A-025", "A-023"),
    ("A-022", "A-023"),
]


def load(stdout) -> None:
    users = {u.username: u for u in User.objects.all()}
    catalogue = {s.code: s for s in AwsService.objects.all()}
    created = 0
    by_ref = {a.ref: a for a in Asset.objects.filter(ref__in=[row[0] for row in ASSETS])}
    for ref, name, cls, category, value, owner, c, i, a, unit, codes, text in ASSETS:
        if ref in by_ref:
            continue
        by_ref[ref] = services.asset_create(
            user=None,
            data={
                "ref": ref,
                "name": name,
                "asset_class": cls,
                "category": category,
                "value_usd": Decimal(value),
                "owner": users.get(owner),
                "confidentiality": c,
                "integrity": i,
                "availability": a,
                "business_unit": unit,
                # A cloud-only company without an office (the demo scope): staff work remotely.
                "location": "AWS eu-west-1" if codes else "Remote (UK)",
                "description": text,
            },
            aws_services=[catalogue[code] for code in codes],
        )
        created += 1
    linked = 0
    existing = set(
        AssetDependency.objects.filter(dependent__ref__in=by_ref).values_list(
            "dependent__ref", "dependency__ref"
        )
    )
    for dependent, dependency in DEPENDENCIES:
        if (dependent, dependency) not in existing:
            services.asset_dependency_add(
                dependent=by_ref[dependent], dependency=by_ref[dependency], user=None
            )
            linked += 1
    stdout.write(f"Assets: {created} created, {linked} dependencies linked.")
