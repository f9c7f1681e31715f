"""Configuration: every setting comes from the environment (or `.env`)."""

from .logs import configure_logging, request_id
from .settings import ConfigurationError, Settings, get_settings, load_settings

__all__ = [
    "ConfigurationError",
    "Settings",
    "configure_logging",
    "get_settings",
    "load_settings",
    "request_id",
]
