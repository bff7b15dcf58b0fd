"""Invalid input: success=false naming the field, and not a single request reaches Gong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gong_actions import (
    add_new_call,
    get_extensive_data,
    list_calls,
    retrieve_transcripts_of_calls,
)
from gong_actions.fields import normalize_datetime
from gong_actions.models import GetExtensiveDataInput
from gong_emulator import GongEmulator
from gong_source.client import GongClient

GOOD_CALL: dict[str, Any] = {
    "client_unique_id": "crm-42",
    "actual_start": "2025-04-01T10:00:00Z",
    "direction": "Outbound",
    "primary_user": "1234567890123456789",
    "parties": [{"userId": "1234567890123456789", "name": "Host"}],
}


def _call(**changes: Any) -> dict[str, Any]:
    return {**GOOD_CALL, **changes}


CASES: list[tuple[str, Callable[..., Any], dict[str, Any], tuple[str, ...]]] = [
    # add_new_call: required fields
    ("missing client_unique_id", add_new_call, _call(client_unique_id=None), ("client_unique_id",)),
    ("blank client_unique_id", add_new_call, _call(client_unique_id="  "), ("client_unique_id",)),
    ("too long client_unique_id", add_new_call, _call(client_unique_id="x" * 2049), ("client_unique_id",)),
    ("missing actual_start", add_new_call, _call(actual_start=None), ("actual_start",)),
    ("missing direction", add_new_call, _call(direction=None), ("direction",)),
    ("missing primary_user", add_new_call, _call(primary_user=None), ("primary_user",)),
    ("missing parties", add_new_call, _call(parties=None), ("parties",)),
    ("all required missing", add_new_call, {k: None for k in GOOD_CALL}, tuple(GOOD_CALL)),
    # add_new_call: values
    ("actual_start not ISO", add_new_call, _call(actual_start="next tuesday"), ("actual_start", "ISO-8601")),
    ("actual_start epoch", add_new_call, _call(actual_start="1518863400"), ("actual_start", "ISO-8601")),
    ("actual_start not a date", add_new_call, _call(actual_start="2025-02-30T10:00:00Z"), ("actual_start",)),
    ("direction unknown", add_new_call, _call(direction="Sideways"), ("direction", "Inbound")),
    ("parties empty", add_new_call, _call(parties=[]), ("parties",)),
    ("parties not objects", add_new_call, _call(parties=["Ann"]), ("parties[0]",)),
    ("parties empty object", add_new_call, _call(parties=[{}]), ("parties", "party 0")),
    ("parties unknown key", add_new_call, _call(parties=[{"email": "a@b.c"}]), ("parties", "email")),
    ("party name not text", add_new_call, _call(parties=[{"name": 7}]), ("parties", "name")),
    ("purpose 256", add_new_call, _call(purpose="p" * 256), ("purpose", "255")),
    ("disposition 256", add_new_call, _call(disposition="d" * 256), ("disposition", "255")),
    ("scheduled_start not ISO", add_new_call, _call(scheduled_start="soon"), ("scheduled_start",)),
    ("scheduled_end not ISO", add_new_call, _call(scheduled_end="2025-13-01"), ("scheduled_end",)),
    (
        "scheduled end before start",
        add_new_call,
        _call(scheduled_start="2025-04-01T11:00:00Z", scheduled_end="2025-04-01T10:00:00Z"),
        ("scheduled_start", "scheduled_end"),
    ),
    ("negative duration", add_new_call, _call(duration=-5), ("duration",)),
    ("fractional duration", add_new_call, _call(duration=12.5), ("duration",)),
    ("media url not a URL", add_new_call, _call(download_media_url="file:///x.mp3"), ("download_media_url",)),
    ("language code", add_new_call, _call(language_code="English (US)"), ("language_code",)),
    # list_calls
    ("list from not ISO", list_calls, {"from_date_time": "yesterday"}, ("from_date_time",)),
    ("list to not ISO", list_calls, {"to_date_time": "2025-04-01T25:00:00Z"}, ("to_date_time",)),
    (
        "list from after to",
        list_calls,
        {"from_date_time": "2025-04-02T00:00:00Z", "to_date_time": "2025-04-01T00:00:00Z"},
        ("from_date_time", "before to_date_time"),
    ),
    (
        "list from equals to (offsets)",
        list_calls,
        {"from_date_time": "2025-04-01T02:00:00+02:00", "to_date_time": "2025-04-01T00:00:00Z"},
        ("from_date_time",),
    ),
    ("list empty cursor", list_calls, {"cursor": ""}, ("cursor",)),
    # get_extensive_data
    ("extensive from not ISO", get_extensive_data, {"from_date_time": "01/04/2025"}, ("from_date_time",)),
    (
        "extensive from after to",
        get_extensive_data,
        {"from_date_time": "2025-05-01T00:00:00Z", "to_date_time": "2025-03-01T00:00:00Z"},
        ("from_date_time",),
    ),
    ("extensive empty call_ids", get_extensive_data, {"call_ids": []}, ("call_ids",)),
    ("extensive call id not text", get_extensive_data, {"call_ids": ["1", 2]}, ("call_ids[1]",)),
    ("extensive empty user ids", get_extensive_data, {"primary_user_ids": []}, ("primary_user_ids",)),
    ("max_results zero", get_extensive_data, {"max_results": 0}, ("max_results",)),
    ("context unknown", get_extensive_data, {"context": "Everything"}, ("context", "Extended")),
    (
        "timing without Extended",
        get_extensive_data,
        {"context": "Basic", "context_timing": ["Now"]},
        ("context_timing", "Extended"),
    ),
    ("timing without context", get_extensive_data, {"context_timing": ["Now"]}, ("context_timing",)),
    (
        "timing unknown",
        get_extensive_data,
        {"context": "Extended", "context_timing": ["Yesterday"]},
        ("context_timing[0]",),
    ),
    ("timing empty", get_extensive_data, {"context": "Extended", "context_timing": []}, ("context_timing",)),
    (
        "content unknown field",
        get_extensive_data,
        {"exposed_fields_content": {"summary": True}},
        ("exposed_fields_content", "summary"),
    ),
    (
        "content not boolean",
        get_extensive_data,
        {"exposed_fields_content": {"brief": "yes"}},
        ("exposed_fields_content.brief", "boolean"),
    ),
    (
        "occurrences without trackers",
        get_extensive_data,
        {"exposed_fields_content": {"trackerOccurrences": True}},
        ("exposed_fields_content", "trackers"),
    ),
    (
        "interaction unknown field",
        get_extensive_data,
        {"exposed_fields_interaction": {"interactionStats": True}},
        ("exposed_fields_interaction", "personInteractionStats"),
    ),
    ("include flag not boolean", get_extensive_data, {"include_parties": "yes"}, ("include_parties",)),
    # retrieve_transcripts_of_calls
    ("transcripts empty call_ids", retrieve_transcripts_of_calls, {"call_ids": []}, ("call_ids",)),
    ("transcripts blank id", retrieve_transcripts_of_calls, {"call_ids": ["1", " "]}, ("call_ids[1]",)),
    ("transcripts to not ISO", retrieve_transcripts_of_calls, {"to_date_time": "later"}, ("to_date_time",)),
    (
        "transcripts from after to",
        retrieve_transcripts_of_calls,
        {"from_date_time": "2025-05-01T00:00:00Z", "to_date_time": "2025-04-01T00:00:00Z"},
        ("from_date_time",),
    ),
]


@pytest.mark.parametrize(("action", "kwargs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_input_names_the_field_and_sends_nothing(
    emu: GongEmulator, client: GongClient, action: Callable[..., Any], kwargs: dict[str, Any], expected: tuple
) -> None:
    out = action(client, **kwargs)
    assert out.success is False
    assert out.error and "\n" not in out.error
    for word in expected:
        assert word in out.error, (word, out.error)
    assert emu.requests == []
    assert client.stats.requests == 0


def test_validation_needs_no_credentials_at_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """client=None: bad input is reported before a client (and its configuration) is built."""
    monkeypatch.chdir(tmp_path)
    for name in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN"):
        monkeypatch.delenv(f"SOURCES__GONG__{name}", raising=False)
    out = list_calls(from_date_time="not a date")
    assert out.success is False and out.error.startswith("from_date_time:")


def test_datetimes_are_normalized_to_utc() -> None:
    assert normalize_datetime("2018-02-18T02:30:00-07:00") == "2018-02-18T09:30:00Z"
    assert normalize_datetime("2018-02-18T08:00:00Z") == "2018-02-18T08:00:00Z"
    assert normalize_datetime(" 2025-06-12T17:38:36.197+00:00 ") == "2025-06-12T17:38:36.197000Z"
    assert normalize_datetime("2025-06-12T17:38:36") == "2025-06-12T17:38:36Z"  # no offset: UTC


def test_enumerations_accept_any_case_and_send_gongs_spelling() -> None:
    params = GetExtensiveDataInput(context="extended", context_timing=["now", "TIMEOFCALL", "Now"])
    assert params.request_body()["contentSelector"] == {
        "context": "Extended",
        "contextTiming": ["Now", "TimeOfCall"],
    }
    assert GetExtensiveDataInput(context="None").request_body() == {"filter": {}}
