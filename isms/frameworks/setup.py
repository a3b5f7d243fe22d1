"""Wire frameworks and the SoA into the shared registries (called from
IsmsConfig.ready()): the SoA as an approvable document (quorum 2 by default) and its
periodic review, dashboard steps 7 and 9, and the current SoA in the audit pack."""


def register_all() -> None:
    from django.urls import reverse

    from isms import approvals, dashboard
    from isms.frameworks import evidence, services, steps
    from isms.frameworks.approval_render import soa_render
    from isms.governance import audit_pack, reviews
    from isms.models import SoA

    approvals.register(
        SoA,
        label="Statement of Applicability",
        content=services.soa_content,
        editors=services.soa_editors,
        problems=services.soa_frozen_blockers,
        quorum=2,
        group_by="organisation",
        permission="isms.approve_soa",
        submit_permission="isms.change_soa",
        url=lambda soa: reverse("isms:soa_detail", args=[soa.number]),
        render=soa_render,
    )
    reviews.register(soa_reviews)
    dashboard.register_step(7, steps.framework_step, permission="isms.view_framework")
    dashboard.register_step(9, steps.soa_step, permission="isms.view_soa")
    audit_pack.register(soa_pack_files)
    audit_pack.register(evidence.evidence_pack_files)


def soa_reviews(until):
    """The SoA in force is due for review SOA_REVIEW_MONTHS after its approval;
    approving a newer SoA (frozen again, even unchanged) is the review."""
    from django.conf import settings
    from django.urls import reverse

    from isms.governance.reviews import ReviewItem, security_managers
    from isms.models import SoA
    from isms.models.governance import add_months

    soa = SoA.objects.current()
    if soa is None or soa.approved_at is None:
        return
    due = add_months(soa.approved_at.date(), settings.SOA_REVIEW_MONTHS)
    if due <= until:
        yield ReviewItem(
            obj=soa,
            kind="Statement of Applicability",
            title=str(soa),
            due=due,
            owners=list(security_managers()),
            url=reverse("isms:soa_detail", args=[soa.number]),
        )


def soa_pack_files(user):
    """The current (latest approved) SoA for the audit pack, as PDF and XLSX."""
    from isms.frameworks import downloads
    from isms.governance.audit_pack import PackFile
    from isms.models import SoA

    soa = SoA.objects.current()
    if soa is None:
        return
    for fmt, label in (("pdf", "PDF"), ("xlsx", "XLSX")):
        yield PackFile(
            f"09-soa/soa-{soa.number}.{fmt}",
            downloads.render(soa, fmt)[0],
            f"{soa}, the current Statement of Applicability ({label}; clause 6.1.3 d)",
        )
