-- The consumer sees every raw call in the package's marts, read through gong_database/gong_schema.
select c.call_id
from {{ source('gong', 'calls') }} as c
left join {{ ref('gong__call_talk_time') }} as t on t.call_id = c.call_id
where t.call_id is null
