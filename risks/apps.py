from django.apps import AppConfig


def _revalue(sender, asset_ids, **kwargs):
    from risks.services import risks_revalue

    risks_revalue(asset_ids=asset_ids)


class RisksConfig(AppConfig):
    """Risk methodology, threats, vulnerabilities, the risk register and treatment."""

    name = "risks"
    verbose_name = "Risks"

    def ready(self):
        from assets.signals import value_at_stake_changed
        from isms import approvals, dashboard
        from isms.frameworks import treatments
        from isms.governance import audit_pack, reviews
        from risks import providers, services, steps
        from risks.models import MethodologyVersion, RiskAcceptance

        approvals.register(
            MethodologyVersion,
            label="Risk methodology version",
            content=MethodologyVersion.canonical_json,
            editors=services.methodology_version_editors,
            group_by="methodology",
            on_approved=services.methodology_activate,
            url=lambda version: version.get_absolute_url(),
        )
        approvals.register(
            RiskAcceptance,
            label="Risk acceptance",
            content=RiskAcceptance.canonical_json,
            editors=services.risk_acceptance_editors,
            group_by="risk",
            on_approved=services.risk_acceptance_apply,
            submit_permission="risks.add_riskacceptance",
            url=lambda acceptance: acceptance.risk.get_absolute_url(),
            # Acceptances exist only for risks that need one: step 8 does not wait for one.
            required=False,
        )
        value_at_stake_changed.connect(_revalue, dispatch_uid="risks_revalue")
        for number in (3, 4, 5, 6):
            dashboard.register_step(number, getattr(steps, f"step_{number}"))
        dashboard.register_figure(steps.figures)
        treatments.register_provider(steps.risks_by_control)
        audit_pack.register(providers.audit_pack_files)
        reviews.register(providers.due_reviews)
