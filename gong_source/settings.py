"""Constants of the Gong API and the connector's defaults, in one place."""

DEFAULT_BASE_URL = "https://api.gong.io"

CALLS_PATH = "/v2/calls"
CALLS_EXTENSIVE_PATH = "/v2/calls/extensive"
CALLS_TRANSCRIPT_PATH = "/v2/calls/transcript"
CALL_MEDIA_PATH = "/v2/calls/{call_id}/media"
USERS_PATH = "/v2/users"
WORKSPACES_PATH = "/v2/workspaces"

# Gong pages hold 100 items and take at most 100 callIds per filter (Airbyte verified 100 live).
PAGE_SIZE = 100
MAX_CALL_IDS_PER_REQUEST = 100

# Gong's default company limits: 3 requests/s and 10,000 requests/day.
DEFAULT_RATE_LIMIT_PER_SECOND = 3.0
DEFAULT_DAILY_REQUEST_BUDGET = 10_000
# A Retry-After longer than this means the daily quota is spent: stop instead of sleeping.
DEFAULT_MAX_RETRY_AFTER_SECONDS = 300

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MAX_ATTEMPTS = 6
BACKOFF_INITIAL_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0

# Calls appear minutes to hours after they start; each run re-reads this far back.
DEFAULT_LOOKBACK_DAYS = 7
# A pagination cursor expires about an hour after its first page, so windows stay short.
DEFAULT_WINDOW_DAYS = 7
DEFAULT_START_DATE = "2024-01-01T00:00:00Z"

# Gong's request vocabulary (the actions validate against it before sending anything).
DIRECTIONS = ("Inbound", "Outbound", "Conference", "Unknown")
CONTEXT_LEVELS = ("None", "Basic", "Extended")
CONTEXT_TIMINGS = ("Now", "TimeOfCall")
CONTENT_FIELDS = (
    "structure",
    "topics",
    "trackers",
    "trackerOccurrences",
    "pointsOfInterest",
    "brief",
    "outline",
    "highlights",
    "callOutcome",
    "keyPoints",
)
INTERACTION_FIELDS = ("speakers", "video", "personInteractionStats", "questions")

# The extensive-data sections the source asks for (parties and media are separate flags).
EXTENSIVE_CONTENT_SELECTOR = {
    "context": "Extended",
    "contextTiming": ["Now"],
    "exposedFields": {
        "parties": True,
        "content": {
            "brief": True,
            "callOutcome": True,
            "keyPoints": True,
            "topics": True,
            "trackers": True,
            "trackerOccurrences": True,
            "outline": True,
            "highlights": True,
        },
        "interaction": {"speakers": True, "personInteractionStats": True, "questions": True},
        "collaboration": {"publicComments": True},
    },
}
