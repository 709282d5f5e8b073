-- Authenticated callers in the audit trail: a use records the principal
-- (in `caller`) and whom it said it acts for; an event records who caused it.

ALTER TABLE one_time_link_uses
  ADD COLUMN IF NOT EXISTS on_behalf_of VARCHAR(200) NOT NULL DEFAULT '';

ALTER TABLE one_time_link_events
  ADD COLUMN IF NOT EXISTS principal VARCHAR(200) NOT NULL DEFAULT '';
