"""Pages of the governance core (namespace "isms"): scope, policies, approvals,
frameworks, controls and the Statement of Applicability."""

app_name = "isms"
urlpatterns = []
