"""Wire frameworks and the SoA into the shared registries (called from
IsmsConfig.ready()): the SoA as an approvable document, dashboard steps 7 and 9, and
the current SoA in the audit pack."""


def register_all() -> None:
    from django.urls import reverse

    from isms import approvals, dashboard
    from isms.frameworks import evidence, services, steps
    from isms.governance import audit_pack
    from isms.models import SoA

    approvals.register(
        SoA,
        label="Statement of Applicability",
        content=services.soa_content,
        editors=lambda soa: [soa.frozen_by_id],
        group_by="organisation",
        permission="isms.approve_soa",
        submit_permission="isms.change_soa",
        url=lambda soa: reverse("isms:soa_detail", args=[soa.number]),
    )
    dashboard.register_step(7, steps.framework_step)
    dashboard.register_step(9, steps.soa_step)
    audit_pack.register(soa_pack_files)
    audit_pack.register(evidence.evidence_pack_files)


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
