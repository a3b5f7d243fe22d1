"""Demo team: four people, three ISMS roles, their evidence of competence (one
certification expired, one role gap) and an awareness campaign."""

import datetime

from django.utils import timezone

from isms.context.services import record_save
from isms.models import Policy, User
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person

COMPETENCES = ["ISMS management", "AWS security", "Incident handling", "Internal auditing"]
ROLES = {
    "Security officer": ["ISMS management", "AWS security"],
    "Incident responder": ["Incident handling"],
    "Internal auditor": ["Internal auditing"],
}
PEOPLE = [
    ("Sam Security", "security", "Security manager", ["Security officer", "Incident responder"]),
    ("Alex Auditor", "auditor", "Internal auditor", ["Internal auditor"]),
    ("Olivia Owner", "owner", "Platform engineer", ["Incident responder"]),
    ("Morgan Manager", "manager", "Managing director", []),
]


def load(stdout) -> None:
    if Person.objects.exists():
        return
    security = User.objects.get(username="security")
    today = timezone.localdate()
    competences = {
        name: record_save(user=security, model=Competence, data={"name": name})
        for name in COMPETENCES
    }
    roles = {
        name: record_save(
            user=security,
            model=IsmsRole,
            data={"name": name, "required_competences": [competences[c] for c in required]},
        )
        for name, required in ROLES.items()
    }
    people = {}
    for name, username, job, role_names in PEOPLE:
        user = User.objects.filter(username=username).first()
        people[username] = record_save(
            user=security,
            model=Person,
            data={
                "name": name, "email": f"{username}@example.com", "user": user,
                "job_title": job, "roles": [roles[r] for r in role_names],
            },
        )  # fmt: skip
    records = [
        ("security", "ISMS management", "certification", "ISO/IEC 27001 Lead Implementer",
         -400, 700),
        ("security", "AWS security", "certification", "AWS Certified Security – Specialty",
         -1100, -20),  # expired: a gap until renewed
        ("security", "Incident handling", "training", "Incident response workshop", -200, None),
        ("auditor", "Internal auditing", "certification", "ISO/IEC 27001 Lead Auditor",
         -300, 800),
        # Olivia holds "Incident responder" with no incident-handling evidence: the role gap.
    ]  # fmt: skip
    for username, competence, kind, title, start, end in records:
        record_save(
            user=security,
            model=CompetenceRecord,
            data={
                "person": people[username], "competence": competences[competence], "kind": kind,
                "title": title, "obtained_on": today + datetime.timedelta(days=start),
                "expires_on": today + datetime.timedelta(days=end) if end is not None else None,
            },
        )  # fmt: skip
    policy = Policy.objects.filter(reference="POL-01").first()
    if policy is not None:
        record_save(
            user=security,
            model=AwarenessCampaign,
            data={
                "title": "Annual policy refresher",
                "policy": policy,
                "due_date": today + datetime.timedelta(days=30),
            },
        )
    stdout.write("  People: 4 people, 3 roles, one expired certification, one role gap")
