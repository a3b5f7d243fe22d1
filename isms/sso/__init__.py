"""Single sign-on: OpenID Connect sign-in with group-to-role mapping (docs/sso.md)."""
