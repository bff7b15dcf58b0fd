"""Bad input: strange data loads typed as documented; bad settings fail in one line, write nothing."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import dlt
import duckdb
import httpx
import pytest

from gong_actions.cli import main as actions_main
from gong_source import GongClient, GongConfig, RateLimiter, gong_source
from gong_source.errors import ExitCode
from pipelines.cli import main
from pipelines.runner import make_pipeline
from tests.support import emulator
from tests.warehouse import warehouse

LONG_TEXT = "word " * 30_000
SCRIPTS = ["日本語の文章です。", "مرحبا بالعالم", "Привет, мир", "שלום עולם", "🙂 emoji ok"]
EPOCH = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

# One call per timestamp format the normalizer accepts, all meaning EPOCH.
STARTED_FORMATS = [
    "2024-03-01T12:00:00Z",
    "2024-03-01T04:00:00-08:00",
    "2024-03-01T17:30:00.000000+05:30",
    "2024-03-01T12:00:00.000000000+00:00",
    1709294400,
    "1709294400",
    1709294400000,
    1709294400.0,
]


def _weird_calls() -> list[dict]:
    calls = []
    for index, started in enumerate(STARTED_FORMATS):
        calls.append(
            {
                "id": 9_000_000_000_000_000_000 + index,  # a number where Gong promises a string
                "started": started,
                "scheduled": None,
                "duration": "125" if index % 2 else 125.6,
                "isPrivate": False,
                "title": None,
                "someFieldGongAddedLater": {"nested": [1, 2, 3]},
            }
        )
    return calls


def _weird_extensive(call_id: str, index: int) -> dict:
    item: dict = {"metaData": {"id": call_id, "started": STARTED_FORMATS[index]}, "newTopLevelSection": 1}
    if index == 0:
        return item  # every optional section missing
    item["parties"] = [
        {"id": f"p{index}", "speakerId": None, "emailAddress": None, "name": SCRIPTS[index % len(SCRIPTS)]},
        {
            "id": f"q{index}",
            "speakerId": f"s{index}",
            "emailAddress": "Who@Example.COM",
            "methods": ["Attendee"],
        },
    ]
    item["context"] = [
        {
            "system": "Salesforce",
            "objects": [
                {
                    "objectType": "Account",
                    "objectId": 12345,
                    "fields": [
                        {"name": "Amount", "value": 10},
                        {"name": "Amount2", "value": 10.5},
                        {"name": "Flag", "value": True},
                        {"name": "Text", "value": "text"},
                        {"name": "Nothing", "value": None},
                        {"name": "Obj", "value": {"a": 1}},
                    ],
                }
            ],
        }
    ]
    item["content"] = {"topics": None, "trackers": [{"name": "T", "count": None, "occurrences": None}]}
    item["interaction"] = {"speakers": [{"id": f"q{index}", "talkTime": None}], "questions": None}
    item["collaboration"] = {}
    return item


def _weird_transcript(call_id: str, index: int) -> dict:
    if index == 1:
        return {"callId": call_id, "transcript": []}
    return {
        "callId": call_id,
        "transcript": [
            {
                "speakerId": None,
                "topic": None,
                "sentences": [{"start": 0, "end": 900, "text": SCRIPTS[index % 5]}],
            },
            {
                "speakerId": f"s{index}",
                "topic": "",
                "sentences": [{"start": 900, "end": 99_000, "text": LONG_TEXT}],
            },
        ],
    }


def _weird_gong(request: httpx.Request) -> httpx.Response:
    calls = _weird_calls()
    ids = {str(c["id"]): i for i, c in enumerate(calls)}
    if request.url.path == "/v2/calls":
        return httpx.Response(200, json={"records": {"totalRecords": len(calls)}, "calls": calls})
    body = json.loads(request.content or b"{}")
    wanted = body.get("filter", {}).get("callIds") or list(ids)
    if request.url.path == "/v2/calls/extensive":
        # The listing is the extensive answer: its metaData is the call's whole metadata.
        found = [_weird_extensive(c, ids[c]) for c in wanted]
        for item in found:
            item["metaData"] = {**calls[ids[item["metaData"]["id"]]], **item["metaData"]}
        return httpx.Response(200, json={"records": {}, "calls": found})
    if request.url.path == "/v2/calls/transcript":
        return httpx.Response(
            200, json={"records": {}, "callTranscripts": [_weird_transcript(c, ids[c]) for c in wanted]}
        )
    if request.url.path == "/v2/users":
        user = {
            "id": 1,
            "created": 1709294400,
            "active": "true",
            "spokenLanguages": [{"language": "ja-JP"}, "en"],
        }
        return httpx.Response(200, json={"records": {}, "users": [user]})
    return httpx.Response(200, json={"workspaces": [{"id": "1", "name": None}]})


def test_strange_but_legal_data_all_loads_typed(tmp_path):
    config = GongConfig(access_key="k", access_key_secret="s", base_url="https://api.gong.io")
    client = GongClient(config, limiter=RateLimiter(1000), transport=httpx.MockTransport(_weird_gong))
    pipeline = dlt.pipeline(
        "weird",
        destination=dlt.destinations.duckdb(str(tmp_path / "w.duckdb")),
        dataset_name="gong",
        pipelines_dir=str(tmp_path),
    )
    pipeline.run(
        gong_source(start_date="2024-02-01", until="2024-04-01", client=client)
    ).raise_on_failed_jobs()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        started = con.execute("select call_id, started_at from gong.calls order by call_id").fetchall()
        assert [s for _, s in started] == [EPOCH] * len(STARTED_FORMATS)
        assert started[0][0] == "9000000000000000000"
        durations = {r[0] for r in con.execute("select duration_seconds from gong.calls").fetchall()}
        assert durations == {125, 126}  # "125" as text and 125.6 as a float, both as whole seconds
        texts = {r[0] for r in con.execute("select text from gong.transcript_sentences").fetchall()}
        assert LONG_TEXT in texts and set(SCRIPTS) & texts
        assert (
            con.execute("select count(*) from gong.transcript_sentences where speaker_id is null").fetchone()[
                0
            ]
            > 0
        )
        assert (
            con.execute("select count(*) from gong.transcript_sentences where topic is not null").fetchone()[
                0
            ]
            == 0
        )
        values = dict(
            con.execute(
                "select field_name, field_value from gong.crm_fields where call_id = '9000000000000000002'"
            ).fetchall()
        )
        assert values == {
            "Amount": "10",
            "Amount2": "10.5",
            "Flag": "true",
            "Text": "text",
            "Nothing": None,
            "Obj": '{"a":1}',  # compact JSON, not a Python repr
        }
        assert con.execute(
            "select email_domain from gong.parties where email_domain is not null limit 1"
        ).fetchone() == ("example.com",)
        assert con.execute("select created_at, active, spoken_languages from gong.users").fetchone() == (
            EPOCH,
            True,
            "ja-JP,en",
        )
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'gong' and "
            "(column_name like '%\\_\\_v\\_%' escape '\\' "
            "or column_name like 'some%' or column_name like 'new%')"
        ).fetchall()
        assert columns == []  # no dlt variant columns, no unknown fields leaking in


def _run_cli(monkeypatch, capsys, env: dict[str, str], *args: str) -> tuple[int, str]:
    for name in (
        "SOURCES__GONG__ACCESS_KEY",
        "SOURCES__GONG__ACCESS_KEY_SECRET",
        "SOURCES__GONG__BEARER_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.err.strip()


KEY = {"SOURCES__GONG__ACCESS_KEY": "key"}
SECRET = {"SOURCES__GONG__ACCESS_KEY_SECRET": "secret-xyz"}
HOST = {"SOURCES__GONG__BASE_URL": "https://us-1.api.gong.io"}


@pytest.mark.parametrize(
    ("env", "args", "names"),
    [
        ({**SECRET, **HOST}, [], "SOURCES__GONG__ACCESS_KEY "),
        ({**KEY, **HOST}, [], "SOURCES__GONG__ACCESS_KEY_SECRET"),
        (
            {**KEY, **SECRET, "SOURCES__GONG__BASE_URL": "https://gong.example.com"},
            [],
            "SOURCES__GONG__BASE_URL",
        ),
        ({**KEY, **SECRET, "SOURCES__GONG__BASE_URL": "http://203.0.113.9"}, [], "plain http"),
        (
            {**KEY, "SOURCES__GONG__BASE_URL": "https://key:secret-xyz@us-1.api.gong.io"},
            [],
            "put the key in SOURCES__GONG__ACCESS_KEY and the secret in SOURCES__GONG__ACCESS_KEY_SECRET",
        ),
        ({**KEY, **SECRET, **HOST}, ["--start-date", "2999-01-01"], "in the future"),
        ({**KEY, **SECRET, **HOST}, ["--start-date", "last tuesday"], "start date"),
        ({**KEY, **SECRET, **HOST}, ["--resources", "calls,recordings"], "unknown resource(s) recordings"),
    ],
)
def test_bad_settings_fail_in_one_line_and_write_nothing(monkeypatch, capsys, tmp_path, env, args, names):
    duckdb_path = tmp_path / "w.duckdb"
    cli_args = ["run", "--duckdb", str(duckdb_path), "--pipelines-dir", str(tmp_path / "p"), *args]
    code, err = _run_cli(monkeypatch, capsys, env, *cli_args)
    assert code != 0
    assert err.count("\n") == 0 and names in err + " ", err
    assert "secret-xyz" not in err
    assert not duckdb_path.exists() and not (tmp_path / "p").exists()


def test_wrong_secret_is_one_line_naming_the_key_and_loads_nothing(monkeypatch, capsys, tmp_path):
    with emulator() as emu:
        env = {
            "SOURCES__GONG__ACCESS_KEY": emu.access_key,
            "SOURCES__GONG__ACCESS_KEY_SECRET": "definitely-wrong-secret",
            "SOURCES__GONG__BASE_URL": emu.base_url,
        }
        code, err = _run_cli(
            monkeypatch,
            capsys,
            env,
            "run",
            "--duckdb",
            str(tmp_path / "w.duckdb"),
            "--pipelines-dir",
            str(tmp_path / "p"),
            "--skip-dbt",
        )
    assert code == ExitCode.NOPERM and "HTTP 401" in err and "SOURCES__GONG__ACCESS_KEY" in err
    assert err.count("\n") == 0 and "definitely-wrong-secret" not in err
    assert not (tmp_path / "w.duckdb").exists()  # the run created it, loaded nothing, removed it


def test_unreachable_destination_is_one_line_naming_the_setting(monkeypatch, capsys, tmp_path):
    env = {
        "SOURCES__GONG__ACCESS_KEY": "k",
        "SOURCES__GONG__ACCESS_KEY_SECRET": "s",
        "SOURCES__GONG__BASE_URL": "http://127.0.0.1:9",
        "DESTINATION__POSTGRES__CREDENTIALS": "postgresql://loader:pw-not-shown@127.0.0.1:1/test",
    }
    code, err = _run_cli(
        monkeypatch, capsys, env, "run", "--destination", "postgres", "--pipelines-dir", str(tmp_path / "p")
    )
    assert code == ExitCode.UNAVAILABLE and err.count("\n") == 0
    assert "destination postgres is unreachable" in err and "DESTINATION__POSTGRES__CREDENTIALS" in err
    assert "pw-not-shown" not in err


def test_secrets_file_is_git_ignored():
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "check-ignore", "-q", ".dlt/secrets.toml"], cwd=repo, check=False)
    assert result.returncode == 0


# Gong's answers as raw bytes, with text no destination stores as sent: JSON-escaped NUL, lone
# surrogate escapes, and a Latin-1 byte where UTF-8 belongs (orjson refuses the last two).
STARTED = rb'"started": "2024-03-01T12:00:00Z"'
UNSTORABLE = {
    "/v2/calls": rb'{"records": {}, "calls": [{"id": "7001", ' + STARTED + rb', "title": "Q1\u0000review"}]}',
    "/v2/calls/extensive": rb'{"records": {}, "calls": [{"metaData": {"id": "7001", '
    + STARTED
    + rb', "title": "Q1\u0000review"},'
    b' "parties": [{"id": "p1", "speakerId": "s1", "name": "Ann\\u0000Lee", "title": "Caf\xe9"}],'
    rb' "content": {"keyPoints": [{"text": "ok\u0000"}]},'
    rb' "context": [{"system": "Salesforce", "objects": [{"objectType": "Account", "objectId": "A1",'
    rb' "fields": [{"name": "Note", "value": "a\u0000b"}]}]}],'
    rb' "collaboration": {"publicComments": [{"id": "c1", "comment": "see\u0000this"}]}}]}',
    "/v2/calls/transcript": rb'{"records": {}, "callTranscripts": [{"callId": "7001", "transcript": ['
    rb'{"speakerId": "s1", "topic": null, "sentences": [{"start": 0, "end": 900,'
    rb' "text": "hello\u0000world"}, {"start": 900, "end": 990, "text": "\ud83d\ude00 \ud83d!"}]}]}]}',
    "/v2/users": rb'{"records": {}, "users": [{"id": "u1", "firstName": "Bo\u0000",'
    rb' "lastName": "Lee\udc00"}]}',
    "/v2/workspaces": rb'{"workspaces": [{"id": "w1", "name": "Main\u0000"}]}',
}
STORED_AS = {  # (table, column): the texts each destination must hold, sorted
    ("calls", "title"): ["Q1\ufffdreview"],
    ("parties", "name"): ["Ann\ufffdLee"],
    ("parties", "title"): ["Caf\ufffd"],
    ("call_key_points", "text"): ["ok\ufffd"],
    ("crm_fields", "field_value"): ["a\ufffdb"],
    ("call_comments", "comment"): ["see\ufffdthis"],
    ("transcript_sentences", "text"): ["hello\ufffdworld", "\U0001f600 \ufffd!"],
    ("users", "first_name"): ["Bo\ufffd"],
    ("users", "last_name"): ["Lee\ufffd"],
    ("workspaces", "name"): ["Main\ufffd"],
}


def _serving(bodies: dict[str, bytes]) -> GongClient:
    def gong(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json;charset=UTF-8"}
        return httpx.Response(200, content=bodies[request.url.path], headers=headers)

    config = GongConfig(access_key="k", access_key_secret="s", base_url="https://api.gong.io", max_attempts=2)
    return GongClient(
        config, limiter=RateLimiter(1000), sleep=lambda seconds: None, transport=httpx.MockTransport(gong)
    )


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_text_no_destination_could_store_loads_with_replacement_characters(kind, tmp_path, monkeypatch):
    with warehouse(kind, tmp_path, monkeypatch) as target, _serving(UNSTORABLE) as client:
        pipeline = make_pipeline(target.options())
        pipeline.run(
            gong_source(start_date="2024-02-01", until="2024-04-01", client=client)
        ).raise_on_failed_jobs()
        for (table, column), expected in STORED_AS.items():
            stored = sorted(value for (value,) in target.query(f"select {column} from {{ds}}.{table}"))
            assert stored == expected, (table, column)


@pytest.mark.parametrize(
    ("flag", "action", "deep"),
    [
        ("--parties", "add-new-call", "[" * 100_000 + "]" * 100_000),
        ("--exposed-fields-content", "get-extensive-data", '{"a":' * 100_000 + "1" + "}" * 100_000),
    ],
)
def test_actions_cli_on_deeply_nested_json_prints_a_one_line_failure(capsys, flag, action, deep):
    assert actions_main([action, flag, deep]) == 65  # ExitCode.DATA: the input itself is malformed
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    output = json.loads(out)
    name = flag.removeprefix("--").replace("-", "_")
    assert output["success"] is False and output["error"] == f"{name}: JSON nested too deeply to read"
