"""Factories of the risk register: risks and methodology versions are made through the
services, so levels, $ figures, versions and the audit trail are as in real use."""

from isms import approvals
from risks import services
from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD


def approved_methodology(*, author, approver, preset="5x5"):
    """A methodology version drafted by `author`, approved by `approver`: now active."""
    version = services.methodology_version_create(user=author, preset=preset)
    request = services.methodology_version_submit(version=version, user=author)
    approvals.approval_request_approve(request=request, user=approver, password=PASSWORD)
    version.refresh_from_db()
    return version


def make_risk(user, *, assets=None, **data):
    """A risk created by `user` (a security manager) on `assets` (a new asset by default)."""
    data.setdefault("title", "Customer data exposed")
    data["assets"] = assets if assets is not None else [AssetFactory(value_usd=100_000)]
    return services.risk_create(user=user, data=data)
