"""Configuration: every setting comes from the environment (or `.env`)."""

from .settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
