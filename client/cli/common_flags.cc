#include "client/cli/common_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, location, "",
          "location (tenant): an id or locations/{location}");
ABSL_FLAG(std::string, name, "",
          "resource name of a calendar, group, booking or one-time link");
ABSL_FLAG(std::string, calendar, "", "resource name of a calendar");
ABSL_FLAG(std::string, display_name, "", "name invitees see");
ABSL_FLAG(absl::Duration, duration, absl::Minutes(30),
          "length of one booking; for free-slots and create-booking of a "
          "SERVICE calendar, the chosen one of its allowed durations");
ABSL_FLAG(std::string, time_zone, "",
          "IANA zone: a new calendar's, or the one to show times in");
ABSL_FLAG(int, page_size, 0, "most items per page; 0 for the default");
ABSL_FLAG(std::string, page_token, "", "next_page_token of the previous page");
ABSL_FLAG(std::string, from, "",
          "RFC 3339 start of the range: of slots (now if empty), or of "
          "bookings (those ending after it; no bound if empty)");
ABSL_FLAG(int, days, 7, "length of the slot range in days, 1 to 31");
ABSL_FLAG(std::string, start, "",
          "RFC 3339 start of the slot to book or to reschedule to");
ABSL_FLAG(std::string, invitee_name, "",
          "name of who books; for a new link, of whom it is for");
ABSL_FLAG(std::string, invitee_email, "",
          "e-mail of who books; for a new link, of whom it is for");
ABSL_FLAG(std::string, request_id, "",
          "idempotency key of a booking or link: a retry with it returns what "
          "the first call created; 1 to 63 of A-Z a-z 0-9 - _ (a batch gives "
          "link i the key R-i)");
ABSL_FLAG(std::string, etag, "",
          "refuse the change if the resource's etag is no longer this");
