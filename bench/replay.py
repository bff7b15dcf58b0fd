"""A replay server: one tenant's Gong responses, recorded once from the emulator, served from memory.

The throughput and memory measures must measure the connector, not the emulator generating JSON
on the same two cores. So a child process records, once, every call's `GET /v2/calls` item, its
`POST /v2/calls/extensive` item (for each content selector the pipeline sends) and its transcript,
plus users and workspaces, as JSON bytes. It then answers any date-range or call-id filter, any
window split and any page cursor by joining recorded bytes: the only JSON it builds per request is
the small `records` object. Equal requests get equal bytes (`requestId` is a digest of the
request); anything not recorded gets Gong's empty-result 404. Credentials are not checked.

The server listens on loopback only, holds at most `MAX_CONNECTIONS` connections and bodies of at
most `MAX_BODY_BYTES`, and stops by itself: when its parent closes its stdin, after `idle_seconds`
without a request, or after `max_seconds` in all.

    python -m bench.replay --calls 3334 --sentences 300 --selectors '[{"contentSelector": {...}}]'
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import orjson

from gong_emulator.exchange import NO_CALLS
from gong_emulator.timefmt import ceil_ns_to_us, parse_instant_ns
from gong_source import settings

from .emulator import ACCESS_KEY, ACCESS_KEY_SECRET, ROOT, Tenant, in_process

READY = "replay ready "
STATS_PATH = "/_replay/stats"
MAX_CONNECTIONS = 32
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 413: b"Payload Too Large"}

Selector = dict[str, Any]  # a request body without its filter and cursor, e.g. {"contentSelector": ...}


def selector_of(body: dict[str, Any]) -> Selector:
    """What selects an extensive item's content: the body minus `filter` and `cursor`."""
    return {k: v for k, v in body.items() if k not in ("filter", "cursor")}


def selector_key(body: dict[str, Any]) -> str:
    """`selector_of(body)` as a canonical string, to key recorded items by."""
    return orjson.dumps(selector_of(body), option=orjson.OPT_SORT_KEYS).decode()


@dataclass
class RecordedCall:
    """One call's recorded items, as the emulator served them."""

    key: tuple[int, int]  # (started in microseconds, id): Gong's listing order
    call_id: str
    workspace_id: str | None
    primary_user_id: str | None
    metadata: bytes
    extensive: dict[str, bytes] = field(default_factory=dict)  # selector_key -> item
    transcript: bytes | None = None


@dataclass
class Recording:
    """Everything a pipeline run can ask about one tenant."""

    workspaces: bytes  # the body of GET /v2/workspaces without its requestId
    users: list[bytes]
    calls: list[RecordedCall]  # in key order
    sentences: int


def record(base_url: str, start: datetime, end: datetime, selectors: list[Selector]) -> Recording:
    """Read every call started in `[start, end)` from a running emulator, page by page."""
    window = {"fromDateTime": start.isoformat(), "toDateTime": end.isoformat()}
    with httpx.Client(base_url=base_url, auth=(ACCESS_KEY, ACCESS_KEY_SECRET), timeout=600) as http:

        def pages(method: str, path: str, items: str, body: dict[str, Any] | None = None) -> Iterator[Any]:
            cursor = None
            while True:
                if method == "GET":
                    sent = http.get(path, params={**(body or {}), **({"cursor": cursor} if cursor else {})})
                else:
                    sent = http.post(path, json={**(body or {}), **({"cursor": cursor} if cursor else {})})
                if sent.status_code == 404:
                    return
                sent.raise_for_status()
                payload = orjson.loads(sent.content)
                yield from payload[items]
                cursor = payload["records"].get("cursor")
                if not cursor:
                    return

        workspaces = orjson.loads(http.get(settings.WORKSPACES_PATH).raise_for_status().content)
        workspaces.pop("requestId", None)
        users = [orjson.dumps(user) for user in pages("GET", settings.USERS_PATH, "users")]
        calls: dict[str, RecordedCall] = {}
        for meta in pages("GET", settings.CALLS_PATH, "calls", window):
            started_us = ceil_ns_to_us(parse_instant_ns(meta["started"])[0])
            calls[meta["id"]] = RecordedCall(
                (started_us, int(meta["id"])),
                meta["id"],
                meta.get("workspaceId"),
                meta.get("primaryUserId"),
                orjson.dumps(meta),
            )
        for selector in selectors:
            key = selector_key(selector)
            extensive_body = {**selector, "filter": window}
            for item in pages("POST", settings.CALLS_EXTENSIVE_PATH, "calls", extensive_body):
                calls[item["metaData"]["id"]].extensive[key] = orjson.dumps(item)
        sentences = 0
        for item in pages("POST", settings.CALLS_TRANSCRIPT_PATH, "callTranscripts", {"filter": window}):
            calls[item["callId"]].transcript = orjson.dumps(item)
            sentences += sum(len(segment["sentences"]) for segment in item["transcript"])
    ordered = sorted(calls.values(), key=lambda call: call.key)
    return Recording(orjson.dumps(workspaces), users, ordered, sentences)


