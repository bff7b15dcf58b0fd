"""Record shaping: odd, partial and hostile input lands typed (real responses: test_recorded_end_to_end)."""

import json
import logging
import re

import httpx
import pyarrow as pa

from gong_emulator import Company, CompanySpec
from gong_source import GongClient, GongConfig, RateLimiter, endpoints, records, tables
from gong_source.client import decode_json
from tests.fixtures import GONG_API_MD

TRANSCRIPT_FIXTURE = GONG_API_MD / "POST_v2_calls_transcript.200.json"


def _arrow(table: tables.Table, rows) -> pa.Table:
    return table.to_arrow(rows)


def test_absent_sections_null_values_and_unknown_fields_still_load():
    sparse = {
        "metaData": {"id": 123, "started": None, "brandNewField": {"x": 1}},
        "content": None,
        "parties": [{"id": "p1", "speakerId": None, "emailAddress": None, "methods": None, "context": "?"}],
        "interaction": {
            "speakers": [{"id": "p1", "talkTime": "12.5"}],
            "interactionStats": [{"name": "Patience", "value": "n/a"}],
        },
    }
    rows = records.extensive_rows(sparse)
    assert rows["call_details"][0]["call_id"] == "123" and rows["call_details"][0]["started_at"] is None
    assert rows["parties"][0]["email_domain"] is None and rows["parties"][0]["methods"] is None
    assert rows["call_speakers"][0]["talk_time_seconds"] == 12.5
    assert rows["call_interaction_stats"][0]["stat_value"] is None
    for table in (*tables.CALL_DETAIL_TABLES, tables.PARTIES, tables.CALL_SPEAKERS):
        _arrow(table, rows.get(table.name, []))


def test_transcript_columns_keep_nulls_unicode_and_order():
    columns = records.transcript_columns(
        [
            {
                "callId": "7022652889306584427",
                "transcript": [
                    {
                        "speakerId": "656861958384341821",
                        "topic": None,
                        "sentences": [{"start": 160, "end": 740, "text": "chapter I."}],
                    },
                    {
                        "speakerId": None,
                        "topic": "",
                        "sentences": [
                            {"start": 17500, "end": 19740, "text": "日本語の文です。"},
                            {"start": "19740", "end": 22480.0, "text": "x" * 20000},
                        ],
                    },
                ],
            },
            {"callId": "1", "transcript": []},
        ]
    )
    arrow = tables.TRANSCRIPT_SENTENCES.from_columns(columns)
    assert arrow.column("segment_index").to_pylist() == [0, 1, 1]
    assert arrow.column("sentence_index").to_pylist() == [0, 0, 1]
    assert arrow.column("speaker_id").to_pylist() == ["656861958384341821", None, None]
    assert arrow.column("topic").to_pylist() == [None, None, None]
    assert arrow.column("start_ms").to_pylist() == [160, 17500, 19740]
    assert (
        arrow.column("text").to_pylist()[1] == "日本語の文です。"
        and len(arrow.column("text")[2].as_py()) == 20000
    )


def test_deletion_markers_fill_keys_and_flag_the_row():
    markers = tables.PARTIES.deletion_markers(["42"]).to_pylist()
    assert markers == [
        {**dict.fromkeys(tables.PARTIES.column_names), "call_id": "42", "party_id": "", "_deleted": True}
    ]


# A CRM object as Gong sends it, with number literals whose text a float would not keep.
CRM_VALUES = b"""{"records": {}, "calls": [{"metaData": {"id": "77"}, "context": [{"system": "Salesforce",
  "objects": [{"objectType": "Opportunity", "objectId": "0061", "fields": [
    {"name": "Zero", "value": 0.0}, {"name": "Amount", "value": 50000}, {"name": "Exp", "value": 1e3},
    {"name": "Cents", "value": 4166.670}, {"name": "Neg", "value": -0.5}, {"name": "Big", "value": 1E400},
    {"name": "Id", "value": 12345678901234567890}, {"name": "Text", "value": "232"},
    {"name": "Flag", "value": true}, {"name": "None", "value": null}]}]}]}]}"""


