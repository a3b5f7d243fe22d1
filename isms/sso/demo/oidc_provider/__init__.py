"""A small but real OpenID Connect provider, to sign in to the ISMS with SSO without an
Okta, Entra ID or Keycloak at hand: its own Django project (not one of the product's
apps) on django-oauth-toolkit with OIDC on, RS256 ID tokens from a key made at first
start, PKCE required, a plain sign-in page, and the claims an enterprise provider sends:
`preferred_username`, `email`, `groups` (the user's groups here) and `amr`.

It runs as a process of its own, from its own SQLite database in a data folder:

    python -m isms.sso.demo.oidc_provider serve --data DIR --port 5006 \
        --redirect-uri http://127.0.0.1:8000/sso/oidc/callback/ \
        --post-logout-redirect-uri http://127.0.0.1:8000/login/ [--user alice:pass:group,...]
    python -m isms.sso.demo.oidc_provider groups --data DIR alice [group ...]
    python -m isms.sso.demo.oidc_provider tamper --data DIR on|off

`groups` changes a user's groups as an administrator would at the provider; `tamper on`
makes the token endpoint alter the ID token it hands out (a claim rewritten after
signing, as an attacker in the middle would), which a relying party must refuse. The
provider also ends its session when the ISMS's sign-out sends the browser to its
end-session endpoint (OIDC RP-initiated logout).

Demo and tests only: it needs django-oauth-toolkit (the `dev` extra).
"""

# The ISMS's registration at the provider, unless `serve` is told otherwise.
CLIENT_ID = "isms-demo"
CLIENT_SECRET = "isms-demo-client-secret"  # noqa: S105 - a local demo provider's client