class BadRequest(Exception):
    """A request the replay cannot parse; `str()` is the 400 message."""


class Replay:
    """Answers Gong requests from a Recording; no I/O, so tests can call `answer` directly."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.keys = [call.key for call in recording.calls]
        self.by_id = {call.call_id: call for call in recording.calls}
        self.requests: Counter[str] = Counter()
        self.unrecorded = 0

    def answer(self, method: str, target: str, body: bytes) -> tuple[int, bytes]:
        """Status and body bytes for one request."""
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        if method == "GET" and path == STATS_PATH:
            return 200, self.stats()
        self.requests[f"{method} {path}"] += 1
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        request_id = hashlib.sha256(b"\n".join([method.encode(), target.encode(), body])).hexdigest()[:19]
        try:
            return self._route(method, path, query, body, request_id)
        except BadRequest as error:
            return 400, _error(request_id, str(error))

    def stats(self) -> bytes:
        """Requests served so far (by endpoint), unrecorded ones, and this process's CPU seconds."""
        return orjson.dumps(
            {
                "requests": sum(self.requests.values()),
                "by_endpoint": dict(self.requests),
                "unrecorded": self.unrecorded,
                "cpu_seconds": time.process_time(),
            }
        )

    def _route(
        self, method: str, path: str, query: dict[str, str], raw: bytes, request_id: str
    ) -> tuple[int, bytes]:
        if method == "GET" and path == settings.WORKSPACES_PATH:
            return 200, b'{"requestId":"%s",%s' % (request_id.encode(), self.recording.workspaces[1:])
        if method == "GET" and path == settings.USERS_PATH:
            return self._page(request_id, "users", self.recording.users, path, query)
        if method == "GET" and path == settings.CALLS_PATH:
            calls = self._select(query)
            return self._page(request_id, "calls", [c.metadata for c in calls], path, query)
        if method == "POST" and path in (settings.CALLS_EXTENSIVE_PATH, settings.CALLS_TRANSCRIPT_PATH):
            body = _json_object(raw)
            source = body.get("filter")
            if not isinstance(source, dict):
                raise BadRequest("filter: must not be null")
            calls = self._select(source)
            if path == settings.CALLS_TRANSCRIPT_PATH:
                items = [c.transcript for c in calls if c.transcript is not None]
                return self._page(request_id, "callTranscripts", items, path, body)
            key = selector_key(body)
            items = [c.extensive[key] for c in calls if key in c.extensive]
            if calls and not items:
                self.unrecorded += 1  # a content selector the recording never saw
            return self._page(request_id, "calls", items, path, body)
        self.unrecorded += 1
        return 404, _error(request_id, NO_CALLS)

    def _select(self, source: dict[str, Any]) -> list[RecordedCall]:
        """The recorded calls a Gong filter matches, in listing order (`toDateTime` exclusive)."""
        low = (_bound_us(source, "fromDateTime"), -1) if source.get("fromDateTime") is not None else None
        high = (_bound_us(source, "toDateTime"), -1) if source.get("toDateTime") is not None else None
        ids = source.get("callIds")
        if ids is None:
            lo = 0 if low is None else bisect.bisect_left(self.keys, low)
            hi = len(self.keys) if high is None else bisect.bisect_left(self.keys, high)
            calls = self.recording.calls[lo:hi]
        else:
            found = (self.by_id.get(str(call_id)) for call_id in ids)
            calls = sorted(
                (
                    c
                    for c in found
                    if c is not None and (low is None or c.key >= low) and (high is None or c.key < high)
                ),
                key=lambda c: c.key,
            )
        workspace, users = source.get("workspaceId"), source.get("primaryUserIds")
        if workspace is not None:
            calls = [c for c in calls if c.workspace_id == str(workspace)]
        if users is not None:
            wanted = {str(user) for user in users}
            calls = [c for c in calls if c.primary_user_id in wanted]
        return calls

    def _page(
        self, request_id: str, items_key: str, items: list[bytes], path: str, inputs: dict[str, Any]
    ) -> tuple[int, bytes]:
        """One page of 100 items with Gong's `records` object; 404 when nothing matches.

        The cursor names the page and is bound to every other input, as Gong's is.
        """
        bound_to = orjson.dumps(
            [path, {k: v for k, v in inputs.items() if k != "cursor"}], option=orjson.OPT_SORT_KEYS
        )
        digest = hashlib.sha256(bound_to).hexdigest()[:16]
        number = 0
        cursor = inputs.get("cursor")
        if cursor:
            prefix, _, page = str(cursor).partition(".")
            if prefix != digest or not page.isdigit():
                raise BadRequest("cursor does not match the request: all other inputs must stay the same")
            number = int(page)
        if not items:
            return 404, _error(request_id, NO_CALLS)
        first = number * settings.PAGE_SIZE
        page_items = items[first : first + settings.PAGE_SIZE]
        records: dict[str, Any] = {
            "totalRecords": len(items),
            "currentPageSize": len(page_items),
            "currentPageNumber": number,
        }
        if first + settings.PAGE_SIZE < len(items):
            records["cursor"] = f"{digest}.{number + 1}"
        return 200, b'{"requestId":"%s","records":%s,"%s":[%s]}' % (
            request_id.encode(),
            orjson.dumps(records),
            items_key.encode(),
            b",".join(page_items),
        )


