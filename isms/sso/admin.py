from django.contrib import admin

from isms.sso.models import ConfirmationCode, Identity, SAMLSession


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "issuer", "subject", "last_login_at")
    list_filter = ("issuer",)
    search_fields = ("user__username", "subject")
    readonly_fields = ("created_at", "last_login_at")


@admin.register(ConfirmationCode)
class ConfirmationCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are made by the IdP round trip and used by the API."""

    list_display = ("user", "protocol", "created_at", "expires_at", "used_at")
    list_filter = ("protocol",)
    search_fields = ("user__username",)
    exclude = ("code_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SAMLSession)
class SAMLSessionAdmin(admin.ModelAdmin):
    """Read-only: the SAML sign-ins whose sessions an IdP logout can end."""

    list_display = ("user", "name_id", "session_index", "created_at")
    search_fields = ("user__username", "name_id")
    exclude = ("session_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
