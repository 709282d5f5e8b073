-- The foundation schema: calendars, one-time links and bookings.
--
-- Times are UTC in DATETIME(6) (sessions run with time_zone '+00:00');
-- TIMESTAMP would convert zones and ends in 2038. Identifiers that appear
-- in resource names are ASCII; people's names are utf8mb4.

CREATE TABLE IF NOT EXISTS calendars (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  calendar_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  slug VARCHAR(63) CHARACTER SET ascii NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  duration_minutes INT NOT NULL,
  time_zone VARCHAR(64) CHARACTER SET ascii NOT NULL,
  -- Weekly open hours, "weekday:start-end" in wall-clock minutes, comma
  -- separated, weekday 1 (Monday) to 7 (Sunday): "1:540-1020,2:540-1020".
  weekly_hours TEXT CHARACTER SET ascii NOT NULL,
  -- 1 active, 2 inactive (the proto's Calendar.Status values).
  status TINYINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (pk),
  UNIQUE KEY calendars_by_id (location_id, calendar_id),
  UNIQUE KEY calendars_by_slug (location_id, slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS one_time_links (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  calendar_pk BIGINT UNSIGNED NOT NULL,
  link_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  -- Lowercase hex SHA-256 of the token; the token itself is never stored.
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  max_uses INT NOT NULL DEFAULT 1,
  use_count INT NOT NULL DEFAULT 0,
  revoked TINYINT NOT NULL DEFAULT 0,
  expire_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  use_time DATETIME(6) NULL,
  revoke_time DATETIME(6) NULL,
  last_booking_id VARCHAR(63) CHARACTER SET ascii NULL,
  PRIMARY KEY (pk),
  UNIQUE KEY one_time_links_by_token (token_hash),
  UNIQUE KEY one_time_links_by_id (calendar_pk, link_id),
  CONSTRAINT one_time_links_calendar FOREIGN KEY (calendar_pk)
    REFERENCES calendars (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS bookings (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  calendar_pk BIGINT UNSIGNED NOT NULL,
  booking_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NOT NULL,
  invitee_name VARCHAR(200) NOT NULL,
  invitee_email VARCHAR(254) NOT NULL,
  one_time_link_pk BIGINT UNSIGNED NULL,
  -- 1 while the booking holds its slot, NULL once it no longer does: NULLs
  -- never collide in a unique key, so a freed slot can be booked again.
  holds_slot TINYINT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (pk),
  UNIQUE KEY bookings_by_id (calendar_pk, booking_id),
  -- Slots of a calendar lie on a fixed grid, so two bookings of one slot
  -- share their start: this key makes a double booking impossible, whichever
  -- path (one-time link or otherwise) tries it.
  UNIQUE KEY one_booking_per_slot (calendar_pk, start_time, holds_slot),
  CONSTRAINT bookings_calendar FOREIGN KEY (calendar_pk)
    REFERENCES calendars (pk),
  CONSTRAINT bookings_one_time_link FOREIGN KEY (one_time_link_pk)
    REFERENCES one_time_links (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
