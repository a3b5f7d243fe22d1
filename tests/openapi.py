"""The OpenAPI document /api/schema/ serves, generated once per test process.

Generating it walks every API view (several seconds); the tests that only read it share
this copy. The tests of the generation itself (warnings, the served document) still ask
drf-spectacular or the endpoint.
"""

import copy
import functools
import json

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@functools.cache
def _document() -> str:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiJsonRenderer().render(document, renderer_context={})


def openapi_document() -> dict:
    """The document as /api/schema/?format=json renders it (a fresh copy each call)."""
    return copy.deepcopy(json.loads(_document()))
