"""Demo incidents (`manage.py load_demo`): one closed after its post-incident review,
whose lessons learned raised a risk; one open personal-data breach with its 72-hour
notification deadline running. Loaded once (nothing is added when incidents exist).
Demo data only: the product never imports this package.
"""

import datetime

from django.utils import timezone

from assets.models import Asset
from isms.models import User
from risks.incidents import services
from risks.incidents.models import Incident
from risks.selectors import active_version


def load(stdout) -> None:
    if Incident.objects.exists():
        stdout.write("Incidents: the register already has incidents, nothing added.")
        return
    users = {u.username: u for u in User.objects.all()}
    security, owner = users.get("security"), users.get("owner")
    assets = {a.ref: a for a in Asset.objects.filter(ref__in=("A-013", "A-014", "A-001"))}
    if security is None or owner is None or len(assets) < 3:
        stdout.write("Incidents: demo users or assets missing, nothing added.")
        return
    now = timezone.now()
    # 1. Closed: an outage of the customer database, lessons learned raised a risk.
    outage = services.incident_report(
        user=owner,
        data={
            "title": "Checkout failing: customer database unreachable",
            "description": "Customers could not pay for about 90 minutes.",
            "occurred_at": now - datetime.timedelta(days=20, hours=2),
            "detected_at": now - datetime.timedelta(days=20, hours=1, minutes=45),
        },
    )
    services.incident_update(
        incident=outage,
        user=security,
        data={
            "kind": "incident",
            "category": "denial_of_service",
            "severity": 3,
            "handler": security,
            "assets": [assets["A-013"]],
            "containment": "Storefront switched to maintenance mode.",
            "recovery": "Instance restarted after the storage was extended.",
            "status": "recovered",
        },
    )
    services.entry_add(
        incident=outage,
        user=security,
        data={"kind": "action", "text": "Storage of the primary instance extended by 50 GB."},
    )
    services.incident_close(
        incident=outage,
        user=security,
        data={
            "root_cause": "Storage full; no alarm on free storage space.",
            "lessons_learned": "Alarm on free storage; storage autoscaling; the replica must "
            "keep automated backups to be a usable failover.",
        },
    )
    if active_version() is not None:
        services.incident_follow_up(
            incident=outage,
            user=security,
            kind="risk",
            data={"title": "Customer database exhausts its storage"},
        )
    # 2. Open: a personal-data breach, the authority to notify within 72 hours.
    breach = services.incident_report(
        user=security,
        data={
            "title": "Customer export found in a shared bucket",
            "description": "A CSV export of customers was readable through a public link.",
            "detected_at": now - datetime.timedelta(hours=30),
        },
    )
    services.incident_update(
        incident=breach,
        user=security,
        data={
            "kind": "incident",
            "category": "data_breach",
            "severity": 4,
            "handler": security,
            "personal_data_breach": True,
            "assets": [assets["A-014"], assets["A-001"]],
            "containment": "Public link removed; bucket access logs preserved.",
            "status": "contained",
        },
    )
    stdout.write(f"Incidents: {outage.ref} closed with a risk raised, {breach.ref} open.")
