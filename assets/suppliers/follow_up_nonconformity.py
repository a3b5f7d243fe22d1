"""The "nonconformity" follow-up of supplier assessment findings (registered in
`SuppliersConfig.ready()` into `assets.suppliers.hooks.follow_ups`): a minor
nonconformity against the supplier requirements (ISO/IEC 27001 Annex A 5.20, or a free
reference when that catalogue is not loaded), raised once per finding."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assets.suppliers.hooks import FollowUp
from isms.audits.models import NcSeverity, Origin
from isms.audits.services.nonconformities import raise_nonconformity
from isms.models import Control

# Information security within supplier agreements.
SUPPLIER_CONTROL = ("iso27001-2022", "5.20")


def raise_nc(*, finding, user):
    """A nonconformity described by the assessment finding, linked to it."""
    assessment = finding.assessment
    supplier = assessment.supplier.asset.name
    requirement = Control.objects.filter(
        framework__code=SUPPLIER_CONTROL[0], identifier=SUPPLIER_CONTROL[1]
    ).first()
    return raise_nonconformity(
        title=finding.title,
        description=f"{finding.description}\n\n"
        + _("Raised from supplier assessment %(ref)s of %(supplier)s.")
        % {"ref": assessment.ref, "supplier": supplier},
        severity=NcSeverity.MINOR,
        raised_by=user,
        source=finding,
        requirement=requirement,
        requirement_ref="" if requirement else _("Supplier security requirements (%s)") % supplier,
        origin=Origin.SUPPLIER,
    )


NONCONFORMITY = FollowUp(
    "nonconformity",
    gettext_lazy("Nonconformity"),
    permission="audits.add_nonconformity",
    raise_=raise_nc,
)
