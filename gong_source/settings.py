"""Constants of the Gong API: paths, page sizes, request vocabulary (settings live in config.py)."""

DEFAULT_BASE_URL = "https://api.gong.io"

CALLS_PATH = "/v2/calls"
CALLS_EXTENSIVE_PATH = "/v2/calls/extensive"
CALLS_TRANSCRIPT_PATH = "/v2/calls/transcript"
CALL_MEDIA_PATH = "/v2/calls/{call_id}/media"
USERS_PATH = "/v2/users"
WORKSPACES_PATH = "/v2/workspaces"
TRACKER_SETTINGS_PATH = "/v2/settings/trackers"
SCORECARD_SETTINGS_PATH = "/v2/settings/scorecards"
ANSWERED_SCORECARDS_PATH = "/v2/stats/activity/scorecards"
INTERACTION_STATS_PATH = "/v2/stats/interaction"
DAY_BY_DAY_PATH = "/v2/stats/activity/day-by-day"

# Gong pages hold 100 items and take at most 100 callIds per filter (Airbyte verified 100 live).
PAGE_SIZE = 100
MAX_CALL_IDS_PER_REQUEST = 100

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
    "contextTiming": ["Now", "TimeOfCall"],
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
            "pointsOfInterest": True,
        },
        "interaction": {"speakers": True, "personInteractionStats": True, "questions": True},
        "collaboration": {"publicComments": True},
    },
}
