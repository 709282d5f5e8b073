// The data the workloads run on, made once per run in a location of its
// own (so a run never sees another run's rows):
//
//  - booking calendars: open around the clock (UTC, 30-minute slots). The
//    load generator's workers book on disjoint sets of them, each booking
//    on its own slot, so no booking waits for another's calendar lock:
//    the uncontended case the issue asks for.
//  - the slots calendar: open 08:00-20:00 daily in America/New_York,
//    15-minute slots, holding 1,000 bookings over the 31 days listed.
//  - one-time links: fresh ones per booking calendar (CreateOneTimeLink's
//    output, topped up by inserting rows the way the link store does),
//    links that are only ever resolved, and the few links the contended
//    booking workload fights over.
//
// Thread-safety: BookingCalendar's and ContendedLinks' members are safe
// to call from many threads; Fixtures' set-up methods are not.
#ifndef SCHEDULING_BENCH_FIXTURES_H_
#define SCHEDULING_BENCH_FIXTURES_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "server/domain/slots.h"
#include "server/store/connection_pool.h"

namespace scheduling::bench {

// Who books in every workload.
inline constexpr char kInviteeName[] = "Bench Invitee";
inline constexpr char kInviteeEmail[] = "invitee@bench.example";
// The duration (and slot length) of the booking calendars.
inline constexpr absl::Duration kBookingCalendarDuration = absl::Minutes(30);

// A link token and the SHA-256 the database knows it by.
struct LinkToken {
  std::string token;
  std::string token_hash;
};

class BookingCalendar {
 public:
  BookingCalendar(std::string location_id, std::string calendar_id, int64_t pk,
                  absl::Time first_slot);

  const std::string& location_id() const { return location_id_; }
  const std::string& calendar_id() const { return calendar_id_; }
  // locations/{location}/calendars/{calendar}
  const std::string& name() const { return name_; }
  int64_t pk() const { return pk_; }

  // A slot no earlier call returned. Slots are 4 hours apart, so a
  // booking's ±48 h context holds about two dozen earlier bookings, as on
  // a busy real calendar, rather than hundreds.
  absl::Time TakeSlot();

  // An unused link of this calendar, if one is left.
  std::optional<LinkToken> TakeFreshLink();
  void AddFreshLink(LinkToken link);
  size_t fresh_links();

 private:
  const std::string location_id_;
  const std::string calendar_id_;
  const std::string name_;
  const int64_t pk_;
  const absl::Time first_slot_;
  std::atomic<int64_t> slots_taken_{0};
  absl::Mutex mu_;
  std::deque<LinkToken> fresh_ ABSL_GUARDED_BY(mu_);
};

// The links of the contended booking workload: each is attacked by
// `callers_per_link` consecutive attempts, all for the same slot, which
// the closed loop issues from different workers at nearly the same time.
// Exactly one attempt per link may win.
class ContendedLinks {
 public:
  struct Target {
    LinkToken link;
    absl::Time slot;
  };

  ContendedLinks(std::vector<Target> targets, int callers_per_link);

  // The target of the next attempt, or nullopt when every link has had
  // its attempts. `index` identifies the link for RecordWin.
  std::optional<std::pair<const Target*, size_t>> NextAttempt();
  void RecordWin(size_t index);
  // Links that more than one attempt booked, as the callers saw it.
  int64_t LinksWonMoreThanOnce() const;

 private:
  const std::vector<Target> targets_;
  const int callers_per_link_;
  std::atomic<int64_t> next_attempt_{0};
  std::unique_ptr<std::atomic<int>[]> wins_;
};

// What the database says about double uses in the run's location.
struct DoubleUseCheck {
  int64_t links_used_more_than_once = 0;  // use_count > 1
  int64_t links_with_several_bookings = 0;
  int64_t links_booked = 0;  // links with at least one booking
};

class Fixtures {
 public:
  struct Options {
    std::string location_id;
    // Booking calendars are spread over this many locations (1: all in
    // `location_id`; more: "{location_id}-{n}"). Link events are numbered
    // per location, so this shows what that ordering costs.
    int locations = 1;
    int booking_calendars = 256;
    int resolvable_links = 10000;
    int slots_calendar_bookings = 1000;
  };

  // Creates the calendars through the service (so they are exactly what
  // the service would store), books the slots calendar through it, and
  // inserts the resolvable links.
  static absl::StatusOr<std::unique_ptr<Fixtures>> Create(
      const Options& options, v1::CalendarService::Stub& calendars,
      store::ConnectionPool& sql);

  const std::string& location_id() const { return options_.location_id; }

  int booking_calendar_count() const {
    return static_cast<int>(calendars_.size());
  }
  // The calendar worker `worker` of `concurrency` uses on its `turn`-th
  // call: one of the calendars i with i % concurrency == worker, in
  // rotation, so that no two workers ever share a calendar.
  BookingCalendar& CalendarFor(int worker, int concurrency, int64_t turn);

  // Inserts unused links, as LinkStore::Create stores them, until each
  // booking calendar has at least `per_calendar` fresh ones.
  absl::Status TopUpFreshLinks(store::ConnectionPool& sql, int per_calendar);

  // `count` new links spread over the booking calendars, each with its own
  // slot, for the contended workload.
  absl::StatusOr<std::unique_ptr<ContendedLinks>> MakeContendedLinks(
      store::ConnectionPool& sql, int count, int callers_per_link);

  // One of the links that are resolved but never booked, for a worker's
  // `turn`-th call: workers walk them from different starting points with
  // a large stride, so the calls spread over the whole table.
  const LinkToken& ResolvableLink(int worker, int64_t turn) const;

  const std::string& slots_calendar_name() const { return slots_name_; }
  const std::string& slots_calendar_id() const { return slots_id_; }
  // The range ListFreeSlots asks for: 31 days.
  domain::TimeInterval slots_range() const { return slots_range_; }
  // The slots calendar's rules as far as the context query depends on
  // them (its duration; it has no buffers).
  const domain::AvailabilityRules& slots_rules() const { return slots_rules_; }

  absl::StatusOr<DoubleUseCheck> CheckDoubleUses(store::ConnectionPool& sql);

 private:
  explicit Fixtures(Options options) : options_(std::move(options)) {}

  // Inserts `count` unused links of `calendar_pk` in one statement.
  absl::StatusOr<std::vector<LinkToken>> InsertLinks(store::ConnectionPool& sql,
                                                     int64_t calendar_pk,
                                                     int count);

  Options options_;
  std::vector<std::unique_ptr<BookingCalendar>> calendars_;
  std::vector<LinkToken> resolvable_;
  std::string slots_name_;
  std::string slots_id_;
  domain::TimeInterval slots_range_;
  domain::AvailabilityRules slots_rules_;
};

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_FIXTURES_H_
