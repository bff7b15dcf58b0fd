"""`gong-actions <action> [flags]`: run one action and print its output model as JSON.

Flags are the parameters with dashes (`--from-date-time`, `--call-ids a,b` or repeated,
`--parties '[{"name": "Ann"}]'`, `--exposed-fields-content '{"brief": true}'` or
`brief,topics`). Credentials come the dlt way: SOURCES__GONG__ACCESS_KEY,
SOURCES__GONG__ACCESS_KEY_SECRET and SOURCES__GONG__BASE_URL, or .dlt/secrets.toml.

The exit status is 0 when the output says `success: true`, otherwise it names the cause like
`gong-pipeline`'s (`gong_source.errors.ExitCode`): 65 bad input or an unusable answer, 69 Gong
unavailable, 75 quota spent, 77 credentials refused, 78 configuration. Bad input and
configuration problems are reported in the output JSON like any other failure (only an unknown
flag is an argparse usage error, exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from gong_source.client import GongClient
from gong_source.config import GongConfig
from gong_source.errors import ExitCode, GongError, exit_code, redact, settings_file_error

from . import actions
from .models import (
    AddNewCallOutput,
    GetExtensiveDataOutput,
    ListCallsOutput,
    ListWorkspaceIdOptionsOutput,
    RetrieveTranscriptsOfCallsOutput,
)


class _BadFlag(ValueError):
    """A flag value that cannot even be parsed (e.g. invalid JSON); names the parameter."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or an argparse usage error
        return exc.code if isinstance(exc.code, int) else 2
    command: _Command = args.command_spec
    try:
        kwargs = command.arguments(args)
    except _BadFlag as exc:
        return _emit(command.output(success=False, error=str(exc)), ExitCode.DATA)
    try:
        client = _RecordingClient(GongConfig.from_dlt())
    except Exception as exc:  # missing credentials, a bad setting, a broken .dlt/*.toml
        problem = settings_file_error(exc) or exc
        message = redact(str(problem), ()) or type(problem).__name__
        return _emit(command.output(success=False, error=message), exit_code(problem))
    with client:
        output = command.run(client, **kwargs)
    if getattr(output, "success", False):
        return _emit(output, ExitCode.OK)
    # No Gong error: the input was refused before sending, or the answer was unusable.
    return _emit(output, client.failure.exit_code if client.failure else ExitCode.DATA)


def _emit(output: BaseModel, code: int) -> int:
    sys.stdout.write(output.model_dump_json() + "\n")
    sys.stdout.flush()
    return code


class _RecordingClient(GongClient):
    """The shared client, remembering the last Gong error so the exit status can name its cause."""

    failure: GongError | None = None

    def request(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        try:
            return super().request(*args, **kwargs)
        except GongError as error:
            self.failure = error
            raise


# ---------------------------------------------------------------------------- commands
class _Command:
    def __init__(
        self,
        name: str,
        help_text: str,
        run: Callable[..., BaseModel],
        output: type[BaseModel],
        arguments: Callable[[argparse.Namespace], dict[str, Any]],
    ) -> None:
        self.name = name
        self.help_text = help_text
        self.run = run
        self.output = output
        self.arguments = arguments


def _add_new_call_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "client_unique_id": args.client_unique_id,
        "actual_start": args.actual_start,
        "direction": args.direction,
        "primary_user": args.primary_user,
        "parties": _json_list(args.parties, "parties"),
        "title": args.title,
        "purpose": args.purpose,
        "scheduled_start": args.scheduled_start,
        "scheduled_end": args.scheduled_end,
        "duration": args.duration,
        "disposition": args.disposition,
        "meeting_url": args.meeting_url,
        "call_provider_code": args.call_provider_code,
        "download_media_url": args.download_media_url,
        "workspace_id": args.workspace_id,
        "language_code": args.language_code,
    }


def _get_extensive_data_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "from_date_time": args.from_date_time,
        "to_date_time": args.to_date_time,
        "workspace_id": args.workspace_id,
        "call_ids": _id_list(args.call_ids),
        "primary_user_ids": _id_list(args.primary_user_ids),
        "max_results": args.max_results,
        "context": args.context,
        "context_timing": _id_list(args.context_timing),
        "include_parties": args.include_parties,
        "exposed_fields_content": _flags(args.exposed_fields_content, "exposed_fields_content"),
        "exposed_fields_interaction": _flags(args.exposed_fields_interaction, "exposed_fields_interaction"),
        "include_public_comments": args.include_public_comments,
        "include_media": args.include_media,
    }


def _list_calls_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {"from_date_time": args.from_date_time, "to_date_time": args.to_date_time, "cursor": args.cursor}


def _retrieve_transcripts_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "from_date_time": args.from_date_time,
        "to_date_time": args.to_date_time,
        "workspace_id": args.workspace_id,
        "call_ids": _id_list(args.call_ids),
    }


