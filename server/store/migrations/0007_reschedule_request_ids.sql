-- Idempotent reschedules: the request_id of every reschedule a booking has
-- had, recorded in the transaction that moved it. A retry finds its key
-- here (under the booking's row lock) and moves nothing. Repeatable: safe
-- to run again on a database that has it.

CREATE TABLE IF NOT EXISTS booking_reschedules (
  booking_pk BIGINT UNSIGNED NOT NULL,
  request_id VARCHAR(63) NOT NULL,
  -- Where that reschedule moved the booking, and when.
  start_time DATETIME(6) NOT NULL,
  reschedule_time DATETIME(6) NOT NULL,
  PRIMARY KEY (booking_pk, request_id),
  CONSTRAINT booking_reschedules_booking FOREIGN KEY (booking_pk)
    REFERENCES bookings (pk) ON DELETE CASCADE
) ENGINE=InnoDB;
