"""`gong-actions <action> [flags]`: run one action and print its output model as JSON.

The flags are the action's input-model fields with dashes, and their help is the fields'
descriptions (`gong_actions.models`); how a flag is written follows the field's JSON-schema
type: a boolean is a switch (`--include-parties`), a list of text is comma-separated or
repeated (`--call-ids a,b --call-ids c`), a list of objects is JSON
(`--parties '[{"name": "Ann"}]'`), an object is JSON or a list of the names that are true
(`--exposed-fields-content '{"brief": true}'` or `brief,topics`). Credentials come the dlt way:
SOURCES__GONG__ACCESS_KEY, SOURCES__GONG__ACCESS_KEY_SECRET and SOURCES__GONG__BASE_URL, or
.dlt/secrets.toml.

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
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gong_source.client import GongClient
from gong_source.config import GongConfig
from gong_source.errors import ExitCode, GongError, exit_code, redact, settings_file_error

from .actions import ACTIONS, Action

_BY_COMMAND = {action.name.replace("_", "-"): action for action in ACTIONS}


class _BadFlag(ValueError):
    """A flag value that cannot even be parsed (e.g. invalid JSON); names the parameter."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = vars(parser.parse_args(argv))
    except SystemExit as exc:  # --help, or an argparse usage error
        return exc.code if isinstance(exc.code, int) else 2
    action = _BY_COMMAND[args.pop("command")]
    try:
        parameters = {flag.name: flag.read(args[flag.name]) for flag in _flags(action) if flag.name in args}
    except _BadFlag as exc:
        return _emit(action.output(success=False, error=str(exc)), ExitCode.DATA)
    try:
        client = _RecordingClient(GongConfig.from_dlt())
    except Exception as exc:  # missing credentials, a bad setting, a broken .dlt/*.toml
        problem = settings_file_error(exc) or exc
        message = redact(str(problem), ()) or type(problem).__name__
        return _emit(action.output(success=False, error=message), exit_code(problem))
    with client:
        output = action(client, **parameters)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gong-actions",
        description="Run one Gong action and print its output JSON (exit 0 on success).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="ACTION")
    for command, action in _BY_COMMAND.items():
        # Only the flags given reach the action; a missing required one is reported in the output JSON.
        p = sub.add_parser(
            command, help=action.summary, description=action.summary, argument_default=argparse.SUPPRESS
        )
        for flag in _flags(action):
            p.add_argument(flag.option, dest=flag.name, action=flag.argparse_action, help=flag.help)
    return parser


# --------------------------------------------------------------------------- the flags
@dataclass(frozen=True)
class _Flag:
    """One input-model field as a command-line flag."""

    name: str
    kind: str  # the field's JSON-schema type, or "objects" for a list of objects
    help: str

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def argparse_action(self) -> str:
        return {"boolean": "store_true", "array": "append"}.get(self.kind, "store")

    def read(self, value: Any) -> Any:
        """The parameter's value from what argparse collected (pydantic converts text)."""
        reader = _READERS.get(self.kind)
        return reader(value, self.name) if reader else value


def _flags(action: Action[Any, Any]) -> list[_Flag]:
    schema = action.inputs.model_json_schema()
    required = set(schema.get("required", ()))
    return [_flag(name, _not_null(field), name in required) for name, field in schema["properties"].items()]


def _not_null(field: dict[str, Any]) -> dict[str, Any]:
    """`X | None` is X on the command line (a flag left out is None)."""
    options = [option for option in field.get("anyOf", ()) if option.get("type") != "null"]
    return {**field, **options[0]} if len(options) == 1 else field


def _flag(name: str, field: dict[str, Any], required: bool) -> _Flag:
    kind = field.get("type", "string")
    items = field.get("items", {})
    if kind == "array" and items.get("type") == "object":
        kind = "objects"
    choices = field.get("enum") or items.get("enum")
    notes = [
        "(required)" if required else "",
        field.get("description", ""),
        f"One of {', '.join(choices)}." if choices else "",
        _HOW.get(kind, ""),
        f"Default {field['default']}." if field.get("default") not in (None, False) else "",
    ]
    text = " ".join(note for note in notes if note).replace("%", "%%")  # argparse formats help with %
    return _Flag(name, kind, text)


_HOW = {
    "array": "Comma-separated, or repeat the flag.",
    "objects": "A JSON list of objects.",
    "object": 'A JSON object {"name": true, ...}, or the names that are true: a,b.',
}


def _comma_list(values: list[str], name: str) -> list[str]:
    """`--call-ids a,b --call-ids c` -> ["a", "b", "c"]."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _objects(value: str, name: str) -> list[Any]:
    parsed = _json(value, name)
    if isinstance(parsed, dict):
        return [parsed]
    if not isinstance(parsed, list):
        raise _BadFlag(f"{name}: expected a JSON list of objects")
    return parsed


def _true_names(value: str, name: str) -> dict[str, Any]:
    """A JSON object, or `a,b` as shorthand for `{"a": true, "b": true}`."""
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


_READERS: dict[str, Callable[[Any, str], Any]] = {
    "array": _comma_list,
    "objects": _objects,
    "object": _true_names,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