def _fetch_extensive(body: bytes, **options) -> list[dict]:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    config = GongConfig(access_key="k", access_key_secret="s", base_url="https://api.gong.io")
    with GongClient(config, limiter=RateLimiter(1000), transport=transport) as client:
        return client.fetch_all("POST", "/v2/calls/extensive", json={}, items_key="calls", **options)


def test_crm_numbers_keep_the_text_gong_sent():
    (call,) = _fetch_extensive(CRM_VALUES, keep_number_text=True)
    fields = {f["field_name"]: f for f in records.extensive_rows(call)["crm_fields"]}
    # Expected: the literal text of each value in the body, and its double when it is finite.
    sent = json.loads(CRM_VALUES, parse_float=str, parse_int=str, parse_constant=str)["calls"][0]
    literal = {f["name"]: f["value"] for f in sent["context"][0]["objects"][0]["fields"]}
    assert {name: f["field_value"] for name, f in fields.items()} == {
        **literal,
        "Flag": "true",  # booleans and null keep their rules
        "None": None,
    }
    assert [fields[name]["field_value"] for name in ("Zero", "Exp", "Cents")] == ["0.0", "1e3", "4166.670"]
    for name in ("Zero", "Amount", "Exp", "Cents", "Neg", "Text"):
        assert fields[name]["field_value_number"] == float(literal[name])
    assert fields["Big"]["field_value_number"] is None  # 1E400 is not a finite double
    tables.CRM_FIELDS.to_arrow(fields.values())


def test_speakers_without_an_id_are_left_out_and_counted(caplog):
    call = {
        "metaData": {"id": "5599332235511222779"},
        "interaction": {
            "speakers": [
                {"id": "p1", "userId": "u1", "talkTime": 30},
                {"userId": "u2", "talkTime": 12},
                {"id": None, "talkTime": 5},
                {"id": "p3", "talkTime": 7.5},
            ]
        },
    }
    report = records.ShapingReport()
    with caplog.at_level(logging.WARNING, logger="gong_source.records"):
        rows = records.extensive_rows(call, report)["call_speakers"]
    assert [(r["party_id"], r["talk_time_seconds"]) for r in rows] == [("p1", 30.0), ("p3", 7.5)]
    assert report.skipped_speakers == 2 and report.counts() == {"skipped_speakers": 2}
    (warning,) = caplog.records
    message = warning.getMessage()
    assert "call 5599332235511222779" in message and "2 interaction.speakers" in message


UNSAFE = "\x00\ud800"  # NUL (Postgres rejects it) and a lone surrogate (not Unicode at all)
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT")


def _poisoned(value):
    """`value` with UNSAFE appended to every string except timestamps (those must still parse)."""
    if isinstance(value, dict):
        return {key: _poisoned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_poisoned(item) for item in value]
    if isinstance(value, str) and not ISO_INSTANT.match(value):
        return value + UNSAFE
    return value


def _shaped(company: Company, report: records.ShapingReport, poison) -> dict[str, pa.Table]:
    """A rich call, its transcript, every user and workspace, shaped into every table."""
    call = next(c for c in company.calls() if c.plan.crm and c.extensive()["collaboration"])
    extensive = poison(call.extensive())
    shaped = records.extensive_rows(extensive, report)
    detail_tables = (*tables.CALL_DETAIL_TABLES, tables.PARTIES, tables.CALL_SPEAKERS)
    arrows = {t.name: t.to_arrow(shaped.get(t.name, [])) for t in detail_tables}
    arrows["calls"] = tables.CALLS.to_arrow([records.call_row(extensive["metaData"], report)])
    columns = records.transcript_columns([poison(call.transcript())], report)
    arrows["transcript_sentences"] = tables.TRANSCRIPT_SENTENCES.from_columns(columns)
    arrows["users"] = tables.USERS.to_arrow(records.user_row(poison(u), report) for u in company.users)
    arrows["workspaces"] = tables.WORKSPACES.to_arrow(
        records.workspace_row(poison(w), report) for w in company.workspaces
    )
    from gong_source import endpoints

    for endpoint, items in (
        (endpoints.TRACKER_SETTINGS, company.tracker_settings),
        (endpoints.SCORECARD_SETTINGS, company.scorecards),
        (endpoints.ANSWERED_SCORECARDS, company.answered_scorecards()),
    ):
        arrows.update(endpoint.shape([poison(item) for item in items], report))
    return arrows


