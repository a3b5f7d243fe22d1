"""Demo supplier register: AWS and four other suppliers, one certification expired, one
assessment answered through its link and concluded. Idempotent."""

import datetime

from django.utils import timezone

from assets.models import Asset
from assets.suppliers import services
from assets.suppliers.models import Assessment, Supplier
from isms.models import User

TODAY = datetime.date.today
SUPPLIERS = [
    # (existing asset ref or None, name, services, data shared, classification)
    ("A-019", "", "Card payments", "Customer names and card tokens", "personal"),
    ("A-020", "", "HR and payroll software", "Employee records", "personal"),
    (
        None,
        "PostLetter e-mail delivery",
        "Transactional e-mail",
        "Customer e-mail addresses",
        "personal",
    ),
    (None, "Ledgerly accounting", "Accounting", "Invoices", "confidential"),
]


def load(stdout) -> None:
    aws = services.supplier_ensure_aws(user=None)
    manager = User.objects.filter(username="security").first()
    made = 0
    for ref, name, provided, shared, classification in SUPPLIERS:
        asset = Asset.objects.filter(ref=ref).first() if ref else None
        label = asset.name if asset else name
        if Supplier.objects.filter(asset__name=label).exists():
            continue
        data = {
            "services_provided": provided,
            "data_shared": shared,
            "data_classification": classification,
            "contact_email": f"security@{label.split()[0].lower()}.example",
        }
        supplier = services.supplier_create(
            user=None, data=data, asset=asset, name=name, owner=manager
        )
        services.contract_save(
            supplier=supplier,
            user=None,
            data={
                "title": f"{label} master services agreement",
                "start_date": TODAY() - datetime.timedelta(days=400),
                "end_date": TODAY() + datetime.timedelta(days=700),
                "security_clauses": "Confidentiality, breach notice within 24 hours, "
                "sub-processors listed.",
                "right_to_audit": ref == "A-019",
                "exit_plan": "Export of our data within 30 days, then deletion.",
            },
        )
        expired = ref == "A-020"
        services.certification_save(
            supplier=supplier,
            user=None,
            data={
                "kind": "soc2" if expired else "iso27001",
                "issued_on": TODAY() - datetime.timedelta(days=500 if expired else 200),
                "expires_on": TODAY() - datetime.timedelta(days=20)
                if expired
                else TODAY() + datetime.timedelta(days=900),
            },
        )
        made += 1
    if not aws.certifications.exists():
        services.certification_save(
            supplier=aws,
            user=None,
            data={
                "kind": "iso27001",
                "title": "AWS ISO/IEC 27001 certificate",
                "issued_on": TODAY() - datetime.timedelta(days=100),
                "expires_on": TODAY() + datetime.timedelta(days=600),
                "reference": "https://aws.amazon.com/compliance/iso-27001-faqs/",
            },
        )
    payfast = Supplier.objects.filter(asset__ref="A-019").first()
    if payfast and not Assessment.objects.filter(supplier=payfast).exists():
        questionnaire = services.questionnaire_shipped(user=manager)
        assessment, token = services.assessment_send(
            supplier=payfast,
            questionnaire=questionnaire,
            user=manager,
            contact_email="security@payfast.example",
        )
        answers = {}
        for question in questionnaire.questions():
            answers[question["id"]] = {"yes_no": "yes", "scale": "4", "text": "See our report"}[
                question["type"]
            ]
        answers["chain-terms"] = "no"
        services.assessment_answer(token=token, answers=answers)
        assessment.refresh_from_db()
        services.assessment_conclude(
            assessment=assessment,
            user=manager,
            conclusion="conditions",
            notes="Acceptable once sub-processor terms are aligned (by "
            f"{(timezone.localdate() + datetime.timedelta(days=90)).isoformat()}).",
        )
        services.assessment_finding_add(
            assessment=assessment,
            user=manager,
            data={
                "title": "Sub-processors not bound by equivalent security terms",
                "description": "PayFast answered no to chain-terms.",
            },
        )
    stdout.write(f"Suppliers: {Supplier.objects.count()} ({made} new), AWS included.\n")
