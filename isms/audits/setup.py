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
    dashboard.register_figure(providers_audits.dashboard_figures)
    reviews.register(providers_audits.programme_reviews)
    audit_pack.register(providers_audits.pack_files)
    for item in (
        navigation.Item(_("Internal audit"), "audits:audit_list", "bi-clipboard-check",
                        section=navigation.ASSURANCE, permission="audits.view_audit"),
        navigation.Item(_("ISO 27001 clauses"), "audits:clause_list", "bi-list-check",
                        section=navigation.ASSURANCE, permission="audits.view_audit"),
    ):  # fmt: skip
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
    """Nonconformities and corrective action: dashboard figures, reminders of corrective
    actions due, the NC/CA register in the audit pack, the sidebar, two management-review
    inputs (9.3.2 d) 1) and g)) and the measure "NC closure on time"."""
    from django.utils.translation import gettext_lazy

    from isms import dashboard, navigation
    from isms.assurance import hooks
    from isms.audits import (
        admin_nonconformities,  # noqa: F401  (registers the admin)
        assurance_follow_up,
    )
    from isms.audits import selectors_nonconformities as ncs
    from isms.audits.review_inputs import ReviewInput, inputs
    from isms.context import measures
    from isms.governance import audit_pack, reviews

    # A not-effective control test raises a nonconformity (issue 22).
    hooks.follow_ups.register(assurance_follow_up.NONCONFORMITY)
    dashboard.register_figure(ncs.figures)
    reviews.register(ncs.due_actions)
    audit_pack.register(ncs.audit_pack_files)
    navigation.register(
        navigation.Item(
            gettext_lazy("Nonconformities"),
            "audits:nonconformity_list",
            "bi-exclamation-diamond",
            section=navigation.ASSURANCE,
            permission="audits.view_nonconformity",
        )
    )
    for entry in (
        ReviewInput(
            "nonconformities", "9.3.2 d) 1)",
            gettext_lazy("Nonconformities and corrective actions"),
            ncs.review_nonconformities, order=40,
        ),
        ReviewInput(
            "improvement", "9.3.2 g)",
            gettext_lazy("Opportunities for continual improvement"),
            ncs.review_improvements, order=90,
        ),
    ):  # fmt: skip
        inputs.register(entry)
    measures.providers.register(
        measures.ComputedMeasure(
            "nc_closure_on_time",
            gettext_lazy("Nonconformities closed on time"),
            "%",
            ncs.nc_closure_on_time,
        )
    )


def _reviews() -> None:
    """Management reviews: approvable, their isms inputs (assets and risks register
    theirs from their own apps), dashboard figures, reviews due, audit pack, sidebar."""
    from django.utils.translation import gettext_lazy as _

    from isms import approvals, dashboard, navigation
    from isms.audits import review_inputs
    from isms.audits import selectors_reviews as selectors
    from isms.audits.models.reviews import ManagementReview
    from isms.audits.review_inputs import ReviewInput
    from isms.audits.services import reviews as services
    from isms.governance import audit_pack
    from isms.governance import reviews as due_reviews

    approvals.register(
        ManagementReview,
        label="Management review",
        content=ManagementReview.canonical_json,
        editors=services.review_editors,
        problems=services.review_problems,
        render=selectors.render_for_approval,
        url=lambda review: review.get_absolute_url(),
        required=False,  # the nine steps do not wait for a management review
    )
    for item in (
        ReviewInput("previous_actions", "9.3.2 a)",
                    _("Status of actions from previous management reviews"),
                    selectors.previous_actions, order=10),
        ReviewInput("control_assurance", "9.3.2 d) 2)",
                    _("Monitoring: control tests and evidence"),
                    selectors.control_assurance, order=43),
        ReviewInput("overdue_reviews", "9.3.2 d) 2)", _("Monitoring: periodic reviews overdue"),
                    selectors.overdue_reviews, order=44),
    ):  # fmt: skip
        review_inputs.register(item)
    dashboard.register_figure(selectors.dashboard_figures)
    due_reviews.register(selectors.due_reviews)
    audit_pack.register(selectors.audit_pack_files)
    navigation.register(
        navigation.Item(
            _("Management reviews"),
            "audits:review_list",
            "bi-people-fill",
            section=navigation.ASSURANCE,
            permission="audits.view_managementreview",
        )
    )


def register_all() -> None:
    _audits()
    _nonconformities()
    _reviews()
