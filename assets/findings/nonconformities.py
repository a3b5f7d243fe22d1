"""Raise a nonconformity (ISO/IEC 27001 10.2) from a failed AWS check: the finding is
the source (raising twice gives the same nonconformity), the requirement not met is the
first ISO/IEC 27001 control the check evidences, critical and high findings are major."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from assets.choices import FindingStatus, Severity
from assets.models import Finding
from isms.audits.models import NcSeverity, Origin
from isms.audits.services.nonconformities import raise_nonconformity
from isms.models import Control

MAJOR_FROM = (Severity.CRITICAL, Severity.HIGH)


def finding_raise_nonconformity(*, finding: Finding, user):
    """The nonconformity of `finding` (created the first time, the same one after)."""
    if not user.has_perm("audits.add_nonconformity"):
        raise PermissionDenied(_("Only a security manager raises nonconformities."))
    if finding.status == FindingStatus.NOT_EVALUATED:
        raise ValidationError(_("A check that could not be evaluated is no nonconformity."))
    check = finding.definition
    identifiers = check.iso27001 if check is not None else ()
    requirement = None
    if identifiers:
        known = {
            c.identifier: c
            for c in Control.objects.filter(
                framework__code="iso27001-2022", identifier__in=identifiers
            )
        }
        requirement = next((known[i] for i in identifiers if i in known), None)
    return raise_nonconformity(
        title=_("AWS check failed: %s") % finding.title,
        description=_("%(detail)s\n\nResource: %(arn)s (%(account)s, %(region)s).")
        % {
            "detail": finding.detail,
            "arn": finding.resource.arn,
            "account": finding.account,
            "region": finding.region,
        },
        severity=NcSeverity.MAJOR if finding.severity in MAJOR_FROM else NcSeverity.MINOR,
        raised_by=user,
        source=finding,
        requirement=requirement,
        requirement_ref=""
        if requirement
        else (_("ISO/IEC 27001 %s") % ", ".join(identifiers) if identifiers else finding.check_id),
        origin=Origin.AWS_FINDING,
    )
