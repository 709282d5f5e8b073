-- Fair teams (issue 14): booking limits per week and month beside the
-- daily one, and per-member settings of a calendar (each member's limits
-- per day, week and month, counted over every calendar of the location).
--
-- Repeatable (every step can run again, as BUILD.md's "Migrations under
-- concurrency" requires); servers of the previous release keep working on
-- this schema, since every new column has a default that means "none".

ALTER TABLE calendars
  ADD COLUMN IF NOT EXISTS max_bookings_per_week INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS max_bookings_per_month INT NOT NULL DEFAULT 0,
  -- "member:per_day:per_week:per_month,..." (server/store/sql_values.h);
  -- read and written whole with the calendar.
  ADD COLUMN IF NOT EXISTS team_member_settings TEXT CHARACTER SET ascii NULL;

