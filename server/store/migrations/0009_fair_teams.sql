-- Fair teams (issue 14): booking limits per week and month beside the
-- daily one, per-member settings of a calendar (each member's limits per
-- day, week and month, counted over every calendar of the location; a
-- round-robin member's priority and weight) and a round-robin calendar's
-- distribution mode.
--
-- Repeatable (every step can run again, as BUILD.md's "Migrations under
-- concurrency" requires); servers of the previous release keep working on
-- this schema, since every new column has a default that means "none".

ALTER TABLE calendars
  ADD COLUMN IF NOT EXISTS max_bookings_per_week INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS max_bookings_per_month INT NOT NULL DEFAULT 0,
  -- "member:per_day:per_week:per_month:priority:weight,..."
  -- (server/store/sql_values.h); read and written whole with the calendar.
  ADD COLUMN IF NOT EXISTS team_member_settings TEXT CHARACTER SET ascii NULL,
  -- 1 optimize for availability, 2 equal distribution (the proto's values).
  ADD COLUMN IF NOT EXISTS round_robin_distribution TINYINT NOT NULL DEFAULT 1,
  -- Equal distribution: the lead in bookings at which a member is hidden.
  ADD COLUMN IF NOT EXISTS distribution_max_lead INT NOT NULL DEFAULT 3;

