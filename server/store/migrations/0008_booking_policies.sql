-- Booking policies and invitee self-service (issue 14).
--
-- Every statement can run again on a database that has it (IF NOT EXISTS
-- forms), as BUILD.md asks of migrations: a multi-writer cluster may
-- re-run a step.

-- A booking's manage token, as its SHA-256 (the token itself is derived
-- from the booking's name under the server's token secret and never
-- stored). NULL for bookings made before this migration: they have none.
ALTER TABLE bookings
  ADD COLUMN IF NOT EXISTS manage_token_hash CHAR(64) CHARACTER SET ascii NULL,
  ADD UNIQUE KEY IF NOT EXISTS bookings_by_manage_token (manage_token_hash);

-- Whether cancelling a booking made through the link gives its use back.
ALTER TABLE one_time_links
  ADD COLUMN IF NOT EXISTS return_use_on_cancel TINYINT NOT NULL DEFAULT 0;
