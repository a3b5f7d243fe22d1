"""Pages of the audits app (namespace "audits")."""

from django.urls import path  # noqa: F401

app_name = "audits"

# Clauses catalogue, audit programmes, audits and their checklists.
audit_patterns: list = []

# Nonconformities, corrective actions and opportunities for improvement.
nonconformity_patterns: list = []

# Management reviews.
review_patterns: list = []

urlpatterns = audit_patterns + nonconformity_patterns + review_patterns
