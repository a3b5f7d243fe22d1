"""Run Prowler (from its own virtualenv) against the fake AWS of AWS_ENDPOINT_URL.

Prowler 5.14 builds its STS client with the regional AWS endpoint written out
(https://sts.<region>.amazonaws.com), which AWS_ENDPOINT_URL does not override; this
shim sends that client to AWS_ENDPOINT_URL too and runs Prowler's own command line
unchanged. Used by benchmarks/aws_vs_prowler.py:
    var/prowler-venv/bin/python benchmarks/prowler_on_fake_aws.py aws --checks ...
"""

import os
import sys

from prowler.__main__ import prowler
from prowler.providers.aws.aws_provider import AwsProvider

_create_sts_session = AwsProvider.create_sts_session


def _sts_on_fake_aws(session, aws_region):
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return session.client("sts", aws_region, endpoint_url=endpoint)
    return _create_sts_session(session, aws_region)


AwsProvider.create_sts_session = staticmethod(_sts_on_fake_aws)

if __name__ == "__main__":
    sys.argv[0] = "prowler"
    sys.exit(prowler())
