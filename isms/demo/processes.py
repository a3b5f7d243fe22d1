"""Extra processes that `manage.py demo_serve` runs beside the web server and worker.

An app declares them in `<app>/demo/serve.py` as a `PROCESSES` list (e.g. the AWS
connector's local fake AWS), found by `discover()` in INSTALLED_APPS order, so the demo
starts them without `isms` importing that app and the product never imports them. The
environment a process adds (e.g. AWS_ENDPOINT_URL) is passed to every process started
after it.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

MODULE = "demo.serve"


@dataclass(frozen=True)
class DemoProcess:
    """One extra process of the demo, started by demo_serve before the worker."""

    name: str
    argv: list[str]  # after the Python interpreter, e.g. ["manage.py", "fake_aws"]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None  # polled until it answers before the next process starts


def discover() -> list[DemoProcess]:
    """Every installed app's demo processes, in INSTALLED_APPS order. Only in DEBUG: a
    production installation never starts them."""
    if not settings.DEBUG:
        return []
    found: list[DemoProcess] = []
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, MODULE):
            found.extend(import_module(f"{app.name}.{MODULE}").PROCESSES)
    return found
