"""Models of the risks app, one module per subdomain."""

from risks.models.catalogue import Threat, Vulnerability
from risks.models.methodology import Methodology, MethodologyVersion
from risks.models.risk import Risk, RiskAcceptance, TreatmentAction, format_ref

__all__ = [
    "Methodology",
    "MethodologyVersion",
    "Risk",
    "RiskAcceptance",
    "Threat",
    "TreatmentAction",
    "Vulnerability",
    "format_ref",
]
