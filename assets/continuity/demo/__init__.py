"""Demo business impact analysis, continuity plan and exercise (`manage.py load_demo`).

The recovery objectives are set on the demo's processes and activities; the supporting
assets inherit them down the graph. The customer database (A-013) inherits the RPO of
15 minutes of payment processing, which the demo AWS estate's replica without
automated backups cannot meet: it shows as a gap. Running `load` again changes nothing.
Demo data only: the product never imports this package.
"""

import datetime

from django.utils import timezone

from assets.continuity import selectors, services
from assets.continuity.models import ContinuityPlan
from assets.models import Asset
from isms import approvals
from isms.demo.users import DEMO_USERS
from isms.models import User

H = 60  # minutes
# ref: (MTD, RTO, RPO in minutes, [(after minutes, impact)])
OBJECTIVES = {
    "A-006": (
        4 * H,
        1 * H,
        15,
        [(60, "Sales lost: about $6,000 an hour"), (240, "Customers move to competitors")],
    ),
    "A-002": (
        8 * H,
        2 * H,
        15,
        [(120, "Orders cannot be paid"), (480, "Card scheme penalties, press coverage")],
    ),
    "A-003": (
        24 * H,
        8 * H,
        1 * H,
        [(480, "Same-day dispatch missed"), (1440, "Refunds and complaints")],
    ),
    "A-005": (72 * H, 24 * H, 24 * H, [(4320, "Month-end close late")]),
    "A-009": (
        48 * H,
        24 * H,
        24 * H,
        [(2880, "Staff paid late: legal exposure and morale")],
    ),
}
PLAN = "Storefront and payments recovery"


def load(stdout) -> None:
    assets = {a.ref: a for a in Asset.objects.filter(ref__in=OBJECTIVES)}
    security = User.objects.filter(username="security").first()
    for ref, (mtd, rto, rpo, steps) in OBJECTIVES.items():
        if ref in assets:
            services.objective_save(
                asset=assets[ref],
                user=None,
                data={
                    "mtd_minutes": mtd,
                    "rto_minutes": rto,
                    "rpo_minutes": rpo,
                    "impact_over_time": [
                        {"after_minutes": after, "impact": text} for after, text in steps
                    ],
                },
            )
    plan = ContinuityPlan.objects.filter(title=PLAN).first()
    if plan is None and security is not None:
        plan = services.plan_create(
            user=security,
            data={
                "title": PLAN,
                "processes": [assets[ref] for ref in ("A-006", "A-002") if ref in assets],
                "status": "active",
                "strategy": "Run the storefront from the second region; promote the "
                "database replica; switch DNS. Payments fail over to the partner's "
                "secondary endpoint.",
                "content": "1. Declare the disaster (operations lead).\n"
                "2. Promote the replica in the secondary region.\n"
                "3. Scale the web servers there; switch DNS.\n"
                "4. Check payments end to end; tell customer support.\n",
            },
        )
        _approve(plan, security, stdout)
        services.exercise_record(
            plan=plan,
            user=security,
            data={
                "held_on": timezone.localdate() - datetime.timedelta(days=40),
                "kind": "simulation",
                "scenario": "Primary region unavailable for a day.",
                "achieved_rto_minutes": 150,
                "achieved_rpo_minutes": 5,
                "result": "partly",
                "observations": "Recovered in 2.5 h against an RTO of 1 h: DNS TTLs "
                "too long and the replica had no automated backups.",
            },
        )
    stdout.write(
        f"Continuity: {len(assets)} processes with objectives, "
        f"{len(selectors.gaps())} gaps, plan {plan.ref if plan else '-'}."
    )


def _approve(plan, security, stdout) -> None:
    """Submit the plan and have the demo manager approve it (version 1)."""
    manager = User.objects.filter(username="manager").first()
    request = services.plan_submit(plan=plan, user=security)
    if manager is None:
        return
    password = next(row[4] for row in DEMO_USERS if row[0] == "manager")
    try:
        approvals.approval_request_approve(request=request, user=manager, password=password)
    except approvals.ApprovalError as exc:
        stdout.write(f"Continuity: {plan.ref} v1 waits for approval ({exc}).")
