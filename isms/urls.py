"""Root URLconf: pages of each app, the API, health checks, auth and admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from isms.api import docs as api_docs
from isms.forms import LoginForm
from isms.views import account, audit, core, language, system

handler403 = "isms.views.core.error_403"
handler404 = "isms.views.core.error_404"
handler500 = "isms.views.core.error_500"

urlpatterns = [
    path("", core.home, name="dashboard"),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", core.readyz, name="readyz"),
    path("favicon.ico", core.favicon, name="favicon"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", account.profile, name="account"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke, name="token_revoke"),
    path("", include("isms.twofactor.urls")),
    path("", include("isms.sso.urls")),
    path("language/", language.set_language, name="set_language"),
    path("audit/", audit.audit_log, name="audit_log"),
    path(
        "audit/<int:content_type_id>/<str:object_id>/", audit.object_history, name="object_history"
    ),
    path("system/", system.status, name="system_status"),
    path("system/ping/", system.ping, name="system_ping"),
    path("system/ping/<str:token>/", system.ping_status, name="system_ping_status"),
    path("", include("isms.app_urls")),
    path("assets/", include("assets.urls")),
    path("risks/", include("risks.urls")),
    path("assurance/", include("isms.assurance.urls")),  # issue 22
    path("context/", include("isms.context.urls")),  # issue 14
    path("audits/", include("isms.audits.urls")),  # issue 13
    path("people/", include("isms.people.urls")),  # issue 14
    path("continuity/", include("assets.continuity.urls")),
    path("incidents/", include("risks.incidents.urls")),
    path("suppliers/", include("assets.suppliers.urls")),
    # The public page of a supplier assessment link (no account; docs/suppliers.md).
    path("supplier-answer/", include("assets.suppliers.public_urls")),
    path("api/", include("isms.api.urls")),
    path("api/", include("assets.api.urls")),
    path("api/", include("risks.api.urls")),
    path("api/", include("isms.context.api.urls")),
    path("api/", include("isms.audits.api.urls")),
    path("api/", include("isms.people.api.urls")),
    path("api/", include("assets.continuity.api.urls")),
    path("api/", include("risks.incidents.api.urls")),
    path("api/", include("assets.suppliers.api.urls")),
    path("api/schema/", api_docs.SchemaView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
