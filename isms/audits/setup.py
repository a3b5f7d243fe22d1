"""Wire the audits app into the shared registries (dashboard, reviews due, audit pack,
sidebar, approvals, management-review inputs). One function per part of the app."""


def _audits() -> None:
    """Clauses catalogue, audit programme and audits."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from isms import approvals, dashboard, navigation
    from isms.audits import providers_audits, report_audits
    from isms.audits.models import AuditReport
    from isms.audits.review_inputs import ReviewInput, inputs
    from isms.audits.services import audits as services
    from isms.governance import audit_pack, reviews

    if AuditReport._meta.label_lower not in approvals.approvable_types:
        approvals.register(
            AuditReport,
            label="Internal audit report",
            content=services.report_canonical,
            editors=services.report_editors,
            group_by="audit",
            render=report_audits.render_for_approval,
            url=lambda report: reverse("audits:audit_detail", args=[report.audit_id]),
            submit_permission="audits.change_audit",
            required=False,  # the nine steps do not wait for an audit report
        )
    if providers_audits.dashboard_figures not in dashboard.figure_providers:
        dashboard.register_figure(providers_audits.dashboard_figures)
    if providers_audits.programme_reviews not in reviews.providers:
        reviews.register(providers_audits.programme_reviews)
    if providers_audits.pack_files not in audit_pack.providers:
        audit_pack.register(providers_audits.pack_files)
    for item in (
        navigation.Item(_("Internal audit"), "audits:audit_list", "bi-clipboard-check",
                        section=navigation.ASSURANCE, permission="audits.view_audit"),
        navigation.Item(_("ISO 27001 clauses"), "audits:clause_list", "bi-list-check",
                        section=navigation.ASSURANCE, permission="audits.view_audit"),
    ):  # fmt: skip
        if item.url_name not in navigation.items:
            navigation.register(item)
    inputs.register(
        ReviewInput(
            key="audit_results",
            clause="9.3.2 d) 3)",
            title=_("Audit results"),
            collect=providers_audits.review_input_audit_results,
            order=43,
        )
    )


def _nonconformities() -> None:
    """Nonconformities and corrective action."""


def _reviews() -> None:
    """Management reviews."""


def register_all() -> None:
    _audits()
    _nonconformities()
    _reviews()
