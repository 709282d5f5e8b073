-- One-time links complete: idempotent generation, options (uses, invitee,
-- metadata, overrides), a per-use audit trail and an outbox of events.

ALTER TABLE one_time_links
  ADD COLUMN IF NOT EXISTS request_id VARCHAR(63) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS contact_id VARCHAR(128) NULL,
  ADD COLUMN IF NOT EXISTS invitee_name VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS invitee_email VARCHAR(254) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS invitee_phone VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS enforce_invitee TINYINT NOT NULL DEFAULT 0,
  -- URL-encoded "key=value&key=value" (see server/store/sql_values.h).
  ADD COLUMN IF NOT EXISTS metadata TEXT NULL,
  ADD COLUMN IF NOT EXISTS earliest_date DATE NULL,
  ADD COLUMN IF NOT EXISTS latest_date DATE NULL,
  ADD COLUMN IF NOT EXISTS duration_minutes INT NOT NULL DEFAULT 0,
  ADD UNIQUE KEY IF NOT EXISTS one_time_links_by_request (calendar_pk, request_id),
  ADD KEY IF NOT EXISTS one_time_links_by_contact (calendar_pk, contact_id, pk);

ALTER TABLE bookings
  ADD COLUMN IF NOT EXISTS metadata TEXT NULL;

-- Every use of a link: the audit trail.
CREATE TABLE IF NOT EXISTS one_time_link_uses (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  link_pk BIGINT UNSIGNED NOT NULL,
  booking_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  use_time DATETIME(6) NOT NULL,
  invitee_name VARCHAR(200) NOT NULL,
  invitee_email VARCHAR(254) NOT NULL,
  caller VARCHAR(200) NOT NULL,
  PRIMARY KEY (pk),
  KEY one_time_link_uses_by_link (link_pk, pk),
  CONSTRAINT one_time_link_uses_link FOREIGN KEY (link_pk)
    REFERENCES one_time_links (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The outbox: one row per link state change, written in the change's own
-- transaction. `seq` numbers a location's events without gaps in commit
-- order: it comes from the location's row in one_time_link_event_heads,
-- locked for the rest of the transaction, so a reader that has seen event
-- N can never later find an event below N appearing.
CREATE TABLE IF NOT EXISTS one_time_link_event_heads (
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (location_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS one_time_link_events (
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  seq BIGINT NOT NULL,
  -- 1 created, 2 used, 3 revoked (the proto's OneTimeLinkEvent.Type).
  event_type TINYINT NOT NULL,
  calendar_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  link_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  booking_id VARCHAR(63) CHARACTER SET ascii NULL,
  -- The link's state right after the event (OneTimeLink.State values).
  link_state TINYINT NOT NULL,
  contact_id VARCHAR(128) NULL,
  metadata TEXT NULL,
  event_time DATETIME(6) NOT NULL,
  PRIMARY KEY (location_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
