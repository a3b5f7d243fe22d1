"""Models of the governance core, one module per subdomain."""

from isms.models.approvals import ApprovalDecision, ApprovalRequest
from isms.models.audit import AuditEvent
from isms.models.frameworks import Control, ControlGroup, ControlMapping, Framework
from isms.models.governance import (
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    ReviewReminder,
    Scope,
    ScopeVersion,
)
from isms.models.notifications import Notification
from isms.models.soa import ControlImplementation, Evidence, SoA, SoARow
from isms.models.system import Heartbeat
from isms.models.tokens import ApiToken
from isms.models.users import User

__all__ = [
    "ApprovalDecision",
    "ApprovalRequest",
    "Notification",
    "Policy",
    "PolicyAcknowledgement",
    "PolicyVersion",
    "ReviewReminder",
    "Scope",
    "ScopeVersion",
    "ApiToken",
    "AuditEvent",
    "Control",
    "ControlGroup",
    "ControlImplementation",
    "ControlMapping",
    "Evidence",
    "Framework",
    "Heartbeat",
    "SoA",
    "SoARow",
    "User",
]
