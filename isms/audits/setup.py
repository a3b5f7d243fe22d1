"""Wire the audits app into the shared registries (dashboard, reviews due, audit pack,
sidebar, approvals, management-review inputs). One function per part of the app."""


def _audits() -> None:
    """Clauses catalogue, audit programme and audits."""


def _nonconformities() -> None:
    """Nonconformities and corrective action: dashboard figures, reminders of corrective
    actions due, the NC/CA register in the audit pack, the sidebar, two management-review
    inputs (9.3.2 d) 1) and g)) and the measure "NC closure on time"."""
    from django.utils.translation import gettext_lazy

    from isms import dashboard, navigation
    from isms.audits import admin_nonconformities  # noqa: F401  (registers the admin)
    from isms.audits import selectors_nonconformities as ncs
    from isms.audits.review_inputs import ReviewInput, inputs
    from isms.context import measures
    from isms.governance import audit_pack, reviews

    if ncs.figures not in dashboard.figure_providers:
        dashboard.register_figure(ncs.figures)
    if ncs.due_actions not in reviews.providers:
        reviews.register(ncs.due_actions)
    if ncs.audit_pack_files not in audit_pack.providers:
        audit_pack.register(ncs.audit_pack_files)
    if "audits:nonconformity_list" not in navigation.items:
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
        if entry.key not in inputs:
            inputs.register(entry)
    if "nc_closure_on_time" not in measures.providers:
        measures.providers.register(
            measures.ComputedMeasure(
                "nc_closure_on_time",
                gettext_lazy("Nonconformities closed on time"),
                "%",
                ncs.nc_closure_on_time,
            )
        )


def _reviews() -> None:
    """Management reviews."""


def register_all() -> None:
    _audits()
    _nonconformities()
    _reviews()
