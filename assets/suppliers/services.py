"""Every write to the supplier register and supplier assessments (one transaction each,
audited)."""

from __future__ import annotations

import datetime
import json
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assets import services as asset_services
from assets.choices import AssetCategory, AssetClass
from assets.suppliers.choices import AnswerType, AssessmentStatus, FollowUpKind
from assets.suppliers.hooks import follow_ups
from assets.suppliers.models import (
    Assessment,
    AssessmentFinding,
    Certification,
    Contract,
    Questionnaire,
    Supplier,
    hash_token,
)
from isms import audit, numbering, roles
from isms.governance.notifications import notify

SUPPLIER_FIELDS = {
    "services_provided",
    "data_shared",
    "data_classification",
    "criticality_override",
    "criticality_reason",
    "contact_name",
    "contact_email",
    "review_interval_days",
    "next_review_date",
}
CONTRACT_FIELDS = {
    "title",
    "start_date",
    "end_date",
    "security_clauses",
    "right_to_audit",
    "exit_plan",
}
CERTIFICATION_FIELDS = {"kind", "title", "issued_on", "expires_on", "reference"}
AWS_NAME = "Amazon Web Services"
REMIND_DAYS_BEFORE = 30
LINK_DAYS = 14


def _fields(data: dict, allowed: set, service: str) -> dict:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"{service}() got unexpected fields: {', '.join(sorted(unknown))}")
    return dict(data)


def _save(obj, before=None):
    obj.full_clean()
    obj.save()
    if before is None:
        audit.record_created(obj)
    else:
        audit.record_change(obj, before)
    return obj


# --- The register -----------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def supplier_create(*, user, data: dict, asset=None, name: str = "", owner=None) -> Supplier:
    """Register a supplier: on an existing partner-organisation `asset`, or on a new one
    named `name` (created through the asset inventory's service)."""
    fields = _fields(data, SUPPLIER_FIELDS, "supplier_create")
    if asset is None:
        if not name.strip():
            raise ValidationError({"name": _("Name the supplier.")}, code="required")
        asset = asset_services.asset_create(
            user=user,
            data={
                "name": name,
                "asset_class": AssetClass.SUPPORT,
                "category": AssetCategory.PARTNER_ORGANIZATION,
                "owner": owner,
            },
        )
    elif asset.category != AssetCategory.PARTNER_ORGANIZATION:
        raise ValidationError(
            {"asset": _("A supplier is a partner-organisation asset.")}, code="not_partner"
        )
    elif Supplier.objects.filter(asset=asset).exists():
        raise ValidationError({"asset": _("This asset is already a supplier.")}, code="taken")
    supplier = Supplier(asset=asset, **fields)
    if supplier.next_review_date is None:
        supplier.next_review_date = timezone.localdate() + datetime.timedelta(
            days=supplier.review_interval_days
        )
    return _save(supplier)


@audit.acts_as_user
@transaction.atomic
def supplier_update(*, supplier: Supplier, user, data: dict) -> Supplier:
    """Change the supplier's fields in `data` (an override needs its reason; clearing the
    override goes back to the derived criticality)."""
    fields = _fields(data, SUPPLIER_FIELDS, "supplier_update")
    before = audit.snapshot(supplier)
    for name, value in fields.items():
        setattr(supplier, name, value)
    if not supplier.criticality_override:
        supplier.criticality_reason = ""
    return _save(supplier, before)


@audit.acts_as_user
@transaction.atomic
def supplier_ensure_aws(*, user=None, account=None) -> Supplier:
    """Make AWS a supplier of the organisation (idempotent): called when an AWS account
    is connected. Its evidence is the shared-responsibility layers of the services in use
    (assets.responsibility), shown on its page."""
    existing = Supplier.objects.filter(is_aws=True).select_related("asset").first()
    if existing:
        return existing
    asset = asset_services.asset_create(
        user=user,
        data={
            "name": AWS_NAME,
            "asset_class": AssetClass.SUPPORT,
            "category": AssetCategory.PARTNER_ORGANIZATION,
            "description": _("Cloud provider; created when an AWS account was connected."),
        },
    )
    supplier = Supplier(
        asset=asset,
        is_aws=True,
        services_provided=_("Cloud infrastructure and managed services (see the layers)."),
        next_review_date=timezone.localdate() + datetime.timedelta(days=365),
    )
    return _save(supplier)


@audit.acts_as_user
@transaction.atomic
def contract_save(*, supplier: Supplier, user, data: dict, contract=None) -> Contract:
    """Add a contract to `supplier`, or change `contract`."""
    fields = _fields(data, CONTRACT_FIELDS, "contract_save")
    before = audit.snapshot(contract) if contract else None
    contract = contract or Contract(supplier=supplier)
    for name, value in fields.items():
        setattr(contract, name, value)
    return _save(contract, before)


