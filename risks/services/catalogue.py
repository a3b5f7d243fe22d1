"""Step 4: the threat and vulnerability catalogues."""

from __future__ import annotations

from django.db import transaction

from isms import audit
from risks.models import (
    Threat,
    Vulnerability,
)

# --- Catalogues (step 4) ----------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def catalogue_entry_save(*, instance: Threat | Vulnerability, user=None):
    """Create or change a threat or vulnerability (a form's unsaved instance)."""
    creating = instance.pk is None
    before = None if creating else audit.snapshot(type(instance).objects.get(pk=instance.pk))
    instance.full_clean()
    instance.save()
    if creating:
        audit.record_created(instance)
    else:
        audit.record_change(instance, before)
    return instance
