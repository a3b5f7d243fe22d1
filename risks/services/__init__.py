"""Services of the risks app: every write to methodologies, catalogues, risks and their
treatment. Each runs in one transaction, checks its rules and writes its audit records.

Approval of methodology versions and risk acceptances goes through the one ISMS
workflow, `isms.approvals`; the callbacks it runs on approval are `methodology_activate`
and `risk_acceptance_apply` (registered in RisksConfig.ready()). One module per
subdomain, re-exported here.
"""

from risks.services.acceptance import (
    needs_acceptance,
    risk_acceptance_check,
    valid_acceptance,
)
from risks.services.catalogue import catalogue_entry_save
from risks.services.findings import (
    FindingsDraft,
    findings_draft,
    risk_create_from_findings,
    risk_findings_update,
)
from risks.services.methodology import (
    methodology_activate,
    methodology_version_create,
    methodology_version_editors,
    methodology_version_submit,
    methodology_version_update,
    risks_rescore,
)
from risks.services.register import (
    RiskConflict,
    changes_since,
    risk_bulk_update,
    risk_create,
    risk_delete,
    risk_update,
    risks_revalue,
    risks_review_for_control,
)
from risks.services.treatment import (
    may_request_acceptance,
    risk_acceptance_apply,
    risk_acceptance_editors,
    risk_acceptance_request,
    risk_acceptances_expire,
    risk_acceptances_withdraw_stale,
    treatment_action_delete,
    treatment_action_save,
)

__all__ = [
    "FindingsDraft",
    "RiskConflict",
    "catalogue_entry_save",
    "changes_since",
    "findings_draft",
    "may_request_acceptance",
    "methodology_activate",
    "methodology_version_create",
    "methodology_version_editors",
    "methodology_version_submit",
    "methodology_version_update",
    "needs_acceptance",
    "risk_acceptance_apply",
    "risk_acceptance_check",
    "risk_acceptance_editors",
    "risk_acceptance_request",
    "risk_acceptances_expire",
    "risk_acceptances_withdraw_stale",
    "risk_bulk_update",
    "risk_create",
    "risk_create_from_findings",
    "risk_delete",
    "risk_findings_update",
    "risk_update",
    "risks_rescore",
    "risks_review_for_control",
    "risks_revalue",
    "treatment_action_delete",
    "treatment_action_save",
    "valid_acceptance",
]
