// Bookings as the domain sees them.
#ifndef SCHEDULING_SERVER_DOMAIN_BOOKING_H_
#define SCHEDULING_SERVER_DOMAIN_BOOKING_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace scheduling::domain {

struct Invitee {
  std::string display_name;
  std::string email;
};

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
};

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_BOOKING_H_
