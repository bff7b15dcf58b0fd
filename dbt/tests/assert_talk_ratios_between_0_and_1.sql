-- Talk ratios are shares: between 0 and 1 wherever they are defined.
select 'gong__call_talk_time' as model, call_id as row_key, talk_ratio as ratio
from {{ ref('gong__call_talk_time') }}
where talk_ratio < 0 or talk_ratio > 1 or gong_talk_ratio < 0 or gong_talk_ratio > 1

union all

select 'gong__rep_weekly_talk_time', user_id, avg_talk_ratio
from {{ ref('gong__rep_weekly_talk_time') }}
where avg_talk_ratio < 0 or avg_talk_ratio > 1 or avg_gong_talk_ratio < 0 or avg_gong_talk_ratio > 1

union all

select 'gong__accounts', account_id, avg_talk_ratio
from {{ ref('gong__accounts') }}
where avg_talk_ratio < 0 or avg_talk_ratio > 1

union all

select 'gong__call_speaker_talk_time', call_id, transcript_talk_share
from {{ ref('gong__call_speaker_talk_time') }}
where transcript_talk_share < 0 or transcript_talk_share > 1
