"""What the AWS connector registers with the rest of the project when the app starts."""

from django.conf import settings

from isms.demo import processes as demo_processes

FAKE_AWS_PORT = 5005


def register_demo_process() -> None:
    """`make demo` runs a local fake AWS (manage.py fake_aws) before the worker starts,
    and every process after it talks to that fake AWS. Only in DEBUG: a production
    installation never starts it."""
    if not settings.DEBUG:
        return
    endpoint = f"http://127.0.0.1:{FAKE_AWS_PORT}"
    demo_processes.register(
        demo_processes.DemoProcess(
            name="fake AWS",
            argv=["manage.py", "fake_aws", "--port", str(FAKE_AWS_PORT)],
            env={
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "demo",
                "AWS_SECRET_ACCESS_KEY": "demo",
                "AWS_DEFAULT_REGION": "us-east-1",
            },
            # Answers once the estate is seeded (fake_aws creates this bucket last).
            ready_url=f"{endpoint}/isms-fake-aws-ready",
        )
    )
