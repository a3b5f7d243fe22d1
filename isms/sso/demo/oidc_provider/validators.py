"""The claims the demo provider puts in its ID tokens: what an enterprise provider sends
for the ISMS's role mapping (docs/sso.md)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with the user name, e-mail, groups and the
    authentication methods (`amr`) as claims, whatever scopes were granted (the ISMS
    asks for `openid email profile groups`)."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.get_username(),
            "email": user.email,
            "name": user.get_full_name() or user.get_username(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "amr": ["pwd"],
        }
