"""Demo internal audit: the clauses 4-10 catalogue, last year's audit programme and one
completed audit of risk management, competence and backups whose checklist found two
nonconformities (with evidence), an observation and an opportunity for improvement; its
report approved by management. This year's programme with one planned audit.
Concluding the checklist raises its two nonconformities and its opportunity for
improvement in the register (isms.audits.demo.nonconformities then acts on them).
Idempotent: skipped when programmes exist."""

import datetime

from django.utils import timezone

from isms.audits.models import AuditConclusion, AuditProgramme
from isms.audits.services import audits as services
from isms.models import Control, Framework, User

# (clause or control, conclusion, findings, evidence link)
CHECKLIST = [
    ("6.1.2", AuditConclusion.NC_MINOR,
     "The risk acceptance criteria in the methodology carry no approval date; two risk "
     "assessments of Q3 used the superseded criteria.",
     "https://intranet.example.com/isms/risk-methodology"),
    ("7.2", AuditConclusion.OBSERVATION,
     "Competence records exist for the whole team; two of them have no evidence attached.", ""),
    ("9.1", AuditConclusion.CONFORMING, "Measures reported monthly with targets.", ""),
    ("9.2.2", AuditConclusion.IMPROVEMENT,
     "The programme could weigh the results of previous audits more explicitly.", ""),
    ("5.15", AuditConclusion.CONFORMING, "Quarterly access reviews sampled: complete.", ""),
    ("8.13", AuditConclusion.NC_MAJOR,
     "No restore test of the production database backups in the last twelve months.",
     "https://intranet.example.com/ops/backup-restore-log"),
]  # fmt: skip


def _criteria():
    clauses = Control.objects.filter(framework__code=services.CLAUSES_CODE)
    annex = Control.objects.filter(framework__soa_basis=True)
    found = []
    for identifier, *_ in CHECKLIST:
        control = (
            clauses.filter(identifier=identifier).first()
            or annex.filter(identifier=identifier).first()
        )
        if control is not None:
            found.append(control)
    return found


def load(stdout) -> None:
    if not Framework.objects.filter(code=services.CLAUSES_CODE).exists():
        services.clauses_load()  # once: a refresh would record a new import each time
    if AuditProgramme.objects.exists():
        stdout.write("Internal audit: already loaded.")
        return
    security = User.objects.get(username="security")
    auditor = User.objects.get(username="auditor")
    owner = User.objects.filter(username="owner").first()
    manager = User.objects.get(username="manager")
    year = timezone.localdate().year - 1
    last = services.programme_save(
        user=security, year=year, title=f"Internal audit programme {year}",
        objectives="Confirm the ISMS conforms to ISO/IEC 27001 and to our own requirements, "
        "and that it is effectively implemented, before the certification audit.",
        criteria="ISO/IEC 27001:2022 clauses 4-10 and the applicable Annex A controls; "
        "our policies and the risk methodology.",
        scope="The whole ISMS scope: the SaaS platform, its operations and support teams.",
        frequency="Every clause once a year; high-risk processes twice a year.",
        methods="Interviews, inspection of records, sampling, re-performance of backups.",
        responsibilities="The security manager plans; internal auditors independent of the "
        "audited processes perform; management receives the reports.",
        process_importance="Risk management, access control and backups are weighted highest "
        "(their risks are the highest in the register).",
        previous_results="First programme: no previous internal audit.",
        owner=security, next_review=datetime.date(year + 1, 1, 15),
    )  # fmt: skip
    audit = services.audit_create(
        user=security, programme=last, title="Risk management, competence and backups",
        scope="Risk assessment and treatment, competence, monitoring, audit programme, "
        "access control and backups.",
        planned_start=datetime.date(year, 10, 6), planned_end=datetime.date(year, 10, 8),
        auditors=[auditor], auditees=[a for a in (owner,) if a], criteria=_criteria(),
    )  # fmt: skip
    by_identifier = {item.requirement.identifier: item for item in audit.items.all()}
    for identifier, conclusion, findings, link in CHECKLIST:
        item = by_identifier.get(identifier)
        if item is None:
            continue
        if link:
            services.evidence_add(user=auditor, item=item, title="Record examined", url=link)
        services.item_conclude(user=auditor, item=item, conclusion=conclusion, findings=findings)
    services.audit_complete(
        user=auditor, audit_obj=audit,
        summary="The ISMS is largely conforming. Two nonconformities: undated risk criteria "
        "(minor) and no backup restore test (major).",
    )  # fmt: skip
    report = services.report_create(
        user=auditor, audit_obj=audit,
        conclusion="Conforming with two nonconformities to correct before certification.",
    )  # fmt: skip
    from isms import approvals
    from isms.demo.governance import PASSWORDS

    request = approvals.approval_request_submit(obj=report, user=security)
    approvals.approval_request_approve(
        request=request, user=manager, password=PASSWORDS["manager"],
        comment="Report received; corrective actions to be tracked.",
    )  # fmt: skip
    this = services.programme_save(
        user=security, year=year + 1, title=f"Internal audit programme {year + 1}",
        objectives="Re-audit the nonconformities of last year and cover the remaining clauses.",
        scope="The whole ISMS scope.", frequency="Every clause once a year.",
        previous_results=f"Two nonconformities in {audit.reference}: risk criteria, restores.",
        owner=security, next_review=datetime.date(year + 2, 1, 15),
    )  # fmt: skip
    clauses = Control.objects.filter(framework__code=services.CLAUSES_CODE)
    services.audit_create(
        user=security, programme=this, title="Follow-up and leadership",
        planned_start=datetime.date(year + 1, 11, 3), planned_end=datetime.date(year + 1, 11, 4),
        auditors=[auditor],
        criteria=list(clauses.filter(identifier__in=["5.1", "5.2", "6.1.2", "10.2"])),
    )  # fmt: skip
    stdout.write(
        f"Internal audit: programmes {year} and {year + 1}; {audit.reference} completed with "
        "two nonconformities, its report approved; one audit planned."
    )
