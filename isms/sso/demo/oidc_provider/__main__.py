"""Command line of the demo OpenID Connect provider (see the package's docstring)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from isms.sso.demo.oidc_provider import CLIENT_ID, CLIENT_SECRET


def _setup(data: Path) -> None:
    os.environ["ISMS_OIDC_PROVIDER_DIR"] = str(data.resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "isms.sso.demo.oidc_provider.settings"
    import django

    django.setup()


def _user(spec: str) -> tuple[str, str, list[str]]:
    """`name:password[:group,group...]`."""
    parts = spec.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError(f"{spec!r}: expected name:password[:group,...]")
    groups = [g for g in (parts[2].split(",") if len(parts) == 3 else []) if g]
    return parts[0], parts[1], groups


def set_groups(username: str, groups: list[str]) -> None:
    """The user's groups at the provider, exactly these (the next sign-in's claim)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.get(username=username)
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])


def prepare(
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    users,
) -> None:
    """Migrate the provider's database, register the ISMS as a confidential client and
    create (or update) the users."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": "ISMS",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": " ".join(redirect_uris),
            "post_logout_redirect_uris": " ".join(post_logout_redirect_uris),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
            "client_secret": client_secret,
        },
    )
    for username, password, groups in users:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.set_password(password)
        user.save()
        set_groups(username, groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isms.sso.demo.oidc_provider")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="prepare the provider and serve it")
    serve.add_argument("--data", type=Path, required=True, help="the provider's data folder")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5006)
    serve.add_argument("--client-id", default=CLIENT_ID)
    serve.add_argument("--client-secret", default=CLIENT_SECRET)
    serve.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
    serve.add_argument(
        "--post-logout-redirect-uri", action="append", default=[], dest="post_logout_uris"
    )
    serve.add_argument("--user", action="append", type=_user, default=[], dest="users")
    groups = commands.add_parser("groups", help="set a user's groups at the provider")
    groups.add_argument("--data", type=Path, required=True)
    groups.add_argument("username")
    groups.add_argument("groups", nargs="*")
    tamper = commands.add_parser("tamper", help="alter the ID tokens handed out (on/off)")
    tamper.add_argument("--data", type=Path, required=True)
    tamper.add_argument("state", choices=["on", "off"])
    args = parser.parse_args(argv)

    if args.command == "tamper":
        switch = args.data / "tamper"
        if args.state == "on":
            switch.touch()
        else:
            switch.unlink(missing_ok=True)
        return 0
    _setup(args.data)
    if args.command == "groups":
        set_groups(args.username, args.groups)
        return 0
    prepare(
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=args.redirect_uris,
        post_logout_redirect_uris=args.post_logout_uris,
        users=args.users,
    )
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    print(f"Demo OIDC provider: issuer http://{args.host}:{args.port}/o", flush=True)
    run(args.host, args.port, get_wsgi_application(), threading=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
