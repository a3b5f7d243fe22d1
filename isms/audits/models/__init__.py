"""Models of the audits app, one module per part (see the package docstring of each)."""

# Clauses 4-10 catalogue, audit programme, audits and their checklist items.
from isms.audits.models.audits import *  # noqa: F401,F403

# Nonconformities, corrective actions, effectiveness checks, opportunities for improvement.
from isms.audits.models.nonconformities import *  # noqa: F401,F403

# Management reviews, their frozen input snapshots and their decisions (outputs).
from isms.audits.models.reviews import *  # noqa: F401,F403
