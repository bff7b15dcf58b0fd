"""A local Gong REST API v2 emulator: deterministic synthetic data behind a real HTTP server.

Independent of the rest of the project on purpose, so passing against it means something::

    from gong_emulator import Company, CompanySpec, GongEmulator

    with GongEmulator(Company(CompanySpec(seed=1, n_calls=200))) as emu:
        ...  # point a client at emu.base_url with Basic emulator-key:emulator-secret

Endpoints served, and what each costs against Gong's limits (3 requests/s, 10,000/day; every
request that passes auth counts once, whatever its status, including the 404 of an empty
result; a request refused for credentials or scope, or answered by an injected fault, does
not). Lists page by 100 (``page_size``), the cursor in the query for GET and in the body for
POST:

* ``GET /v2/calls``: 1 per 100 listed calls (metadata).
* ``POST /v2/calls/extensive``: 1 per 100 calls; ``callIds``, ``primaryUserIds``, the
  ``contentSelector`` with ``contextTiming`` ``Now`` / ``TimeOfCall``.
* ``POST /v2/calls/transcript``: 1 per 100 calls.
* ``GET /v2/calls/{id}``, ``POST /v2/calls``, ``PUT /v2/calls/{id}/media``: 1 each.
* ``GET /v2/workspaces``, ``GET /v2/settings/scorecards``, ``GET /v2/settings/trackers``
  (``?workspaceId=``): 1 each, no paging.
* ``GET /v2/users``, ``POST /v2/users/extensive``: 1 per 100 users, as they are at ``now``.
* ``POST /v2/stats/interaction``, ``POST /v2/stats/activity/day-by-day``: 1 per 100 users per
  day window (bare ``YYYY-MM-DD`` dates in the company time zone, ``toDate`` not after today).
* ``POST /v2/stats/activity/scorecards``: 1 per 100 answered scorecards per window.

With ``granted_scopes`` an endpoint whose scope (e.g. ``api:stats:interaction``) the app lacks
answers Gong's 401 "You don't have permission to use '<scope>' in your app.".

Ground truth for tests: ``Company.calls()`` / ``call()`` (``visible_at``,
``transcript_visible_at``, ``enriched_at``, ``review_at``, ``talk_stats()``,
``user_talk_stats()``, ``answered_scorecard()``), ``Company.answered_scorecards(now)``,
``users_at(now)`` and ``reorg``, ``scorecards``, ``tracker_settings``, ``GongEmulator.requests``.
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
