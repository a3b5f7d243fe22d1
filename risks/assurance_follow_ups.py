"""The "risk review" follow-up of a not-effective control test (registered in
`RisksConfig.ready()` into `isms.assurance.hooks.follow_ups`): the risks the control
treats come up for review today."""

from django.utils.translation import gettext_lazy

from isms.assurance.hooks import FollowUp


def review_risks(*, result, user=None) -> str:
    """Put the risks treated by the tested control up for review (their review date to
    today); what was done, for the result's audit record."""
    from risks.services import risks_review_for_control

    control = result.test.implementation.control
    risks = risks_review_for_control(
        control_id=control.pk,
        reason=f"control {control.identifier} tested not effective ({result.test.title})",
        user=user,
    )
    return ", ".join(risk.ref for risk in risks)


RISK_REVIEW = FollowUp("risk_review", gettext_lazy("Risks up for review"), run=review_risks)