def _bound_us(source: dict[str, Any], name: str) -> int:
    try:
        return ceil_ns_to_us(parse_instant_ns(source[name])[0])
    except ValueError:
        raise BadRequest(f"filter.{name}: '{source[name]}' is not a valid ISO-8601 date-time") from None


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("Bad request") from None
    if not isinstance(body, dict):
        raise BadRequest("Bad request")
    return body


def _error(request_id: str, message: str) -> bytes:
    return orjson.dumps({"requestId": request_id, "errors": [message]})


# -- the HTTP side -----------------------------------------------------------------------------------
class ReplayServer:
    """HTTP/1.1 with keep-alive on 127.0.0.1 in one asyncio loop; the module doc gives its bounds."""

    def __init__(self, replay: Replay, *, idle_seconds: float, max_seconds: float) -> None:
        self.replay = replay
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._open = 0
        self._last_request = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    async def serve(self, ready: Callable[[int], None]) -> None:
        """Listen, call `ready(port)`, and answer until a stop condition holds."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._loop.add_signal_handler(signal.SIGTERM, self._stop.set)
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0, limit=MAX_HEADER_BYTES)
        ready(server.sockets[0].getsockname()[1])
        watchdog = asyncio.create_task(self._watch(time.monotonic()))
        async with server:
            await self._stop.wait()
        watchdog.cancel()

    def stop(self) -> None:
        """Stop from any thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    async def _watch(self, started: float) -> None:
        assert self._stop is not None
        while True:
            await asyncio.sleep(1)
            now = time.monotonic()
            if now - self._last_request > self.idle_seconds or now - started > self.max_seconds:
                self._stop.set()
                return

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._open >= MAX_CONNECTIONS:
            writer.close()
            return
        self._open += 1
        try:
            while await self._exchange(reader, writer):
                pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass
        finally:
            self._open -= 1
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request, write its answer; False when the connection should close."""
        head = await reader.readuntil(b"\r\n\r\n")
        self._last_request = time.monotonic()
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ")
        headers = dict(
            (name.strip().lower(), value.strip()) for name, _, value in (h.partition(":") for h in lines)
        )
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES or "chunked" in headers.get("transfer-encoding", "").lower():
            status, payload = 413, _error("replay", "request body too large or chunked")
        else:
            body = await reader.readexactly(length) if length else b""
            status, payload = self.replay.answer(method, target, body)
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        writer.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: %d\r\n%s\r\n"
            % (
                status,
                _REASONS.get(status, b"OK"),
                len(payload),
                b"" if keep_alive else b"Connection: close\r\n",
            )
        )
        writer.write(payload)
        await writer.drain()
        return keep_alive and status != 413


# -- the child process and its handle ------------------------------------------------------------------
@dataclass(frozen=True)
class ReplayHandle:
    """A running replay server as the parent sees it."""

    base_url: str
    calls: int
    sentences: int
    record_seconds: float

    def stats(self) -> dict[str, Any]:
        """Requests served, unrecorded requests and the server's own CPU seconds so far."""
        return httpx.get(self.base_url + STATS_PATH, timeout=30).raise_for_status().json()


