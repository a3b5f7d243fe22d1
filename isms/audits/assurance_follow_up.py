"""The "nonconformity" follow-up of a not-effective control test result (registered by
the audits app into `isms.assurance.hooks.follow_ups`): the control that did not work is
the requirement not met, the result is the source (so a second not-effective result of
the same instance raises nothing new), and the tester's remarks are the description."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isms.assurance.hooks import FollowUp
from isms.audits.models import NcSeverity, Origin
from isms.audits.services.nonconformities import raise_nonconformity


def raise_nc(*, result, user=None) -> str:
    """Raise (once per result) a minor nonconformity against the result's control; the
    reference of the nonconformity, for the result's audit record."""
    test = result.test
    control = test.implementation.control
    nc = raise_nonconformity(
        title=_("Control not effective: %(control)s %(title)s")
        % {"control": control.identifier, "title": control.title},
        description=(result.remarks or "").strip()
        or _("Control test “%(test)s” concluded “not effective”.") % {"test": test.title},
        severity=NcSeverity.MINOR,
        raised_by=user,
        source=result,
        requirement=control,
        origin=Origin.CONTROL_TEST,
    )
    return nc.ref


NONCONFORMITY = FollowUp("nonconformity", gettext_lazy("Nonconformity"), run=raise_nc)
