"""The token endpoint of the demo provider: django-oauth-toolkit's, plus the tamper
switch (see the package's docstring) that alters the ID token after it was signed."""

import base64
import json

from django.conf import settings
from oauth2_provider import views as oauth_views


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tamper(id_token: str) -> str:
    """The ID token with its payload rewritten and the signature left as it was: the
    groups claim raised to the security managers' group, as an attacker would."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["isms-security"]
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


class TokenView(oauth_views.TokenView):
    """The toolkit's token endpoint; with the tamper switch on, its ID token altered."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200 and settings.TAMPER_FILE.exists():
            body = json.loads(response.content)
            if "id_token" in body:
                body["id_token"] = tamper(body["id_token"])
                response.content = json.dumps(body).encode()
        return response
