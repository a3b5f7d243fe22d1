from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    """The supplier register (Annex A 5.19-5.22, clause 8.1) and supplier assessments:
    a supplier is a partner-organisation asset, with contracts, certifications,
    questionnaires and assessments answered through a single-use link."""

    name = "assets.suppliers"
    label = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self):
        from assets.hooks import aws_account_listeners
        from assets.suppliers import selectors, services
        from assets.suppliers.evidence import FIGURES
        from isms import dashboard, navigation
        from isms.frameworks import evidence as soa_evidence
        from isms.governance import audit_pack, reviews
        from isms.navigation import Item

        aws_account_listeners.register(services.supplier_ensure_aws)
        from assets.suppliers.follow_up_nonconformity import NONCONFORMITY
        from assets.suppliers.hooks import follow_ups

        follow_ups.register(NONCONFORMITY)  # isms.audits (issue 13)
        # The records are the SoA's evidence for their Annex A controls.
        soa_evidence.register_figures(*FIGURES)
        dashboard.register_figure(selectors.figures)
        reviews.register(selectors.due_reviews)
        audit_pack.register(selectors.audit_pack_files)
        navigation.register(
            Item(
                _("Suppliers"),
                "suppliers:supplier_list",
                "bi-building",
                section=navigation.INVENTORY,
                permission="suppliers.view_supplier",
            )
        )