def _text_values(arrows: dict[str, pa.Table]) -> dict[tuple[str, str], list[str]]:
    return {
        (name, field.name): [v for v in table.column(field.name).to_pylist() if v is not None]
        for name, table in arrows.items()
        for field in table.schema
        if field.type == pa.string() and field.name != tables.ROW_HASH_COLUMN  # a hash, not Gong's text
    }


def test_nul_and_lone_surrogates_are_replaced_in_every_text_column():
    company = Company(CompanySpec(seed=5, n_calls=20, sentences_per_call=8))
    clean = _text_values(_shaped(company, records.ShapingReport(), lambda value: value))
    report = records.ShapingReport()
    # Arrow refuses a lone surrogate outright, so building every table is already part of the test.
    got = _text_values(_shaped(company, report, _poisoned))
    assert got.keys() == clean.keys()
    mark = records.REPLACEMENT_CHARACTER
    assert all(mark not in v for values in clean.values() for v in values)
    for column, values in got.items():
        assert not any("\x00" in v or re.search("[\ud800-\udfff]", v) for v in values), column
    # Every text column that had text now has the mark where the bad characters were, counted.
    assert {column for column, values in got.items() if any(mark in v for v in values)} == {
        column for column, values in clean.items() if values
    }
    assert report.replaced_characters == sum(v.count(mark) for values in got.values() for v in values)
    texts = clean[("transcript_sentences", "text")]
    assert got[("transcript_sentences", "text")] == [v + mark * len(UNSAFE) for v in texts] and texts


def test_a_text_field_that_turns_into_an_object_or_list_stores_compact_json():
    body = (
        b'{"records": {}, "calls": [{"metaData": {"id": "9", "customData": ["a", 2, 2.50, {"k": null}]},'
        b' "content": {"keyPoints": [{"text": {"en": "Hi", "n": 1e3, "ok": true}}]},'
        b' "context": [{"system": "HubSpot", "objects": [{"objectType": "Deal", "objectId": "1",'
        b' "fields": [{"name": "Owner", "value": {"id": 7, "name": "Ann"}}, {"name": "Flag", "value": false},'
        b' {"name": "N", "value": 5}]}]}]}]}'
    )
    (call,) = _fetch_extensive(body, keep_number_text=True)
    rows = records.extensive_rows(call)
    custom_data = records.call_row(call["metaData"])["custom_data"]
    key_point = rows["call_key_points"][0]["text"]
    values = {f["field_name"]: f["field_value"] for f in rows["crm_fields"]}
    assert custom_data == '["a",2,2.50,{"k":null}]'  # compact, numbers as sent
    assert key_point == '{"en":"Hi","n":1e3,"ok":true}'
    assert values == {"Owner": '{"id":7,"name":"Ann"}', "Flag": "false", "N": "5"}
    sent = json.loads(body)["calls"][0]  # each parses back to what Gong sent
    assert json.loads(custom_data) == sent["metaData"]["customData"]
    assert json.loads(key_point) == sent["content"]["keyPoints"][0]["text"]
    assert json.loads(values["Owner"]) == sent["context"][0]["objects"][0]["fields"][0]["value"]
    # An object holding a lone surrogate (orjson refuses it) still becomes JSON, made safe.
    odd = {"metaData": {"id": "9"}, "content": {"keyPoints": [{"text": {"s": "\ud800"}}]}}
    assert records.extensive_rows(odd)["call_key_points"][0]["text"] == '{"s":"\ufffd"}'


