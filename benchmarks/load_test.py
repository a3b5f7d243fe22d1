"""Load test (issue 9, item 12): 50 signed-in users browse the dashboard, the risk
register, the asset list and the API of a production-like server for 60 seconds.

    pip install -e ".[bench]" -c constraints.txt      # locust
    createdb -h 127.0.0.1 -U postgres isms_loadtest   # or let the script create it
    .venv/bin/python benchmarks/load_test.py [--users 50] [--duration 60] [--fresh]

What it does, every step bounded and on 127.0.0.1 only:

1. creates its own PostgreSQL database (`--db`, default isms_loadtest; `--fresh` drops
   it first), migrates it and loads the demo organisation (`load_demo`), then adds assets
   and risks up to `--size` of each (bulk inserts, as benchmarks/risks_register.py) and
   the load-test users: `--users` accounts spread over the three reading roles, half
   browsing pages with a session, half calling the API with a personal token;
2. starts gunicorn with isms/gunicorn.conf.py (DEBUG off, Argon2, PostgreSQL, the cache
   and the counters in Redis database `--redis-db`, flushed first) on a free local port;
3. runs locust headless, in this process: each session user signs in through the login
   form (CSRF token from the page, the right password, so the lockout never trips);
   measuring starts once every user is signed in and lasts `--duration` seconds, or
   until `--max-requests` requests, whichever comes first;
4. prints requests/s, p50/p95/p99 and errors per endpoint, and the verdict against the
   target (0 errors, p95 < 500 ms); exit status 1 when the target is missed.

The seed is kept between runs (`--fresh` rebuilds it). Nothing here is part of the test
suite: the figures depend on the machine; record them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"
P95_TARGET_MS = 500


# --- Seeding (runs in a child process: Django stays out of the gevent process) ---------


def seed(size: int, users: int, out: Path) -> None:
    """Demo data, `size` assets and risks, and the load-test users (written to `out`)."""
    import random

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from isms import audit, roles
    from isms import services as isms_services
    from isms.models import ApiToken, User

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="security").exists():
        call_command("load_demo", verbosity=0)
    with audit.acting_as(None, source="command:load_test"):
        owner = User.objects.get(username="security")
        # The risk benchmark's bulk seed: assets, then one risk per asset.
        from risks_register import seed as seed_risks

        seed_risks(size, random.Random(9), owner)
        role_names = list(roles.ROLES)
        people = []
        for n in range(users):
            username = f"load{n:02d}"
            password = secrets.token_urlsafe(18)
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_active = True
            user.save()
            user.groups.set([Group.objects.get(name=role_names[n % len(role_names)])])
            kind = "session" if n % 2 == 0 else "token"
            entry = {"username": username, "password": password, "kind": kind}
            if kind == "token":
                ApiToken.objects.filter(user=user).delete()
                _token, entry["token"] = isms_services.api_token_create(user=user, name="load")
            people.append(entry)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    from assets.models import Asset
    from risks.models import Risk

    out.write_text(json.dumps({"users": people}))
    out.chmod(0o600)
    print(f"seed: {Asset.objects.count():,} assets, {Risk.objects.count():,} risks, {users} users")


# --- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(args, var_dir: Path, port: int) -> dict:
    redis = f"redis://127.0.0.1:6379/{args.redis_db}"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DEBUG": "false",
        # Plain HTTP on the loopback: with HTTPS the cookies are Secure-only.
        "HTTPS": "false",
        "ALLOWED_HOSTS": HOST,
        "REQUIRE_2FA_FOR": "",
        "ISMS_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "DJANGO_SETTINGS_MODULE": "isms.settings",
        "PATH": f"{Path(PY).parent}:{os.environ.get('PATH', '')}",
        **({"GUNICORN_WORKERS": str(args.workers)} if args.workers else {}),
    }


def create_database(args) -> None:
    common = ["-h", "127.0.0.1", "-U", "postgres"]
    if args.fresh:
        if not args.db.endswith("loadtest"):
            sys.exit("--fresh drops the database: its name must end with 'loadtest'")
        subprocess.run(["dropdb", *common, "--if-exists", args.db], check=True)
    names = subprocess.run(
        ["psql", *common, "-tAc", "SELECT datname FROM pg_database"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if args.db not in names:
        subprocess.run(["createdb", *common, args.db], check=True)


def wait_until_up(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within 90 s")


# --- The load ------------------------------------------------------------------------------

PAGES = [("dashboard", "/"), ("risk register", "/risks/"), ("asset list", "/assets/")]
API = [
    ("api risks", "/api/risks/?limit=50"),
    ("api assets", "/api/assets/?limit=50"),
    ("api me", "/api/me/"),
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run_load(args, base: str, people: list[dict]) -> dict:
    """Run locust in this process; returns {endpoint: [(ms, ok)]} and the timings."""
    import gevent
    from locust import FastHttpUser, between, events, task
    from locust.env import Environment

    assert base.startswith(f"http://{HOST}:"), "the load test only targets the loopback"
    sessions = [p for p in people if p["kind"] == "session"]
    tokens = [p for p in people if p["kind"] == "token"]
    state = {"measuring": False, "ready": 0, "count": 0, "login_ms": []}
    samples: dict[str, list[tuple[float, bool]]] = {}

    @events.request.add_listener
    def _record(request_type, name, response_time, exception, **_kwargs):
        if name == "login":
            if request_type == "POST":
                state["login_ms"].append(response_time)
            return
        if not state["measuring"]:
            return
        samples.setdefault(name, []).append((response_time, exception is None))
        state["count"] += 1

    def _check(response, name):
        # Any non-200 is an error: a redirect would mean a lost session.
        if response.status_code != 200:
            response.failure(f"{name}: HTTP {response.status_code}")

    class Browser(FastHttpUser):
        """A session user: signs in through the form, then reads pages."""

        fixed_count = len(sessions)
        wait_time = between(*args.think)

        def on_start(self):
            me = sessions.pop()
            page = self.client.get("/login/", name="login")
            token = CSRF.search(page.text).group(1)
            with self.client.post(
                "/login/",
                data={
                    "username": me["username"],
                    "password": me["password"],
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": f"{base}/login/"},
                name="login",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in of {me['username']}: HTTP {response.status_code}")
            state["ready"] += 1

        @task(3)
        def dashboard(self):
            self._get(*PAGES[0])

        @task(4)
        def risk_register(self):
            self._get(*PAGES[1])

        @task(4)
        def asset_list(self):
            self._get(*PAGES[2])

        def _get(self, name, path):
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                _check(response, name)

    class ApiClient(FastHttpUser):
        """A script with a personal API token."""

        fixed_count = len(tokens)
        wait_time = between(*args.think)

        def on_start(self):
            me = tokens.pop()
            self.auth = {"Authorization": f"Token {me['token']}"}
            state["ready"] += 1

        @task(4)
        def risks(self):
            self._get(*API[0])

        @task(4)
        def assets(self):
            self._get(*API[1])

        @task(1)
        def me(self):
            self._get(*API[2])

        def _get(self, name, path):
            with self.client.get(
                path, name=name, headers=self.auth, catch_response=True
            ) as response:
                _check(response, name)

    env = Environment(user_classes=[Browser, ApiClient], host=base, events=events)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(len(people), spawn_rate=args.spawn_rate)
    ramp_deadline = started + 120
    while state["ready"] < len(people) and time.monotonic() < ramp_deadline:
        gevent.sleep(0.2)
    ramp_s = time.monotonic() - started
    state["measuring"] = True
    window_start = time.monotonic()
    deadline = window_start + args.duration
    while time.monotonic() < deadline and state["count"] < args.max_requests:
        gevent.sleep(0.2)
    window_s = time.monotonic() - window_start
    state["measuring"] = False
    runner.quit()
    return {
        "samples": samples,
        "window_s": window_s,
        "ramp_s": ramp_s,
        "ready": state["ready"],
        "login_ms": state["login_ms"],
        "login_failures": env.stats.get("login", "POST").num_failures,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def report(result: dict, args) -> bool:
    samples, window = result["samples"], result["window_s"]
    print(
        f"\n{args.users} users ({result['ready']} signed in, ramp {result['ramp_s']:.1f} s), "
        f"think time {args.think[0]:g}-{args.think[1]:g} s, measured {window:.1f} s; "
        f"load average before: {args.load_before}, "
        f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if result["login_ms"]:
        print(
            f"sign-in requests: {len(result['login_ms'])}, p50 "
            f"{statistics.median(result['login_ms']):.0f} ms, failures "
            f"{result['login_failures']}"
        )
    header = f"{'endpoint':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'errors':>8}")
    every, errors = [], 0
    for name in [n for n, _ in PAGES + API if n in samples]:
        times = [ms for ms, _ in samples[name]]
        failed = sum(1 for _, ok in samples[name] if not ok)
        every += times
        errors += failed
        print(
            f"{name:<16}{len(times):>9}{len(times) / window:>8.1f}{percentile(times, 0.5):>9.0f}"
            f"{percentile(times, 0.95):>9.0f}{percentile(times, 0.99):>9.0f}{failed:>8}"
        )
    if not every:
        print("no request measured")
        return False
    p95 = percentile(every, 0.95)
    print(
        f"{'all':<16}{len(every):>9}{len(every) / window:>8.1f}{percentile(every, 0.5):>9.0f}"
        f"{p95:>9.0f}{percentile(every, 0.99):>9.0f}{errors:>8}"
    )
    met = errors == 0 and result["login_failures"] == 0 and p95 < P95_TARGET_MS
    print(f"target (0 errors, p95 < {P95_TARGET_MS} ms): {'met' if met else 'MISSED'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 5.0),
        metavar=("MIN", "MAX"),
        help="seconds each user waits between requests (reading the page)",
    )
    parser.add_argument("--size", type=int, default=3000, help="assets and risks (each)")
    parser.add_argument("--db", default="isms_loadtest", help="its own; created if missing")
    parser.add_argument(
        "--redis-db", type=int, default=15, help="its own Redis database: flushed at start"
    )
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--_seed-into", dest="seed_into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_into:
        seed(args.size, args.users, Path(args.seed_into))
        return 0
    if not 1 <= args.users <= 200 or not 1 <= args.duration <= 600:
        parser.error("--users must be 1..200 and --duration 1..600 (bounded on purpose)")

    var_dir = Path(tempfile.mkdtemp(prefix="isms-load-"))
    port = free_port()
    env = server_env(args, var_dir, port)
    base = f"http://{HOST}:{port}"
    server = None
    try:
        create_database(args)
        people_file = var_dir / "people.json"
        subprocess.run(
            [PY, __file__, "--_seed-into", str(people_file), "--size", str(args.size),
             "--users", str(args.users)],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        if args.seed_only:
            return 0
        # Sessions and lockout counters of an earlier run must not carry over.
        subprocess.run(
            [PY, "-c", "import django; django.setup(); from django.core.cache import cache; "
             "cache.clear(); from axes.models import AccessAttempt; "
             "AccessAttempt.objects.all().delete()"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        server_log = (var_dir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "isms.wsgi:application",
             "--config", "isms/gunicorn.conf.py", "--access-logfile", "/dev/null"],
            env=env, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_until_up(base)
        people = json.loads(people_file.read_text())["users"]
        args.load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        # gevent patches the standard library for the load only; it is imported here,
        # after every subprocess above has been started and waited for.
        from gevent import monkey

        monkey.patch_all()
        met = report(run_load(args, base, people), args)
        errors = (var_dir / "gunicorn.log").read_text()
        if "Traceback" in errors or " ERROR " in errors:
            print("\nserver errors (gunicorn log):\n" + errors[-4000:])
            met = False
        return 0 if met else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)  # gunicorn and its workers
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
