"""Extra processes that `manage.py demo_serve` runs beside the web server and worker.

An app registers one in its AppConfig.ready() with `processes.register(DemoProcess(...))`
(e.g. the AWS connector's local fake AWS), so the demo starts it without `isms`
importing that app. The environment a process adds (e.g. AWS_ENDPOINT_URL) is passed to
every process started after it.
"""

from dataclasses import dataclass, field

from isms.registry import Registry


@dataclass(frozen=True)
class DemoProcess:
    """One process `demo_serve` starts, in registration order."""

    name: str
    argv: list[str]  # after the Python interpreter, e.g. ["manage.py", "fake_aws"]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None  # polled until it answers before the next process starts


processes: Registry[str, DemoProcess] = Registry("demo processes", key=lambda p: p.name)