@audit.acts_as_user
@transaction.atomic
def contract_delete(*, contract: Contract, user) -> None:
    """Remove a contract from its supplier (recorded in the audit trail)."""
    audit.record_deleted(contract)
    contract.delete()


@audit.acts_as_user
@transaction.atomic
def certification_save(
    *, supplier: Supplier, user, data: dict, certification=None
) -> Certification:
    """Add a certification to `supplier`, or change one (a new expiry date re-arms the
    reminder)."""
    fields = _fields(data, CERTIFICATION_FIELDS, "certification_save")
    before = audit.snapshot(certification) if certification else None
    certification = certification or Certification(supplier=supplier)
    if certification.pk and fields.get("expires_on", certification.expires_on) != (
        certification.expires_on
    ):
        certification.reminded_on = None
    for name, value in fields.items():
        setattr(certification, name, value)
    return _save(certification, before)


@audit.acts_as_user
@transaction.atomic
def certification_delete(*, certification: Certification, user) -> None:
    """Remove a certification from its supplier (recorded in the audit trail)."""
    audit.record_deleted(certification)
    certification.delete()


@audit.acts_as_user
def certifications_remind(*, user=None, today=None) -> list[int]:
    """Remind the supplier's owner and the security managers, once per expiry date, of
    every certification expiring within REMIND_DAYS_BEFORE days (or expired). Idempotent:
    run daily by Celery beat."""
    today = today or timezone.localdate()
    due = Certification.objects.filter(
        reminded_on=None, expires_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("supplier__asset__owner")
    reminded = []
    managers = list(_security_managers())
    for certification in due:
        with transaction.atomic():
            claimed = Certification.objects.filter(pk=certification.pk, reminded_on=None).update(
                reminded_on=today
            )
            if not claimed:
                continue
            owner = certification.supplier.asset.owner
            users = {u.pk: u for u in managers + ([owner] if owner else [])}
            verb = _("expired on") if certification.expires_on < today else _("expires on")
            notify(
                users=users.values(),
                subject=f"{certification} {verb} {certification.expires_on.isoformat()}",
                body=_("Ask the supplier for the renewed certificate or report."),
                target=certification.supplier,
            )
            audit.record(certification, message="expiry reminder sent")
            reminded.append(certification.pk)
    return reminded


def _security_managers():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=roles.SECURITY_MANAGER, is_active=True)


# --- Questionnaires ----------------------------------------------------------------------


def questionnaire_content_clean(content) -> dict:
    """The questionnaire document, checked: sections with titles, questions with a unique
    id, text, answer type and a weight from 0 to 10. ValidationError naming the place of
    the first problem."""
    if not isinstance(content, dict) or not isinstance(content.get("sections"), list):
        raise ValidationError(_('Expected {"sections": [...]}.'), code="invalid")
    seen = set()
    sections = []
    for s, section in enumerate(content["sections"], start=1):
        if not isinstance(section, dict) or not str(section.get("title", "")).strip():
            raise ValidationError(_("Section %(n)s needs a title.") % {"n": s}, code="invalid")
        questions = []
        for q, question in enumerate(section.get("questions") or [], start=1):
            where = _("section %(s)s, question %(q)s") % {"s": s, "q": q}
            if not isinstance(question, dict):
                raise ValidationError(_("%s: expected an object.") % where, code="invalid")
            qid = str(question.get("id", "")).strip()
            text = str(question.get("text", "")).strip()
            kind = question.get("type", AnswerType.YES_NO)
            weight = question.get("weight", 1)
            if not qid or qid in seen:
                raise ValidationError(_("%s: a unique id is needed.") % where, code="invalid")
            if not text:
                raise ValidationError(_("%s: the text is empty.") % where, code="invalid")
            if kind not in AnswerType.values:
                raise ValidationError(_("%s: unknown answer type.") % where, code="invalid")
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 10:
                raise ValidationError(
                    _("%s: the weight is a whole number from 0 to 10.") % where, code="invalid"
                )
            seen.add(qid)
            questions.append({"id": qid, "text": text, "type": kind, "weight": weight})
        if not questions:
            raise ValidationError(_("Section %(n)s has no question.") % {"n": s}, code="invalid")
        sections.append({"title": str(section["title"]).strip(), "questions": questions})
    if not sections:
        raise ValidationError(_("The questionnaire has no section."), code="invalid")
    return {"sections": sections}


def questionnaire_outline(content: dict) -> str:
    """The template's sections and questions as the page's editable outline: a line
    "# title" per section, then "id | type | weight | text" per question."""
    lines = []
    for section in content.get("sections", []):
        lines.append(f"# {section['title']}")
        for q in section["questions"]:
            lines.append(f"{q['id']} | {q['type']} | {q['weight']} | {q['text']}")
        lines.append("")
    return "\n".join(lines).strip()


