"""A local fake AWS for the demo, the tests and the benchmark: moto in server mode.

Nothing here is used against real AWS. `FakeAws` runs moto's threaded server on
127.0.0.1; the connector reaches it only through `settings.AWS_ENDPOINT_URL`, exactly
as it reaches AWS, so what is exercised is the real collector code. Moto accepts any
credentials and lets a caller assume a role in any account, which then acts in that
account: that is how the demo's account (and each test's) gets its own estate.

AccessDenied is produced the way AWS produces it, by IAM: `enforce_iam()` switches on
moto's IAM policy enforcement (its `/moto-api/reset-auth` endpoint), after which every
call is checked against the caller's real IAM policies (see docs/aws.md, "Testing
against a fake AWS", for what moto does not enforce: trust-policy conditions such as
the ExternalId, and Glacier's signatures).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

from assets.aws.session import drop_account_host_label

FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
READER_ROLE = "isms-reader"
WORKER_ACCOUNT = "123456789012"  # moto's default account: the worker's own identity


def reader_role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{READER_ROLE}"


class FakeAws:
    """A moto server on 127.0.0.1 (port 0: a free one)."""

    def __init__(self, *, port: int = 0):
        # Moto gives every account snapshots of its ~600 built-in AMIs, as if the account
        # owned them; a real account owns none, so do without them (run_instances still
        # accepts any image id).
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        from moto.server import ThreadedMotoServer

        from assets.aws.demo import fake_extras

        fake_extras.install()

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.endpoint_url = ""

    @classmethod
    def spawn(cls) -> tuple[subprocess.Popen, FakeAws]:
        """A fake AWS in its own process (it does not share the caller's GIL, as the
        benchmarks need), with the same additions to moto; the caller terminates the
        process. Waits up to a minute for it to answer."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "assets.aws.demo.fake_extras",
                "-H",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
            cwd=Path(__file__).resolve().parents[3],  # the project, for `-m`
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):  # a loaded machine may take a minute
            try:
                urllib.request.urlopen(url + "/moto-api/data.json", timeout=1)  # noqa: S310
                return process, cls.connect(url)
            except OSError:
                time.sleep(0.1)
        process.terminate()
        raise RuntimeError("The fake AWS did not start.")

    @classmethod
    def connect(cls, endpoint_url: str) -> FakeAws:
        """A handle on a fake AWS that runs elsewhere (e.g. `spawn()`'s process):
        sessions, clients and resets, no server."""
        fake = cls.__new__(cls)
        fake._server = None
        fake.endpoint_url = endpoint_url
        return fake

    def start(self) -> FakeAws:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def _post(self, path: str, body: bytes = b"") -> None:
        request = urllib.request.Request(  # noqa: S310 - our own local server
            self.endpoint_url + path,
            data=body,
            method="POST",
            headers={"Content-Type": "text/plain"},  # a form type would hide the body
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - local server
            pass

    def reset(self) -> None:
        """Forget every resource (and switch IAM enforcement off again)."""
        self._post("/moto-api/reset-auth", b"inf")
        self._post("/moto-api/reset")

    def enforce_iam(self) -> None:
        """From now on, every call is authorised against the caller's IAM policies."""
        self._post("/moto-api/reset-auth", b"0")

    # -- sessions ------------------------------------------------------------------------

    def session(self, region: str = "us-east-1", **credentials) -> boto3.Session:
        return boto3.Session(region_name=region, **(credentials or FAKE_CREDENTIALS))

    def client(self, session: boto3.Session, service: str, region: str = "us-east-1"):
        client = session.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            config=Config(retries={"mode": "standard", "max_attempts": 2}),
        )
        if service == "s3control":  # <account>.<endpoint> names do not resolve locally
            client.meta.events.register("before-sign.s3-control.*", drop_account_host_label)
        return client

    def account_session(self, account_id: str) -> boto3.Session:
        """Act inside `account_id` (moto routes a role's credentials to its account)."""
        sts = self.client(self.session(), "sts")
        credentials = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/moto-admin", RoleSessionName="fake-aws-admin"
        )["Credentials"]
        return self.session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    def create_reader_role(
        self, account_id: str, *, external_id: str, deny_actions: list[str] | None = None
    ) -> str:
        """The read-only role the ISMS manager assumes, trusting the worker's account on
        condition of the ExternalId; `deny_actions` are refused to it (e.g. "dynamodb:*")."""
        iam = self.client(self.account_session(account_id), "iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{WORKER_ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        }
        iam.create_role(RoleName=READER_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
        statements = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        if deny_actions:
            statements.append({"Effect": "Deny", "Action": deny_actions, "Resource": "*"})
        iam.put_role_policy(
            RoleName=READER_ROLE,
            PolicyName="read-only",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        return reader_role_arn(account_id)

    def create_worker_identity(
        self, *, may_assume_roles: bool = True, missing_roles: list[str] | None = None
    ) -> dict:
        """An IAM user of the worker's account, allowed to assume roles and nothing else
        (or not even that); returns its access key as boto3 keyword arguments (use them
        as the worker's environment). Assuming a role of `missing_roles` (ARNs) is
        refused, as AWS refuses a role that does not exist or whose trust policy does
        not match (moto checks neither)."""
        iam = self.client(self.session(), "iam")
        iam.create_user(UserName="isms-worker")
        action = "sts:AssumeRole" if may_assume_roles else "sts:GetCallerIdentity"
        statements = [{"Effect": "Allow", "Action": action, "Resource": "*"}]
        if missing_roles:
            statements.append(
                {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": missing_roles}
            )
        iam.put_user_policy(
            UserName="isms-worker",
            PolicyName="assume-reader-roles",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        key = iam.create_access_key(UserName="isms-worker")["AccessKey"]
        return {
            "aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"],
        }
