"""The security checks' findings: services (evaluate after every sync, mute, unmute),
the FilterSet shared by the findings page and /api/findings/, the posture pages, the
SoA evidence provider and the Celery tasks. The checks themselves are pure functions in
assets/aws/checks/; docs/checks.md is generated from their catalogue."""
