-- Booking revisions: what lets a server reuse a calendar's bookings between
-- ListFreeSlots calls without missing a change made through any replica.
--
-- calendars.booking_revision is bumped in every transaction that books,
-- cancels or reschedules on the calendar (which holds the calendar's row
-- lock anyway). member_locks.bookings, already bumped by every booking
-- that locks a member, is now also bumped when a member's booking is
-- cancelled, so its sum over a calendar's members changes whenever their
-- time on any calendar of the location does.
ALTER TABLE calendars
  ADD COLUMN IF NOT EXISTS booking_revision BIGINT NOT NULL DEFAULT 0;
