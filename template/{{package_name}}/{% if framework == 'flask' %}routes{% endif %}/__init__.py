"""The API layer (Flask): HTTP in, a service call, HTTP out. Nothing else knows Flask."""

from importlib import import_module
from pkgutil import iter_modules
from types import ModuleType

from flask_openapi3 import OpenAPI

from ..runtime import Runtime
from .deps import close_session
from .errors import ValidationErrorBody, register_error_handlers, validation_error
from .middleware import install_middleware


def register_routes(app: OpenAPI, runtime: Runtime) -> None:
    app.extensions["runtime"] = runtime
    app.validation_error_callback = validation_error
    app.validation_error_model = ValidationErrorBody
    app.teardown_appcontext(close_session)
    register_error_handlers(app)
    install_middleware(app, runtime.settings)
    for module in route_modules():
        app.register_api(module.bp)
    app.add_url_rule("/openapi.json", "openapi", lambda: app.api_doc)


def route_modules() -> list[ModuleType]:
    """Every module here with a blueprint `bp`: /health and each resource, in name order.

    Found rather than listed, so a resource added with `newbackend add resource` is served
    without an edit here.
    """
    modules = [import_module(f"{__name__}.{info.name}") for info in iter_modules(__path__)]
    return [module for module in modules if hasattr(module, "bp")]