def outline_content(outline: str) -> dict:
    """The questionnaire document from the page's outline (`questionnaire_outline`);
    ValidationError naming the line that cannot be read. The document is then checked
    by `questionnaire_content_clean` like an imported one."""
    sections: list[dict] = []
    for number, raw in enumerate(outline.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            sections.append({"title": line.lstrip("#").strip(), "questions": []})
            continue
        parts = [part.strip() for part in line.split("|", 3)]
        if not sections:
            raise ValidationError(
                _("Line %(n)s: start with a section (a line beginning with #).") % {"n": number},
                code="invalid",
            )
        if len(parts) != 4 or not parts[2].isdigit():
            raise ValidationError(
                _("Line %(n)s: expected id | type | weight | text.") % {"n": number},
                code="invalid",
            )
        qid, kind, weight, text = parts
        sections[-1]["questions"].append(
            {"id": qid, "type": kind, "weight": int(weight), "text": text}
        )
    return {"sections": sections}


@audit.acts_as_user
@transaction.atomic
def questionnaire_save(*, user, data: dict, questionnaire=None) -> Questionnaire:
    """Create or change a questionnaire template (`data`: name, description, content);
    all or nothing."""
    fields = _fields(data, {"name", "description", "content"}, "questionnaire_save")
    if "content" in fields:
        fields["content"] = questionnaire_content_clean(fields["content"])
    before = audit.snapshot(questionnaire) if questionnaire else None
    questionnaire = questionnaire or Questionnaire()
    for name, value in fields.items():
        setattr(questionnaire, name, value)
    return _save(questionnaire, before)


def questionnaire_export(questionnaire: Questionnaire) -> dict:
    """The JSON document of a template, as `questionnaire_save` imports it."""
    return {
        "name": questionnaire.name,
        "description": questionnaire.description,
        "sections": questionnaire.content.get("sections", []),
    }


@audit.acts_as_user
def questionnaire_import(*, user, document) -> Questionnaire:
    """Create a template from an exported JSON document (already parsed by
    isms.importing.load_document)."""
    if not isinstance(document, dict):
        raise ValidationError(_('Expected {"name", "sections"}.'), code="invalid")
    return questionnaire_save(
        user=user,
        data={
            "name": str(document.get("name", "")).strip(),
            "description": str(document.get("description", "")),
            "content": {"sections": document.get("sections")},
        },
    )


# The questionnaire template shipped with the product (migration suppliers 0002 loads it).
SHIPPED_QUESTIONNAIRE = Path(__file__).resolve().parent / "data" / "supplier_security.json"


def questionnaire_shipped(*, user=None) -> Questionnaire:
    """The shipped questionnaire template: the one of that name, created from the data
    file when it is missing (a database emptied since its migration, a deleted template)."""
    document = json.loads(SHIPPED_QUESTIONNAIRE.read_text(encoding="utf-8"))
    existing = Questionnaire.objects.filter(name=document["name"]).first()
    return existing or questionnaire_import(user=user, document=document)


# --- Assessments -------------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def assessment_send(
    *, supplier: Supplier, questionnaire: Questionnaire, user, contact_email: str, days=LINK_DAYS
) -> tuple[Assessment, str]:
    """Send `questionnaire` to the supplier's contact: returns the assessment and the
    token of its link, shown once; only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    assessment = Assessment(
        number=numbering.next_number(Assessment.objects.all(), sequence="supplier-assessment"),
        supplier=supplier,
        questionnaire=questionnaire,
        content=questionnaire.content,
        contact_email=contact_email,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        sent_by=user,
    )
    _save(assessment)
    return assessment, token


@audit.acts_as_user
@transaction.atomic
def assessments_expire(*, user=None, now=None) -> list[int]:
    """Mark "expired" every assessment still waiting for its answers after its link's
    deadline (the link already answers 410); each change is in the audit trail. Returns
    the ids changed; running it again changes nothing."""
    now = now or timezone.now()
    expired = []
    for assessment in Assessment.objects.select_for_update().filter(
        status=AssessmentStatus.SENT, expires_at__lte=now
    ):
        before = audit.snapshot(assessment)
        assessment.status = AssessmentStatus.EXPIRED
        assessment.save(update_fields=["status"])
        audit.record_change(assessment, before)
        expired.append(assessment.pk)
    return expired


def assessment_by_token(token: str) -> Assessment | None:
    """The assessment whose link is `token` while the link is open, else None."""
    if not token or len(token) > 100:
        return None
    assessment = Assessment.objects.filter(token_hash=hash_token(token)).first()
    return assessment if assessment and assessment.link_open else None


def score_of(content: dict, answers: dict) -> Decimal | None:
    """Weighted score (0-100) of the answers: yes = 1, no = 0, a scale answer n / 5;
    free-text questions do not count."""
    total = got = Decimal(0)
    for section in content.get("sections", []):
        for question in section["questions"]:
            if question["type"] == AnswerType.TEXT or not question["weight"]:
                continue
            weight = Decimal(question["weight"])
            value = answers.get(question["id"])
            total += weight
            if question["type"] == AnswerType.YES_NO and value == "yes":
                got += weight
            elif question["type"] == AnswerType.SCALE and value not in (None, ""):
                got += weight * Decimal(int(value)) / 5
    return (got * 100 / total).quantize(Decimal("0.1")) if total else None


def _clean_answers(content: dict, raw: dict) -> dict:
    answers, errors = {}, {}
    for section in content.get("sections", []):
        for question in section["questions"]:
            value = str(raw.get(question["id"], "")).strip()
            kind = question["type"]
            if kind == AnswerType.YES_NO and value not in ("yes", "no"):
                errors[question["id"]] = _("Answer yes or no.")
            elif kind == AnswerType.SCALE and value not in {str(n) for n in range(6)}:
                errors[question["id"]] = _("Choose a level from 0 to 5.")
            elif len(value) > 5000:
                errors[question["id"]] = _("At most 5,000 characters.")
            answers[question["id"]] = value
            comment = str(raw.get(f"{question['id']}__comment", "")).strip()[:2000]
            if comment:
                answers[f"{question['id']}__comment"] = comment
    if errors:
        raise ValidationError(errors, code="invalid")
    return answers


@transaction.atomic
def assessment_answer(*, token: str, answers: dict) -> Assessment:
    """Record the supplier's answers through the link, once: the link is closed in the
    same transaction (its hash is erased), so a second submission finds nothing."""
    with audit.acting_as(None, source="supplier-link"):
        found = assessment_by_token(token)
        if found is None:
            raise Assessment.DoesNotExist
        assessment = Assessment.objects.select_for_update().get(pk=found.pk)
        if not assessment.link_open:
            raise Assessment.DoesNotExist
        before = audit.snapshot(assessment)
        assessment.answers = _clean_answers(assessment.content, answers)
        assessment.score = score_of(assessment.content, assessment.answers)
        assessment.status = AssessmentStatus.ANSWERED
        assessment.answered_at = timezone.now()
        assessment.token_hash = None
        assessment.save()
        audit.record_change(assessment, before, message="answered through the link")
    return assessment


@audit.acts_as_user
@transaction.atomic
def assessment_conclude(*, assessment: Assessment, user, conclusion: str, notes: str = ""):
    """The reviewer's conclusion on an answered assessment."""
    if assessment.status != AssessmentStatus.ANSWERED:
        raise ValidationError(
            _("Only an answered assessment can be concluded."), code="not_answered"
        )
    before = audit.snapshot(assessment)
    assessment.conclusion = conclusion
    assessment.conclusion_notes = notes
    assessment.reviewer = user
    assessment.concluded_at = timezone.now()
    assessment.status = AssessmentStatus.CONCLUDED
    assessment.full_clean()
    assessment.save()
    audit.record_change(assessment, before)
    return assessment


