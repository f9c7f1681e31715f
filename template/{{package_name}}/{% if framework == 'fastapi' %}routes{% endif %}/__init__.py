"""The API layer (FastAPI): HTTP in, a service call, HTTP out. Nothing else knows FastAPI."""

from importlib import import_module
from pkgutil import iter_modules
from types import ModuleType

from fastapi import FastAPI

from ..runtime import Runtime
from .errors import register_error_handlers
from .middleware import install_middleware


def register_routes(app: FastAPI, runtime: Runtime) -> None:
    app.state.runtime = runtime
    register_error_handlers(app)
    install_middleware(app, runtime.settings)
    for module in route_modules():
        app.include_router(module.router)


def route_modules() -> list[ModuleType]:
    """Every module here with a `router`: /health and each resource, in name order.

    Found rather than listed, so a resource added with `newbackend add resource` is served
    without an edit here.
    """
    modules = [import_module(f"{__name__}.{info.name}") for info in iter_modules(__path__)]
    return [module for module in modules if hasattr(module, "router")]
