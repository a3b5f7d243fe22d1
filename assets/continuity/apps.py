from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    """Business impact analysis and continuity (Annex A 5.29-5.30): recovery objectives
    set on essential assets and inherited down the dependency graph, the gaps where a
    supporting asset cannot meet them, continuity plans and their exercises."""

    name = "assets.continuity"
    label = "continuity"
    verbose_name = _("Business continuity")

    def ready(self):
        from assets.continuity import selectors, services
        from assets.continuity.evidence import FIGURES
        from assets.continuity.models import ContinuityPlanVersion
        from assets.hooks import dependency_listeners
        from isms import approvals, dashboard, navigation
        from isms.frameworks import evidence as soa_evidence
        from isms.governance import audit_pack, reviews
        from isms.navigation import Item

        dependency_listeners.register(services.objectives_refresh)
        # The records are the SoA's evidence for their Annex A controls.
        soa_evidence.register_figures(*FIGURES)
        approvals.register(
            ContinuityPlanVersion,
            label="Continuity plan",
            content=ContinuityPlanVersion.canonical_json,
            editors=services.plan_version_editors,
            group_by="plan",
            url=lambda version: version.get_absolute_url(),
            required=False,  # the nine steps do not wait for a continuity plan
        )
        dashboard.register_figure(selectors.figures)
        audit_pack.register(selectors.audit_pack_files)
        reviews.register(selectors.due_exercises)
        navigation.register(
            Item(
                _("Business continuity"),
                "continuity:bia_list",
                "bi-life-preserver",
                section=navigation.ASSURANCE,
                permission="continuity.view_recoveryobjective",
            )
        )
