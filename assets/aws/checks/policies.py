"""Reading IAM-style policy documents (bucket, queue, vault, identity and trust
policies): who is allowed, and under which conditions."""

from __future__ import annotations

from assets.aws.checks.base import as_list

# Condition keys that tie an otherwise public grant to a known caller, source or
# network: with one of them, `Principal: "*"` is not open to the whole internet.
RESTRICTING_KEYS = {
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:username",
}


def statements(document) -> list[dict]:
    """The statements of a policy document (an unparsable document has none we can read)."""
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def principals(statement: dict) -> list[str]:
    """Every principal a statement names ("*" for everyone)."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for values in principal.values() for p in as_list(values)]
    return [str(p) for p in as_list(principal)]


def condition_keys(statement: dict) -> set[str]:
    keys = set()
    for operator_block in (statement.get("Condition") or {}).values():
        if isinstance(operator_block, dict):
            keys.update(k.lower() for k in operator_block)
    return keys


def public_statements(document) -> list[dict]:
    """The Allow statements open to everyone: principal `*` (or {"AWS": "*"}) with no
    condition restricting the caller, source or network."""
    found = []
    for statement in statements(document):
        if statement.get("Effect") != "Allow" or "*" not in principals(statement):
            continue
        if condition_keys(statement) & RESTRICTING_KEYS:
            continue
        found.append(statement)
    return found


def describe(statement: dict) -> str:
    sid = statement.get("Sid")
    actions = ", ".join(str(a) for a in as_list(statement.get("Action"))) or "(no action)"
    return (
        f"statement {sid!r} allows {actions} to everyone"
        if sid
        else (f"a statement allows {actions} to everyone")
    )


def grants_everything(statement: dict) -> bool:
    """Allow of action `*` on resource `*`."""
    return (
        statement.get("Effect") == "Allow"
        and "*" in [str(a) for a in as_list(statement.get("Action"))]
        and "*" in [str(r) for r in as_list(statement.get("Resource"))]
    )


def _account_of(principal: str) -> str | None:
    """The account id a principal names: an ARN's account, or a bare account id."""
    if principal.isdigit() and len(principal) == 12:
        return principal
    parts = principal.split(":")
    if principal.startswith("arn:") and len(parts) > 4 and parts[4].isdigit():
        return parts[4]
    return None


def foreign_accounts(document, own_account: str) -> list[str]:
    """The other AWS accounts an Allow statement lets in (by account id or ARN), and
    "everyone" for a public grant: what a resource policy shares beyond its account."""
    found: set[str] = set()
    for statement in statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if statement in public_statements(document):
            found.add("everyone")
            continue
        for principal in principals(statement):
            account = _account_of(principal)
            if account and account != own_account:
                found.add(account)
    return sorted(found)
