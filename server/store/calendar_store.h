// Calendars in MySQL.
//
// Thread-safety: thread-safe; every call leases its own connection.
#ifndef SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_
#define SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/calendar.h"
#include "server/domain/slots.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

struct CalendarPage {
  std::vector<domain::Calendar> calendars;
  bool has_more = false;
};

class CalendarStore {
 public:
  explicit CalendarStore(ConnectionPool& pool) : pool_(pool) {}

  // Inserts `calendar` (its pk, times and version are set here) and
  // returns it as stored. ALREADY_EXISTS if its id or slug is taken.
  absl::StatusOr<domain::Calendar> Create(domain::Calendar calendar,
                                          absl::Time now);

  // NOT_FOUND if there is no such calendar.
  absl::StatusOr<domain::Calendar> Get(absl::string_view location_id,
                                       absl::string_view calendar_id);

  // Calendars of a location with pk > `after_pk`, in pk (creation) order.
  // Keyset paging: rows inserted meanwhile never shift a page.
  absl::StatusOr<CalendarPage> List(absl::string_view location_id,
                                    int64_t after_pk, int page_size);

  // Sets the status; returns the calendar as stored afterwards.
  absl::StatusOr<domain::Calendar> SetStatus(absl::string_view location_id,
                                             absl::string_view calendar_id,
                                             domain::CalendarStatus status,
                                             absl::Time now);

  // The calendar and the intervals its bookings hold that overlap `range`,
  // read in one round trip.
  struct CalendarWithBusy {
    domain::Calendar calendar;
    std::vector<domain::TimeInterval> busy;
  };
  absl::StatusOr<CalendarWithBusy> GetWithBusy(absl::string_view location_id,
                                               absl::string_view calendar_id,
                                               domain::TimeInterval range);

 private:
  ConnectionPool& pool_;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_
