"""The output models are the seed's contract: their JSON schemas equal the seed's, key for key."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import gong_actions
from gong_actions.models import OUTPUT_MODELS
from tests.fixtures import ACTIONS_SEED

NAMES = (
    "AddNewCallOutput",
    "GetExtensiveDataOutput",
    "ListCallsOutput",
    "ListWorkspaceIdOptionsOutput",
    "RetrieveTranscriptsOfCallsOutput",
)


def seed_schemas() -> dict[str, dict[str, Any]]:
    """Every top-level JSON object in the seed text (the "Response" blocks), by title."""
    text = ACTIONS_SEED.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    schemas: dict[str, dict[str, Any]] = {}
    for match in re.finditer(r"^\{", text, re.MULTILINE):
        schema, _ = decoder.raw_decode(text, match.start())
        schemas[schema["title"]] = schema
    return schemas


def test_the_seed_has_exactly_the_five_response_schemas() -> None:
    assert sorted(seed_schemas()) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_output_schema_equals_the_seed(name: str) -> None:
    model = getattr(gong_actions, name)
    assert model in OUTPUT_MODELS
    assert model.model_json_schema() == seed_schemas()[name]


def test_outputs_reject_unknown_fields_and_default_like_the_schema() -> None:
    out = gong_actions.ListCallsOutput(success=True)
    assert out.model_dump() == {
        "success": True,
        "error": None,
        "request_id": None,
        "cursor": None,
        "calls": [],
    }
    with pytest.raises(ValueError):
        gong_actions.ListCallsOutput(success=True, surprise=1)