@audit.acts_as_user
@transaction.atomic
def assessment_finding_add(*, assessment: Assessment, user, data: dict) -> AssessmentFinding:
    """Record a weakness found in the assessment."""
    fields = _fields(data, {"title", "description"}, "assessment_finding_add")
    return _save(AssessmentFinding(assessment=assessment, **fields))


@audit.acts_as_user
@transaction.atomic
def assessment_finding_raise(*, finding: AssessmentFinding, user, kind: str):
    """Raise a risk or a nonconformity from `finding` through the follow-up registered
    under `kind` (assets.suppliers.hooks.follow_ups) and link it to the finding."""
    if finding.raised_id:
        raise ValidationError(_("This finding was already raised."), code="raised")
    if kind not in follow_ups or kind not in FollowUpKind.values:
        raise ValidationError(
            _("Nothing can be raised as %(kind)s here.") % {"kind": kind}, code="no_follow_up"
        )
    follow_up = follow_ups[kind]
    if not user.has_perm(follow_up.permission):
        raise PermissionDenied
    raised = follow_up.raise_(finding=finding, user=user)
    before = audit.snapshot(finding)
    finding.raised_kind = kind
    finding.raised_type = ContentType.objects.get_for_model(raised)
    finding.raised_id = str(raised.pk)
    finding.save()
    audit.record_change(finding, before)
    return raised


def link_url(token: str) -> str:
    """The full address of an assessment link, to send to the supplier's contact."""
    return settings.SITE_URL.rstrip("/") + reverse("supplier_answer", args=[token])
