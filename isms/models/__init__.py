"""Models of the governance core, one module per subdomain."""

from isms.models.audit import AuditEvent
from isms.models.system import Heartbeat
from isms.models.tokens import ApiToken
from isms.models.users import User

__all__ = ["ApiToken", "AuditEvent", "Heartbeat", "User"]
