"""Demo data of governance: an approved scope, an approved and published ISMS policy
with some acknowledgements, a policy waiting for approval and a review overdue.

Idempotent: each document is created only if its reference (or the scope) is missing.
"""

import datetime

from django.utils import timezone

from isms import approvals
from isms.demo.users import DEMO_USERS
from isms.governance import services
from isms.models import Policy, Scope, User
from isms.models.governance import Classification, PolicyKind

PASSWORDS = {username: password for username, _n, _r, _s, password in DEMO_USERS}

# The demo company's one AWS account and its two regions: the very ones the AWS connector
# connects to in the demo (assets/aws/demo.py DEMO_ACCOUNT_ID and DEMO_REGIONS; isms does
# not import assets, so a test checks that they agree).
DEMO_AWS_ACCOUNT = "111122223333"
DEMO_AWS_REGIONS = ("eu-west-1", "eu-central-1")

SCOPE = {
    "description": (
        "The ISMS covers the design, development, operation and support of the Example "
        "Ltd online ordering platform and the customer and payment data it processes, "
        "hosted on AWS."
    ),
    "boundaries": "Everything deployed in the production AWS account, the engineering and "
    "support teams, and the laptops they work from at home. The company has no premises "
    "of its own: physical security of the data centres is AWS's (shared responsibility).",
    "business_units": "Engineering\nCustomer support\nFinance (payments reconciliation)",
    "locations": "No office: every member of staff works remotely from home (UK)\n"
    "AWS eu-west-1 (Ireland), the primary region\n"
    "AWS eu-central-1 (Frankfurt), the disaster-recovery region",
    "processes": "Order taking and fulfilment\nSoftware development and release\n"
    "Customer support\nIncident management",
    "essential_assets": "Customer personal data\nPayment records\nOrder processing service",
    "aws_accounts": f"{DEMO_AWS_ACCOUNT} (Shop production)",
    "aws_regions": "\n".join(DEMO_AWS_REGIONS),
    "exclusions": [
        {
            "item": "Marketing website (hosted by a SaaS provider)",
            "justification": "Holds no customer data; covered by the supplier's ISO 27001 "
            "certificate and the supplier security policy.",
        },
        {
            "item": "Development AWS account (not connected)",
            "justification": "Contains synthetic data only; no production access.",
        },
        {
            "item": "Physical premises",
            "justification": "The company has none: staff work from home, covered by the "
            "remote-working and off-premises controls; AWS runs the data centres.",
        },
    ],
    "dependencies": "AWS (infrastructure, shared-responsibility model)\n"
    "Payment service provider (tokenised card data)\nE-mail delivery provider",
    "change_summary": "First version of the ISMS scope",
}


def _approve(obj, submitter, approver):
    request = approvals.approval_request_submit(obj=obj, user=submitter)
    approvals.approval_request_approve(
        request=request,
        user=approver,
        password=PASSWORDS[approver.username],
        comment="Approved for the demo.",
    )


def load(stdout) -> None:
    security = User.objects.get(username="security")
    manager = User.objects.get(username="manager")
    people = list(User.objects.filter(username__in=["security", "manager", "auditor"]))

    scope = Scope.objects.order_by("pk").first()
    if scope is None or not scope.versions.exists():
        version = services.scope_version_create(user=security, data=SCOPE)
        _approve(version, security, manager)
        stdout.write("  Scope v1 approved")

    if not Policy.objects.filter(reference="POL-01").exists():
        policy = services.policy_create(
            user=security,
            data={
                "reference": "POL-01",
                "title": "Information security policy",
                "kind": PolicyKind.ISMS,
                "owner": security,
                "classification": Classification.INTERNAL,
            },
        )
        version = policy.versions.get()
        _approve(version, security, manager)
        services.policy_publish(version=version, user=security)
        for person in people:
            services.policy_acknowledge(policy=policy, user=person)
        stdout.write("  ISMS policy approved, published and acknowledged by 3 people")

    if not Policy.objects.filter(reference="POL-02").exists():
        policy = services.policy_create(
            user=security,
            data={
                "reference": "POL-02",
                "title": "Access control policy",
                "kind": PolicyKind.ACCESS_CONTROL,
                "owner": security,
            },
        )
        approvals.approval_request_submit(
            obj=policy.versions.get(), user=security, comment="Ready for review."
        )
        stdout.write("  Access control policy waiting for approval")

    if not Policy.objects.filter(reference="POL-03").exists():
        policy = services.policy_create(
            user=security,
            data={
                "reference": "POL-03",
                "title": "Backup policy",
                "kind": PolicyKind.BACKUP,
                "owner": User.objects.get(username="owner"),
            },
        )
        version = policy.versions.get()
        _approve(version, security, manager)
        services.policy_publish(version=version, user=security)
        # As if it had been approved more than a year ago: its yearly review is overdue.
        overdue = timezone.localdate() - datetime.timedelta(days=12)
        Policy.objects.filter(pk=policy.pk).update(next_review_due=overdue)
        stdout.write(f"  Backup policy published; its review was due on {overdue}")
