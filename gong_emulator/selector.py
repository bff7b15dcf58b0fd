"""``contentSelector`` of POST /v2/calls/extensive: which sections and flags a request asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONTEXT_LEVELS = ("None", "Basic", "Extended")
CONTEXT_TIMINGS = ("Now", "TimeOfCall")
CONTENT_FLAGS = (
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
INTERACTION_FLAGS = ("speakers", "video", "personInteractionStats", "questions")
COLLABORATION_FLAGS = ("publicComments",)
#: Content that Gong adds after the call is listed (post-call enrichment), like the comments.
ENRICHED_CONTENT = frozenset({"brief", "keyPoints"})


@dataclass(frozen=True)
class ContentSelector:
    """The parsed ``contentSelector`` of POST /v2/calls/extensive."""

    context: str = "None"
    context_timing: tuple[str, ...] = ("Now",)
    parties: bool = False
    content: frozenset[str] = frozenset()
    interaction: frozenset[str] = frozenset()
    collaboration: frozenset[str] = frozenset()
    media: bool = False

    @classmethod
    def everything(cls) -> ContentSelector:
        """Every section and flag: what ``GeneratedCall.extensive()`` returns by default."""
        return cls(
            context="Extended",
            context_timing=("Now",),
            parties=True,
            content=frozenset(CONTENT_FLAGS),
            interaction=frozenset(INTERACTION_FLAGS),
            collaboration=frozenset(COLLABORATION_FLAGS),
            media=True,
        )

    @classmethod
    def from_json(cls, obj: Any) -> ContentSelector:
        """Parse the request JSON; ValueError carries the 400 message."""
        if obj is None:
            return cls()
        if not isinstance(obj, dict):
            raise ValueError("contentSelector: must be an object")
        context = obj.get("context") or "None"
        if context not in CONTEXT_LEVELS:
            raise ValueError("contentSelector.context: must be one of None, Basic, Extended")
        timing = obj.get("contextTiming")
        if timing is None:
            timing = ["Now"]
        elif not isinstance(timing, list) or any(t not in CONTEXT_TIMINGS for t in timing):
            raise ValueError("contentSelector.contextTiming: values must be Now or TimeOfCall")
        elif timing and context != "Extended":
            raise ValueError("contentSelector.contextTiming: may only be set when context is Extended")
        exposed = obj.get("exposedFields") or {}
        if not isinstance(exposed, dict):
            raise ValueError("contentSelector.exposedFields: must be an object")

        def flags(name: str, allowed: tuple[str, ...]) -> frozenset[str]:
            section = exposed.get(name) or {}
            if not isinstance(section, dict):
                raise ValueError(f"contentSelector.exposedFields.{name}: must be an object")
            return frozenset(k for k in allowed if section.get(k) is True)

        return cls(
            context=context,
            context_timing=tuple(dict.fromkeys(timing)) or ("Now",),
            parties=exposed.get("parties") is True,
            content=flags("content", CONTENT_FLAGS),
            interaction=flags("interaction", INTERACTION_FLAGS),
            collaboration=flags("collaboration", COLLABORATION_FLAGS),
            media=exposed.get("media") is True,
        )