COMMANDS = (
    _Command(
        "add-new-call",
        "Add a call to Gong (POST /v2/calls).",
        actions.add_new_call,
        AddNewCallOutput,
        _add_new_call_arguments,
    ),
    _Command(
        "get-extensive-data",
        "Detailed calls (POST /v2/calls/extensive), every page up to --max-results.",
        actions.get_extensive_data,
        GetExtensiveDataOutput,
        _get_extensive_data_arguments,
    ),
    _Command(
        "list-calls",
        "One page of calls (GET /v2/calls); pass the printed cursor with --cursor for the next.",
        actions.list_calls,
        ListCallsOutput,
        _list_calls_arguments,
    ),
    _Command(
        "list-workspace-id-options",
        "The company's workspaces (GET /v2/workspaces).",
        actions.list_workspace_id_options,
        ListWorkspaceIdOptionsOutput,
        lambda args: {},
    ),
    _Command(
        "retrieve-transcripts-of-calls",
        "Call transcripts (POST /v2/calls/transcript), in batches of 100 call ids.",
        actions.retrieve_transcripts_of_calls,
        RetrieveTranscriptsOfCallsOutput,
        _retrieve_transcripts_arguments,
    ),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gong-actions",
        description="Run one Gong action and print its output JSON (exit 0 on success).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="ACTION")
    parsers = {c.name: sub.add_parser(c.name, help=c.help_text, description=c.help_text) for c in COMMANDS}
    for command in COMMANDS:
        parsers[command.name].set_defaults(command_spec=command)

    # Required parameters are not argparse-required: a missing one is reported in the output JSON.
    p = parsers["add-new-call"]
    p.add_argument("--client-unique-id", help="(required) the call's unique id in your system")
    p.add_argument("--actual-start", help="(required) ISO-8601, e.g. 2018-02-18T08:00:00Z")
    p.add_argument("--direction", help="(required) Inbound, Outbound, Conference or Unknown")
    p.add_argument("--primary-user", help="(required) Gong user id of the host")
    p.add_argument("--parties", help='(required) JSON list, e.g. \'[{"userId": "123", "name": "Ann"}]\'')
    p.add_argument("--title")
    p.add_argument("--purpose", help="free text, at most 255 characters")
    p.add_argument("--scheduled-start", help="ISO-8601")
    p.add_argument("--scheduled-end", help="ISO-8601")
    p.add_argument("--duration", help="seconds (integer)")
    p.add_argument("--disposition", help="free text, at most 255 characters")
    p.add_argument("--meeting-url")
    p.add_argument("--call-provider-code", help="zoom, clearslide, gotomeeting, ringcentral, ...")
    p.add_argument("--download-media-url")
    p.add_argument("--workspace-id")
    p.add_argument("--language-code", help="e.g. en-US")

    for name in ("get-extensive-data", "list-calls", "retrieve-transcripts-of-calls"):
        parsers[name].add_argument("--from-date-time", help="ISO-8601, inclusive")
        parsers[name].add_argument("--to-date-time", help="ISO-8601, exclusive")
    for name in ("get-extensive-data", "retrieve-transcripts-of-calls"):
        parsers[name].add_argument("--workspace-id")
        parsers[name].add_argument("--call-ids", action="append", help="comma-separated, or repeat the flag")

    p = parsers["get-extensive-data"]
    p.add_argument("--primary-user-ids", action="append", help="comma-separated, or repeat the flag")
    p.add_argument("--max-results", help="default 600")
    p.add_argument("--context", help="None (default), Basic or Extended")
    p.add_argument("--context-timing", action="append", help="Now and/or TimeOfCall (context Extended)")
    p.add_argument("--include-parties", action="store_true")
    p.add_argument(
        "--exposed-fields-content", help='JSON object {"brief": true, ...} or a list such as brief,topics'
    )
    p.add_argument(
        "--exposed-fields-interaction",
        help='JSON object {"speakers": true, ...} or a list such as speakers,questions',
    )
    p.add_argument("--include-public-comments", action="store_true")
    p.add_argument("--include-media", action="store_true")

    parsers["list-calls"].add_argument("--cursor", help="the cursor printed by the previous page")
    return parser


# ----------------------------------------------------------------------- flag parsing
def _id_list(values: list[str] | None) -> list[str] | None:
    """`--call-ids a,b --call-ids c` -> ["a", "b", "c"]; absent -> None."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _json_list(value: str | None, name: str) -> list[Any] | None:
    if value is None:
        return None
    parsed = _json(value, name)
    if isinstance(parsed, dict):
        return [parsed]
    if not isinstance(parsed, list):
        raise _BadFlag(f"{name}: expected a JSON list of objects")
    return parsed


def _flags(value: str | None, name: str) -> dict[str, Any] | None:
    """A JSON object, or `a,b` as shorthand for `{"a": true, "b": true}`."""
    if value is None:
        return None
    text = value.strip()
    if text.startswith("{"):
        parsed = _json(text, name)
        if not isinstance(parsed, dict):
            raise _BadFlag(f"{name}: expected a JSON object")
        return parsed
    return {item.strip(): True for item in text.split(",") if item.strip()}


def _json(value: str, name: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise _BadFlag(f"{name}: not valid JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise _BadFlag(f"{name}: JSON nested too deeply to read") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