# -- transcripts straight to Arrow: the same table as decode_json + transcript_columns ----------
def _page(*transcripts) -> bytes:
    body = {"requestId": "r1", "records": {"totalRecords": len(transcripts)}, "callTranscripts": transcripts}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _read_both_ways(content: bytes) -> tuple[bool, pa.Table, pa.Table, dict, dict]:
    """(read straight into Arrow?, that table, the decode_json + transcript_columns table, both reports)."""
    fast_report, slow_report = records.ShapingReport(), records.ShapingReport()
    fast, _ = records.decode_transcript_page(content)
    slow, _ = decode_json(content)
    asked = {records.text(t.get("callId")) for t in slow["callTranscripts"]}  # every call on the page
    kept = records.transcripts_with_sentences(fast["callTranscripts"], asked).values()
    got = endpoints.shape_transcripts(list(kept), fast_report)["transcript_sentences"]
    expected = tables.TRANSCRIPT_SENTENCES.from_columns(
        records.transcript_columns(
            records.transcripts_with_sentences(slow["callTranscripts"], asked).values(), slow_report
        )
    )
    assert fast["records"]["totalRecords"] == slow["records"]["totalRecords"]
    straight = all(isinstance(t, records.ParsedTranscript) for t in fast["callTranscripts"])
    return straight, got, expected, fast_report.counts(), slow_report.counts()


def test_transcript_pages_read_into_arrow_equal_the_shaped_rows():
    company = Company(CompanySpec(seed=8, n_calls=6, sentences_per_call=40))
    emulated = [call.transcript() for call in company.calls()]
    recorded = json.loads(TRANSCRIPT_FIXTURE.read_text(encoding="utf-8"))["body"]["callTranscripts"]
    odd = [
        {"callId": "1", "transcript": []},  # not transcribed yet: no rows, asked again later
        {"callId": "2"},  # no transcript at all
        {"callId": "3", "transcript": [None, {"sentences": [{"text": "no speaker, no times"}]}]},
        {"callId": "4", "transcript": [{"speakerId": "", "topic": "", "extra": 1, "sentences": [{}]}]},
        {"callId": "5", "transcript": [{"topic": "Pricing", "sentences": None}, {"sentences": []}]},
    ]
    for transcripts in (emulated, recorded, odd, []):
        straight, got, expected, fast_counts, slow_counts = _read_both_ways(_page(*transcripts))
        assert straight  # no Python object per sentence
        assert got.equals(expected) and got.num_rows == expected.num_rows
        assert fast_counts == slow_counts == {}
    assert _read_both_ways(_page(*emulated))[1].num_rows == 6 * 40


def test_transcript_pages_arrow_cannot_read_exactly_are_shaped_as_before():
    sentence = {"start": 1, "end": 2, "text": "fine"}
    cases = [
        [{"callId": "1", "transcript": [{"sentences": [{**sentence, "text": "a\x00b"}]}]}],  # NUL
        [{"callId": "1", "transcript": [{"speakerId": "7\x00", "sentences": [sentence]}]}],
        [{"callId": 12, "transcript": [{"sentences": [sentence]}]}],  # a number for an id
        [{"callId": "1", "transcript": [{"sentences": [{"start": "19740", "end": 2.0, "text": 5}]}]}],
        [{"callId": "1", "transcript": [{"sentences": [sentence, None, 3]}]}],  # not objects
        [{"callId": "1", "transcript": [{"sentences": [sentence]}]}] * 2,  # one call twice
    ]
    for transcripts in cases:
        straight, got, expected, fast_counts, slow_counts = _read_both_ways(_page(*transcripts))
        assert not straight
        assert got.equals(expected) and got.num_rows == 1 and fast_counts == slow_counts
    lone_surrogate = _page(*cases[0]).replace(b"\\u0000", b"\\ud800")
    latin1 = _page(*cases[0]).replace(b"\\u0000", "é".encode("latin-1"))
    for content in (lone_surrogate, latin1):
        straight, got, expected, fast_counts, slow_counts = _read_both_ways(content)
        assert not straight and got.equals(expected)
        assert got.column("text").to_pylist() == ["a\ufffdb"]
    assert _read_both_ways(_page(*cases[0]))[3] == {"replaced_characters": 1}


