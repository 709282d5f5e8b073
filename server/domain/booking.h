// Bookings as the domain sees them.
#ifndef SCHEDULING_SERVER_DOMAIN_BOOKING_H_
#define SCHEDULING_SERVER_DOMAIN_BOOKING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace scheduling::domain {

struct Invitee {
  std::string display_name;
  std::string email;
};

enum class BookingState { kConfirmed, kCancelled };

struct Booking {
  int64_t pk = 0;
  std::string location_id;
  std::string calendar_id;
  std::string booking_id;
  absl::Time start_time;
  absl::Time end_time;
  Invitee invitee;
  std::string one_time_link_id;  // empty unless booked through a link
  absl::Time create_time;
  BookingState state = BookingState::kConfirmed;
  std::vector<std::string> members;  // who attends
  std::optional<absl::Time> cancel_time;
  std::string cancel_reason;
  std::optional<absl::Time> reschedule_time;
  std::string request_id;  // idempotency key of CreateBooking, if given
  // The slot widened by the calendar's buffers at booking time.
  absl::Time blocked_start;
  absl::Time blocked_end;
  // The metadata of the link it was booked through.
  std::map<std::string, std::string> metadata;
  // Whether it has a manage token (bookings made before tokens have none).
  bool has_manage_token = false;
};

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_BOOKING_H_
