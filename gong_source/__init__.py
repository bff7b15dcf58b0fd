"""Gong -> warehouse: a dlt source over the Gong REST API v2 and the client it stands on."""

from .client import GongClient, RateLimiter, RequestBudget
from .config import GongConfig
from .errors import GongError
from .source import DEFAULT_RESOURCES, RESOURCE_NAMES, gong_source

__all__ = [
    "DEFAULT_RESOURCES",
    "RESOURCE_NAMES",
    "GongClient",
    "GongConfig",
    "GongError",
    "RateLimiter",
    "RequestBudget",
    "gong_source",
]
