"""Demo of single sign-on: a local OpenID Connect provider that `make demo` can start
(DEMO_OIDC=true, see serve.py and docs/sso.md, "Trying SSO with the demo") and the tests
run as a process of its own. Demo only: the product never imports this package."""
