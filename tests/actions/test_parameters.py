"""Each action's parameters are the seed's, stated once in the input model and nowhere else:
the Python call, the CLI flags, their help and the request keys all come from its fields."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import pytest

from gong_actions.actions import ACTIONS, Action
from gong_actions.cli import main
from gong_emulator import GongEmulator
from gong_source.client import GongClient
from tests.fixtures import ACTIONS_SEED

IDS = [action.name for action in ACTIONS]


def seed_parameters() -> dict[str, list[tuple[str, str, bool]]]:
    """(name, type, required) of each "Parameters" list in the seed, by the title of the Response after it."""
    text = ACTIONS_SEED.read_text(encoding="utf-8")
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for block in re.finditer(r"^Parameters\n(.*?)^Response\n\s*(?=\{)", text, re.MULTILINE | re.DOTALL):
        schema, _ = json.JSONDecoder().raw_decode(text, block.end())
        lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
        parameters = []
        while lines:  # name, type, "required" when it is, description
            name, kind, *lines = lines
            required = lines[0] == "required"
            parameters.append((name, kind, required))
            lines = lines[1 + required :]
        found[schema["title"]] = parameters
    return found


def model_parameters(action: Action[Any, Any]) -> list[tuple[str, str, bool]]:
    schema = action.inputs.model_json_schema()
    return [
        (
            name,
            field.get("type") or next(o["type"] for o in field["anyOf"] if o["type"] != "null"),
            name in schema.get("required", ()),
        )
        for name, field in schema.get("properties", {}).items()
    ]


def test_the_seed_lists_parameters_for_the_four_actions_that_take_some() -> None:
    assert sorted(seed_parameters()) == sorted(
        a.output.__name__ for a in ACTIONS if a.name != "list_workspace_id_options"
    )


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_the_input_model_has_the_seeds_parameters_in_its_order(action: Action[Any, Any]) -> None:
    assert model_parameters(action) == seed_parameters().get(action.output.__name__, [])


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_the_python_call_takes_the_model_fields_alone(action: Action[Any, Any]) -> None:
    client, *parameters = inspect.signature(action).parameters.values()
    assert client.name == "client" and client.default is None
    assert [p.name for p in parameters] == list(action.inputs.model_fields)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    required = {name for name, field in action.inputs.model_fields.items() if field.is_required()}
    assert {p.name for p in parameters if p.default is inspect.Parameter.empty} == required


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_the_cli_flags_and_help_are_the_model_fields(
    action: Action[Any, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # no wrapping: each description stays on one line
    assert main([action.name.replace("_", "-"), "--help"]) == 0
    help_text = capsys.readouterr().out
    flags = set(re.findall(r"--[a-z][a-z-]*", help_text)) - {"--help"}
    assert flags == {"--" + name.replace("_", "-") for name in action.inputs.model_fields}
    for name, field in action.inputs.model_fields.items():
        assert field.description, f"{name} has no description, so its flag has no help"
        assert field.description in help_text
        if field.is_required():
            assert f"(required) {field.description}" in help_text


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_every_parameter_gong_sees_has_its_gong_key(action: Action[Any, Any]) -> None:
    """Without an alias a parameter would reach Gong under its Python name."""
    for name, field in action.inputs.model_fields.items():
        assert field.exclude or field.serialization_alias, name


def test_an_unknown_parameter_is_refused_before_any_request(emu: GongEmulator, client: GongClient) -> None:
    by_name = {action.name: action for action in ACTIONS}
    out = by_name["list_calls"](client, page_size=5)
    assert out.success is False and out.error == "page_size: Extra inputs are not permitted"
    assert emu.requests == []
