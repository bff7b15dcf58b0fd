"""A local Gong REST API v2 emulator: deterministic synthetic data behind a real HTTP server.

Independent of the rest of the project on purpose, so passing against it means something::

    from gong_emulator import Company, CompanySpec, GongEmulator

    with GongEmulator(Company(CompanySpec(seed=1, n_calls=200))) as emu:
        ...  # point a client at emu.base_url with Basic emulator-key:emulator-secret
"""

from gong_emulator.call import GeneratedCall
from gong_emulator.clock import Clock
from gong_emulator.company import Company
from gong_emulator.exchange import RequestRecord
from gong_emulator.faults import FAULT_NAMES, FaultPlan
from gong_emulator.model import CallFilter, CompanySpec, DuplicateCallError, UploadError
from gong_emulator.selector import ContentSelector
from gong_emulator.server import GongEmulator

__all__ = [
    "FAULT_NAMES",
    "CallFilter",
    "Clock",
    "Company",
    "CompanySpec",
    "ContentSelector",
    "DuplicateCallError",
    "FaultPlan",
    "GeneratedCall",
    "GongEmulator",
    "RequestRecord",
    "UploadError",
]
