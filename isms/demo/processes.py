"""Extra processes that `manage.py demo_serve` runs beside the web server and worker.

An app registers one in its AppConfig.ready() (e.g. the AWS connector's local fake AWS),
so the demo starts it without `isms` importing that app. The environment a process
adds (e.g. AWS_ENDPOINT_URL) is passed to every process started after it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoProcess:
    name: str
    argv: list[str]  # after the Python interpreter, e.g. ["manage.py", "fake_aws"]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None  # polled until it answers before the next process starts


_processes: list[DemoProcess] = []


def register(process: DemoProcess) -> None:
    if all(p.name != process.name for p in _processes):
        _processes.append(process)


def registered() -> list[DemoProcess]:
    return list(_processes)
