from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from config.api.errors import api_not_found
from config.favicon import favicon
from config.health import healthz
from governance.metrics import metrics
from governance.views import language

api_v1 = [
    path("", include("governance.apis.urls")),
    path("", include("recognition.apis.urls")),
    path("", include("complaints.apis.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: the same static icon.
    path("favicon.ico", favicon),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
    # Redoc writes its styles at run time (styled-components): inline styles on this page only.
    path("api/redoc/", csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
        SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("api/v1/", include(api_v1)),
    # The language switch on every page posts here (Django's set_language view, which also
    # remembers the choice on a signed-in account: governance/views/language.py).
    path("i18n/setlang/", language.set_language, name="set_language"),
    # Anything else under /api/ is a JSON 404, never an HTML page.
    re_path(r"^api/", api_not_found),
    path("", include("recognition.urls")),
    path("", include("complaints.urls")),
    path("", include("governance.urls")),
]
