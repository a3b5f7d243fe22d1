"""The periodic review of the risk methodology, registered with the governance core's
reviews (`isms.governance.reviews`) in RisksConfig.ready().

The active (approved) methodology version is due for review METHODOLOGY_REVIEW_MONTHS
after its approval; approving a new version (even an unchanged copy) is the review.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings

from isms.governance.reviews import ReviewItem, security_managers
from isms.models.governance import add_months
from risks.selectors import active_version


def methodology_reviews(until: datetime.date) -> Iterable[ReviewItem]:
    """The active methodology version, when its review falls due by `until`."""
    version = active_version()
    if version is None or version.approved_at is None:
        return
    due = add_months(version.approved_at.date(), settings.METHODOLOGY_REVIEW_MONTHS)
    if due <= until:
        yield ReviewItem(
            obj=version,
            kind="Risk methodology",
            title=str(version),
            due=due,
            owners=list(security_managers()),
            url=version.get_absolute_url(),
        )
