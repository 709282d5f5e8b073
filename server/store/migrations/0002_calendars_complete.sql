-- Calendars complete: groups, calendar types and team members, every
-- availability rule, soft deletion, and bookings that can be cancelled,
-- rescheduled, retried idempotently and that block team members across
-- all calendars of a location.

CREATE TABLE IF NOT EXISTS calendar_groups (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  group_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  description VARCHAR(2000) NOT NULL DEFAULT '',
  enabled TINYINT NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (pk),
  UNIQUE KEY calendar_groups_by_id (location_id, group_id),
  KEY calendar_groups_by_name (location_id, display_name, pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Lists are stored in compact text (see server/store/sql_values.h): they
-- are always read and written whole with their calendar.
ALTER TABLE calendars
  ADD COLUMN IF NOT EXISTS group_pk BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS calendar_type TINYINT NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS team_members VARCHAR(6500) CHARACTER SET ascii NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS allowed_durations VARCHAR(2000) CHARACTER SET ascii NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS slot_interval_minutes INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS date_overrides MEDIUMTEXT CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS buffer_before_minutes INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS buffer_after_minutes INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS minimum_notice_minutes INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS booking_horizon_days INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS max_bookings_per_day INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS seats_per_slot INT NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS delete_time DATETIME(6) NULL,
  -- 1 while the calendar exists, NULL once deleted, so that its slug can
  -- be taken again (NULLs never collide in a unique key).
  ADD COLUMN IF NOT EXISTS live TINYINT NULL DEFAULT 1,
  ADD CONSTRAINT calendars_group FOREIGN KEY IF NOT EXISTS (group_pk)
    REFERENCES calendar_groups (pk);

ALTER TABLE calendars
  DROP INDEX IF EXISTS calendars_by_slug,
  ADD UNIQUE KEY IF NOT EXISTS calendars_by_live_slug (location_id, slug, live),
  ADD KEY IF NOT EXISTS calendars_by_name (location_id, display_name, pk),
  ADD KEY IF NOT EXISTS calendars_by_update (location_id, update_time, pk);

ALTER TABLE bookings
  -- 1 confirmed, 2 cancelled (the proto's Booking.State values).
  ADD COLUMN IF NOT EXISTS state TINYINT NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS members VARCHAR(6500) CHARACTER SET ascii NOT NULL DEFAULT '',
  -- Which seat of its slot the booking holds: '-' for one-host calendars,
  -- the member for round robin; NULL for classes, whose seats the
  -- calendar lock counts. With holds_slot it keeps a last line of defence
  -- against a double booking that the locks should already prevent.
  ADD COLUMN IF NOT EXISTS seat_key VARCHAR(63) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS blocked_start DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS blocked_end DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS cancel_time DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS cancel_reason VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS reschedule_time DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS request_id VARCHAR(63) CHARACTER SET ascii NULL;

UPDATE bookings SET blocked_start = start_time, blocked_end = end_time,
  seat_key = '-' WHERE blocked_start IS NULL;

ALTER TABLE bookings
  MODIFY blocked_start DATETIME(6) NOT NULL,
  MODIFY blocked_end DATETIME(6) NOT NULL,
  DROP INDEX IF EXISTS one_booking_per_slot,
  ADD UNIQUE KEY IF NOT EXISTS one_booking_per_seat (calendar_pk, start_time, seat_key, holds_slot),
  ADD UNIQUE KEY IF NOT EXISTS bookings_by_request (calendar_pk, request_id),
  ADD KEY IF NOT EXISTS bookings_by_blocked (calendar_pk, holds_slot, blocked_start),
  ADD KEY IF NOT EXISTS bookings_by_start (calendar_pk, start_time, pk);

-- Who is busy when: one row per active booking and attending member, so
-- that a member's time is checked across every calendar of the location.
CREATE TABLE IF NOT EXISTS member_bookings (
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  member_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  booking_pk BIGINT UNSIGNED NOT NULL,
  calendar_pk BIGINT UNSIGNED NOT NULL,
  slot_start DATETIME(6) NOT NULL,
  blocked_start DATETIME(6) NOT NULL,
  blocked_end DATETIME(6) NOT NULL,
  PRIMARY KEY (booking_pk, member_id),
  KEY member_bookings_by_time (location_id, member_id, blocked_start),
  CONSTRAINT member_bookings_booking FOREIGN KEY (booking_pk)
    REFERENCES bookings (pk) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per team member, locked (INSERT ... ON DUPLICATE KEY UPDATE)
-- by every booking that involves the member, in member order, so that two
-- calendars can never give one member overlapping bookings.
CREATE TABLE IF NOT EXISTS member_locks (
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  member_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  bookings BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (location_id, member_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
