from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """The incident register (Annex A 5.24-5.28, 6.8): report, triage, handle, notify,
    collect evidence, close after review, raise risks from the lessons learned."""

    name = "risks.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from isms import dashboard, navigation
        from isms.frameworks import evidence as soa_evidence
        from isms.governance import audit_pack, reviews
        from isms.navigation import Item
        from risks.incidents import selectors, services
        from risks.incidents.evidence import FIGURES
        from risks.incidents.hooks import FollowUp, follow_ups

        follow_ups.register(
            FollowUp("risk", _("Risk"), permission="risks.add_risk", raise_=services.raise_risk)
        )
        from risks.incidents.follow_up_nonconformity import IMPROVEMENT, NONCONFORMITY

        follow_ups.register(NONCONFORMITY)  # isms.audits (issue 13)
        follow_ups.register(IMPROVEMENT)  # an OFI of the same register (issue 15)
        dashboard.register_figure(selectors.figures)
        # The records are the SoA's evidence for their Annex A controls.
        soa_evidence.register_figures(*FIGURES)
        audit_pack.register(selectors.audit_pack_files)
        reviews.register(selectors.due_notifications)
        navigation.register(
            Item(
                _("Incidents"),
                "incidents:incident_list",
                "bi-exclamation-octagon",
                section=navigation.ASSURANCE,
            )
        )
