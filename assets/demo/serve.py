"""What `manage.py demo_serve` runs for this app (isms.demo.processes): a local fake AWS
(`manage.py fake_aws`) before the worker starts; every process after it talks to that
fake AWS."""

from isms.demo.processes import DemoProcess

FAKE_AWS_PORT = 5005
_ENDPOINT = f"http://127.0.0.1:{FAKE_AWS_PORT}"

PROCESSES = [
    DemoProcess(
        name="fake AWS",
        argv=["manage.py", "fake_aws", "--port", str(FAKE_AWS_PORT)],
        env={
            "AWS_ENDPOINT_URL": _ENDPOINT,
            "AWS_ACCESS_KEY_ID": "demo",
            "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_DEFAULT_REGION": "us-east-1",
        },
        # Answers once the estate is seeded (fake_aws creates this bucket last).
        ready_url=f"{_ENDPOINT}/isms-fake-aws-ready",
    )
]
