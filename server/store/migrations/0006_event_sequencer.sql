-- Link events without a per-location hot row (issue 12).
--
-- Until now every link write incremented its location's row in
-- one_time_link_event_heads and numbered its events from it, holding that
-- row until COMMIT: a location's link writes committed one at a time, and
-- on a multi-writer cluster that row was where most certification
-- failures were. Now a write only inserts its events here, unnumbered,
-- beside a per-link counter kept in the link row it locks anyway; the
-- server's sequencer (server/store/event_sequencer.h) later moves them to
-- one_time_link_events, numbering them from the head row in a transaction
-- of its own. Only sequencers touch the head row; readers read numbered
-- events only, so cursors stay what they were (a location's seq) and
-- existing events keep their numbers.
--
-- Every step can run again (another engineer makes migrations re-run
-- steps on Galera). Servers of the previous release keep working on this
-- schema: they number their events from the head row themselves, which
-- the sequencer locks too.

-- How many events the link has had (numbering its drafts): bumped by each
-- write of the link, under the link row's lock.
ALTER TABLE one_time_links
  ADD COLUMN IF NOT EXISTS event_count INT NOT NULL DEFAULT 0;

-- Events committed but not yet numbered. `pk` orders them roughly by
-- insertion (AUTO_INCREMENT; interleaved across Galera nodes), and
-- (link_pk, link_event_no) orders a link's own events exactly.
CREATE TABLE IF NOT EXISTS one_time_link_event_drafts (
  pk BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  location_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  link_pk BIGINT UNSIGNED NOT NULL,
  link_event_no INT NOT NULL,
  -- As in one_time_link_events.
  event_type TINYINT NOT NULL,
  calendar_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  link_id VARCHAR(63) CHARACTER SET ascii NOT NULL,
  booking_id VARCHAR(63) CHARACTER SET ascii NULL,
  link_state TINYINT NOT NULL,
  contact_id VARCHAR(128) NULL,
  metadata TEXT NULL,
  event_time DATETIME(6) NOT NULL,
  principal VARCHAR(200) NOT NULL DEFAULT '',
  PRIMARY KEY (pk),
  KEY one_time_link_event_drafts_by_location (location_id, pk),
  KEY one_time_link_event_drafts_by_link (link_pk, link_event_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
