-- Each version of each user (raw users keeps one row per change of manager, title ..., dlt scd2)
-- numbered from the oldest, for gong_user_version_at: weekly rollups take the version in force
-- at the end of the week, so a manager change does not rewrite past weeks.
select
  u.*,
  row_number() over (partition by u.user_id order by u.valid_from) as version_rank,
  count(*) over (partition by u.user_id) as version_count
from {{ ref('stg_gong__users') }} as u
