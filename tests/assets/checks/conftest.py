"""The security checks' tests reuse the AWS connector's fake AWS (a moto server) and
its sync fixtures: estates are built with boto3, collected by the real collectors, and
the checks run at the end of the sync exactly as in production."""

import pytest

from assets.models import Finding
from tests.assets.aws.conftest import (  # noqa: F401 - fixtures shared with the connector's tests
    ACCOUNT_ID,
    REGIONS,
    _fake_aws_server,
    as_worker,
    aws_account,
    estate,
    fake_aws,
    run_sync,
)


@pytest.fixture
def outcome():
    """outcome(account, check id, resource name) -> (status, detail): the finding's
    status, or "pass" when the check produced no finding or a resolved one."""

    def find(account, check_id, name):
        finding = Finding.objects.filter(
            account=account, check_id=check_id, resource__name=name
        ).first()
        if finding is None or finding.status == "resolved":
            return "pass", ""
        return finding.status, finding.detail

    return find