@contextmanager
def replay_server(
    tenant: Tenant, selectors: list[Selector], idle_seconds: float = 900
) -> Iterator[ReplayHandle]:
    """Record `tenant` in a child process and serve it until the block ends."""
    args = [
        sys.executable,
        "-m",
        "bench.replay",
        *("--calls", str(tenant.n_calls), "--sentences", str(tenant.sentences_per_call)),
        *("--days", str(tenant.days), "--seed", str(tenant.seed)),
        *("--selectors", json.dumps(selectors), "--idle-seconds", str(idle_seconds)),
    ]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"replay server did not start: {line!r}")
        yield ReplayHandle(**json.loads(line[len(READY) :]))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the server's signal to stop
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stop_when_parent_leaves(server: ReplayServer) -> None:
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    server.stop()


def main(argv: list[str] | None = None) -> int:
    """Child entry: record the tenant from an in-process emulator, then serve it."""
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__)
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--sentences", type=int, required=True)
    parser.add_argument("--days", type=float, default=Tenant.days)
    parser.add_argument("--seed", type=int, default=Tenant.seed)
    parser.add_argument("--selectors", default="[]", help="JSON list of extensive bodies minus filter")
    parser.add_argument("--idle-seconds", type=float, default=900)
    parser.add_argument("--max-seconds", type=float, default=4 * 3600)
    args = parser.parse_args(argv)
    tenant = Tenant(args.calls, args.sentences, args.days, args.seed)
    started = time.perf_counter()
    with in_process(tenant) as emulator:
        recording = record(emulator.base_url, tenant.start, tenant.end, json.loads(args.selectors))
    seconds = time.perf_counter() - started
    server = ReplayServer(Replay(recording), idle_seconds=args.idle_seconds, max_seconds=args.max_seconds)
    threading.Thread(target=_stop_when_parent_leaves, args=(server,), daemon=True).start()

    def ready(port: int) -> None:
        facts = {
            "base_url": f"http://127.0.0.1:{port}",
            "calls": len(recording.calls),
            "sentences": recording.sentences,
            "record_seconds": round(seconds, 2),
        }
        print(READY + json.dumps(facts), flush=True)

    asyncio.run(server.serve(ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
