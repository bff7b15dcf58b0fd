"""`gong-actions <action> ...`: the output JSON on stdout, exit 0 on success, else the cause's code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gong_actions import ListCallsOutput
from gong_actions.cli import main
from gong_emulator import Company, GongEmulator
from gong_source.errors import ExitCode

from .conftest import truth

WINDOW_FLAGS = ["--from-date-time", "2025-03-01T00:00:00Z", "--to-date-time", "2025-05-01T00:00:00Z"]


@pytest.fixture
def cli_env(emu: GongEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GongEmulator:
    """Credentials the dlt way (env vars), from a directory without a .dlt/ folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY", emu.access_key)
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY_SECRET", emu.access_key_secret)
    monkeypatch.setenv("SOURCES__GONG__BASE_URL", emu.base_url)
    monkeypatch.setenv("SOURCES__GONG__RATE_LIMIT_PER_SECOND", "1000")
    return emu


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1  # one JSON document, one line
    return code, json.loads(out)


def test_list_workspace_id_options(cli_env: GongEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "list-workspace-id-options")
    assert code == 0
    assert out == {
        "success": True,
        "error": None,
        "workspaces": [{"id": w["id"], "name": w["name"]} for w in cli_env.company.workspaces],
    }


def test_list_calls_pages_with_the_printed_cursor(
    cli_env: GongEmulator, shared_company: Company, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first = run(capsys, "list-calls", *WINDOW_FLAGS)
    assert code == 0 and first["cursor"] and len(first["calls"]) == 100
    ListCallsOutput.model_validate(first)
    code, second = run(capsys, "list-calls", *WINDOW_FLAGS, "--cursor", first["cursor"])
    assert code == 0
    ids = [c["id"] for c in first["calls"] + second["calls"]]
    assert ids == [c.call_id for c in truth(shared_company)[:200]]


def test_get_extensive_data_flags(
    cli_env: GongEmulator, shared_company: Company, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = truth(shared_company)[:3]
    code, out = run(
        capsys,
        "get-extensive-data",
        "--call-ids",
        f"{calls[0].call_id},{calls[1].call_id}",
        "--call-ids",
        calls[2].call_id,
        "--max-results",
        "2",
        "--context",
        "Extended",
        "--context-timing",
        "Now",
        "--include-parties",
        "--exposed-fields-content",
        "brief,topics",
        "--exposed-fields-interaction",
        '{"speakers": true, "questions": false}',
        "--include-public-comments",
    )
    assert code == 0, out
    assert [c["metaData"]["id"] for c in out["calls"]] == [c.call_id for c in calls[:2]]
    assert all("parties" in c and "content" in c for c in out["calls"])
    (request,) = cli_env.requests
    assert request.json_body == {
        "filter": {"callIds": [c.call_id for c in calls]},
        "contentSelector": {
            "context": "Extended",
            "contextTiming": ["Now"],
            "exposedFields": {
                "parties": True,
                "content": {"brief": True, "topics": True},
                "interaction": {"speakers": True, "questions": False},
                "collaboration": {"publicComments": True},
            },
        },
    }


def test_retrieve_transcripts_of_calls(
    cli_env: GongEmulator, shared_company: Company, capsys: pytest.CaptureFixture[str]
) -> None:
    call = truth(shared_company)[7]
    code, out = run(capsys, "retrieve-transcripts-of-calls", "--call-ids", call.call_id)
    assert code == 0
    assert out == {"success": True, "error": None, "call_transcripts": [call.transcript()]}


def test_add_new_call(
    cli_env: GongEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], make_emulator
) -> None:
    emu = make_emulator()  # uploads go to a tenant of their own
    monkeypatch.setenv("SOURCES__GONG__BASE_URL", emu.base_url)
    user = emu.company.users[0]["id"]
    argv = [
        "add-new-call",
        "--client-unique-id",
        "cli-1",
        "--actual-start",
        "2025-04-20T16:00:00Z",
        "--direction",
        "inbound",
        "--primary-user",
        user,
        "--parties",
        json.dumps([{"userId": user, "name": "Host"}, {"phoneNumber": "+1 555 0100"}]),
        "--duration",
        "75",
        "--purpose",
        "Demo",
    ]
    code, out = run(capsys, *argv)
    assert code == 0 and out["success"] and out["call_id"] and out["request_id"]
    body = emu.requests[0].json_body
    assert body["direction"] == "Inbound" and body["duration"] == 75 and len(body["parties"]) == 2

    code, again = run(capsys, *argv)
    assert code == ExitCode.DATA and again["success"] is False and again["call_id"] is None
    assert f"already been posted for the call {out['call_id']}" in again["error"]


def test_invalid_input_is_output_json_and_sends_nothing(
    cli_env: GongEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "add-new-call", "--title", "no required flags")
    assert code == ExitCode.DATA and out["success"] is False
    for field in ("client_unique_id", "actual_start", "direction", "primary_user", "parties"):
        assert f"{field}: Field required" in out["error"]

    code, out = run(capsys, "add-new-call", "--parties", "[{name: Ann}]")
    assert code == ExitCode.DATA and out["error"].startswith("parties: not valid JSON")

    code, out = run(capsys, "get-extensive-data", "--max-results", "many")
    assert code == ExitCode.DATA and out == {
        "success": False,
        "error": "max_results: Input should be a valid integer, unable to parse string as an integer",
        "calls": [],
    }
    code, out = run(capsys, "get-extensive-data", "--exposed-fields-content", '{"brief": tru')
    assert code == ExitCode.DATA and out["error"].startswith("exposed_fields_content: not valid JSON")

    code, out = run(capsys, "retrieve-transcripts-of-calls", "--call-ids", ",")
    assert code == ExitCode.DATA and out["error"].startswith("call_ids:")
    assert cli_env.requests == []


def test_wrong_secret_exits_77_without_printing_it(
    cli_env: GongEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "cli-wrong-secret-0123456789"
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY_SECRET", secret)
    code = main(["list-calls"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == ExitCode.NOPERM and out["success"] is False and "HTTP 401" in out["error"]
    assert secret not in captured.out and secret not in captured.err


def test_missing_credentials_are_output_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN"):
        monkeypatch.delenv(f"SOURCES__GONG__{name}", raising=False)
    code, out = run(capsys, "list-workspace-id-options")
    assert code == ExitCode.CONFIG
    assert out["success"] is False and out["workspaces"] == []
    assert "Gong credentials missing" in out["error"]


def test_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "add-new-call" in capsys.readouterr().out
    assert main(["list-calls", "--no-such-flag"]) == 2
    assert main([]) == 2