def _recorded_body(name: str) -> dict:
    from tests.fixtures import RECORDED

    return json.loads((RECORDED / name).read_text())["body"]


def test_recorded_settings_shape_into_typed_definitions():
    from gong_source import endpoints

    report = records.ShapingReport()
    trackers = _recorded_body("GET_v2_settings_trackers.200.json")["keywordTrackers"]
    shaped = endpoints.TRACKER_SETTINGS.shape(trackers, report)
    assert shaped["trackers"].num_rows == len(trackers)
    assert shaped["tracker_keywords"].num_rows == sum(
        len(k["keywords"]) for t in trackers for k in t["languageKeywords"]
    )
    first = shaped["trackers"].to_pylist()[0]
    assert first["created_at"].isoformat() == "2023-10-17T19:21:31.816562+00:00"
    cards = _recorded_body("GET_v2_settings_scorecards.200.json")["scorecards"]
    shaped = endpoints.SCORECARD_SETTINGS.shape(cards, report)
    questions = shaped["scorecard_questions"].to_pylist()
    assert len(questions) == sum(len(c["questions"]) for c in cards)
    # ids and ranges are strings in real answers: ids stay text, ranges become numbers
    assert questions[0]["question_id"] == "9013292953945730400"
    assert (questions[0]["min_range"], questions[0]["max_range"]) == (1, 5)


def test_answered_scorecards_are_one_row_per_answer_and_day_stats_one_per_user_day():
    from gong_source import endpoints

    answered = {
        "answeredScorecardId": 7, "scorecardId": "1", "callId": "2", "reviewedUserId": "3",
        "reviewTime": "2025-03-02T10:00:00.5-08:00", "callStartTime": "2025-03-01T09:00:00-08:00",
        "answers": [
            {"questionId": "11", "score": 4, "isOverall": False, "notApplicable": False},
            {"questionId": "12", "score": None, "notApplicable": True, "selectedOptions": ["a", "b"]},
        ],
    }  # fmt: skip
    rows = endpoints.ANSWERED_SCORECARDS.shape([answered], records.ShapingReport())["scorecard_answers"]
    second = rows.to_pylist()[1]
    assert {k: second[k] for k in ("answered_scorecard_id", "question_id", "score", "selected_options")} == {
        "answered_scorecard_id": "7",
        "question_id": "12",
        "score": None,
        "selected_options": "a,b",
    }
    assert rows.num_rows == 2 and second["not_applicable"] is True
    assert rows.column("reviewed_at")[0].as_py().isoformat() == "2025-03-02T18:00:00.500000+00:00"
    day = {"fromDate": "2025-03-02T00:00:00-08:00", "callsAsHost": ["1", "2"], "callsAttended": ["3"]}
    activity = endpoints.USER_DAY_ACTIVITY.shape(
        [{"userId": "9", "userDailyActivityStats": [day]}], records.ShapingReport()
    )["user_day_activity"].to_pylist()
    assert activity[0]["day"] == "2025-03-02"
    assert (
        activity[0]["calls_as_host"],
        activity[0]["calls_attended"],
        activity[0]["calls_scorecards_filled"],
    ) == (
        2,
        1,
        0,
    )
    people = [
        {
            "userId": "9",
            "day": "2025-03-02",
            "personInteractionStats": [{"name": "Question Rate", "value": 1.5}],
        }
    ]
    stat = endpoints.USER_INTERACTION_STATS.shape(people, records.ShapingReport())[
        "user_day_interaction_stats"
    ]
    assert stat.to_pylist() == [
        {"user_id": "9", "day": "2025-03-02", "longest_monologue": None, "longest_customer_story": None,
         "interactivity": None, "patience": None, "question_rate": 1.5}
    ]  # fmt: skip
