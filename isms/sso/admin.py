from django.contrib import admin

from isms.sso.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "issuer", "subject", "last_login_at")
    list_filter = ("issuer",)
    search_fields = ("user__username", "subject")
    readonly_fields = ("created_at", "last_login_at")
