"""The running product never imports the demo or moto (a development dependency): the
demo lives in `*/demo/` packages that only load_demo, demo_serve, the fake AWS command
and the tests import (docs/architecture.md, "The demo is not product code")."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the web process and the worker load: settings and apps, every view (the URLconf),
# the system checks, and every Celery task module.
STARTUP = """
import json, sys
from isms.wsgi import application
from django.core import checks
from django.urls import get_resolver
from isms.celery import app

get_resolver().url_patterns
checks.run_checks(include_deployment_checks=True)
app.loader.import_default_modules()
print(json.dumps(sorted(sys.modules)))
"""


def test_starting_the_product_loads_no_demo_module_and_no_moto():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isms.settings",
        "DEBUG": "false",
        "SECRET_KEY": "production-like-" + "k" * 50,
        "ALLOWED_HOSTS": "isms.example.com",
    }
    out = subprocess.run(
        [sys.executable, "-c", STARTUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout.splitlines()[-1])
    ours = [m for m in modules if m.split(".")[0] in {"isms", "assets", "risks"}]
    assert {"isms.urls", "assets.views", "risks.views", "assets.tasks"} <= set(ours)
    assert [m for m in ours if re.search(r"(^|\.)(demo|fake)", m)] == []
    assert [m for m in modules if m.split(".")[0] == "moto"] == []
