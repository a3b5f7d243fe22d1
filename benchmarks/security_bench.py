"""Security hardening benchmark: what the protections cost per request.

Reports p50/p95 of: a sign-in with the production hasher (Argon2) through the lockout
(django-axes), the two-factor step, and an ordinary signed-in request with and without
the security middlewares (two-factor wall, security log, admin re-authentication,
lockout), with their SQL query counts.

    .venv/bin/python benchmarks/security_bench.py [--runs 200]

Runs on a throw-away SQLite database under a temporary folder (or DATABASE_URL when
set). Results go to stdout; copy them into docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ISMS_VAR_DIR", tempfile.mkdtemp(prefix="isms-bench-security-"))
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("REQUIRE_2FA_FOR", "")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from isms.models import User  # noqa: E402

settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
PASSWORD = "benchmark-passphrase-long"  # noqa: S105 - throw-away benchmark user
SECURITY_MIDDLEWARE = (
    "django_otp.middleware.OTPMiddleware",
    "isms.security_log.SecurityEventsMiddleware",
    "isms.twofactor.middleware.TwoFactorMiddleware",
    "isms.reauth.AdminReauthMiddleware",
    "axes.middleware.AxesMiddleware",
)


def _ms(samples):
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f} ms"


def _timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench")
    user.set_password(PASSWORD)
    user.save()
    print(f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}; runs: {args.runs}")
    print("| measure | p50 / p95 | SQL queries |")
    print("| --- | --- | --- |")

    def sign_in():
        client = Client(REMOTE_ADDR="10.0.0.1")
        response = client.post("/login/", {"username": "bench", "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    login_runs = max(10, args.runs // 10)
    print(
        f"| sign-in (Argon2 + lockout check), {login_runs} runs | "
        f"{_ms(_timed(sign_in, login_runs))} | |"
    )

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)

    def two_factor_step():
        client = Client(REMOTE_ADDR="10.0.0.2")
        client.post("/login/", {"username": "bench", "password": PASSWORD})
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        code = str(totp(device.bin_key, step=device.step, t0=device.t0)).zfill(6)
        start = time.perf_counter()
        response = client.post("/account/two-factor/verify/", {"code": code})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        return elapsed

    steps = [two_factor_step() for _ in range(login_runs)]
    print(f"| two-factor step (TOTP verify), {login_runs} runs | {_ms(steps)} | |")
    device.delete()

    client = Client()
    client.force_login(user)
    for path in ("/api/me/", "/account/"):
        client.get(path)
        with_ours = _timed(lambda p=path: client.get(p), args.runs)
        queries = _queries(client, path)
        without = [m for m in settings.MIDDLEWARE if m not in SECURITY_MIDDLEWARE]
        with override_settings(MIDDLEWARE=without):
            client.get(path)
            plain = _timed(lambda p=path: client.get(p), args.runs)
            plain_queries = _queries(client, path)
        print(f"| GET {path} with the security middlewares | {_ms(with_ours)} | {queries} |")
        print(f"| GET {path} without them | {_ms(plain)} | {plain_queries} |")


if __name__ == "__main__":
    main()
