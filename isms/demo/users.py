"""Demo data of the governance core: the demo users, one per role."""

from django.contrib.auth.models import Group

from isms import audit, roles
from isms.models import User

# (username, full name, role group or None, superuser, password). Demo only: these
# accounts exist only where `manage.py load_demo` was run.
DEMO_USERS = [
    ("security", "Sam Security", roles.SECURITY_MANAGER, False, "demo-security-pass"),
    ("manager", "Morgan Manager", roles.MANAGEMENT, False, "demo-manager-pass"),
    # The SoA needs two management approvers (APPROVAL_QUORUM, default soa=2).
    ("director", "Dana Director", roles.MANAGEMENT, False, "demo-director-pass"),
    ("auditor", "Alex Auditor", roles.AUDITOR, False, "demo-auditor-pass"),
    ("owner", "Olivia Owner", None, False, "demo-owner-pass"),
    ("admin", "Ada Admin", None, True, "demo-admin-pass"),
]


def load(stdout) -> None:
    stdout.write("Demo users (user name / password / role):")
    for username, full_name, role, superuser, password in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            audit.record_created(user, message="Demo user")
        if role:
            user.groups.add(Group.objects.get(name=role))
        label = role or ("Administrator" if superuser else "Asset and risk owner (no role)")
        stdout.write(f"  {username:<10} {password:<22} {label}")
