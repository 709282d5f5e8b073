// Measurements behind issue 12 ("no per-tenant hot row"), kept as disabled
// tests so that they build with everything else and run on demand:
//
//   SCHEDULING_TEST_DSN=... build-events/tests/integration_tests
//     --gtest_also_run_disabled_tests
//     --gtest_filter='LinkEventsLoadTest.DISABLED_*'
//
// - HotRowsUnderLoad: many workers create a link and book through it, all
//   in ONE location (a calendar each, so that nothing but the location is
//   shared); meanwhile the database's own lock-wait table is sampled and
//   the rows waited on are tallied, with InnoDB's row-lock counters.
// - Throughput: the same create+book loop in one location against the
//   same load spread over 64 locations, at 16 and 64 calls in flight.
//
// Both print what they found; they fail only if calls fail.
#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

struct LoadResult {
  int64_t pairs = 0;   // link created and booked
  int64_t errors = 0;  // calls that failed
  absl::Duration took;
  std::map<std::string, int> error_codes;
  int64_t lock_waits = 0;    // InnoDB row lock waits meanwhile
  int64_t lock_wait_ms = 0;  // and their total time
};

int64_t GlobalStatus(const std::string& name) {
  std::vector<std::string> cells =
      QueryCells("SHOW GLOBAL STATUS LIKE '" + name + "'");
  return cells.size() == 2 ? std::stoll(cells[1]) : -1;
}

class LinkEventsLoadTest : public LinkFixture {
 protected:
  // A calendar open around the clock in `location` (a bare id).
  v1::Calendar CalendarIn(const std::string& location) {
    v1::CreateCalendarRequest request;
    request.set_parent("locations/" + location);
    *request.mutable_calendar() = CalendarSpec("Load", "UTC", 30, 0, 24);
    v1::Calendar calendar;
    grpc::Status status =
        calendars_->CreateCalendar(Context().get(), request, &calendar);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return calendar;
  }

  // `workers` threads, each with a calendar of its own in location
  // `locations[worker % locations.size()]`, create a link and book its
  // next slot through it until `length` has passed.
  LoadResult CreateAndBook(int workers,
                           const std::vector<std::string>& locations,
                           absl::Duration length) {
    std::vector<v1::Calendar> calendars;
    for (int w = 0; w < workers; ++w) {
      calendars.push_back(CalendarIn(locations[w % locations.size()]));
    }
    auto stubs = ConnectedLinkStubs(std::min(workers, 16));
    const absl::Time base = absl::FromUnixSeconds(
        (absl::ToUnixSeconds(absl::Now()) / 3600 + 48) * 3600);
    const int64_t waits_before = GlobalStatus("Innodb_row_lock_waits");
    const int64_t wait_ms_before = GlobalStatus("Innodb_row_lock_time");
    std::atomic<int64_t> pairs{0};
    std::atomic<int64_t> errors{0};
    absl::Mutex mu;
    std::map<std::string, int> codes;
    const absl::Time start = absl::Now();
    const absl::Time end = start + length;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        v1::OneTimeLinkService::Stub& stub = *stubs[w % stubs.size()];
        for (int turn = 0; absl::Now() < end; ++turn) {
          v1::CreateOneTimeLinkRequest create;
          create.set_parent(calendars[w].name());
          create.mutable_one_time_link();
          v1::OneTimeLink link;
          grpc::Status status =
              stub.CreateOneTimeLink(Context().get(), create, &link);
          if (status.ok()) {
            v1::Booking booking;
            status = stub.BookOneTimeLink(
                Context().get(),
                LinkBookingRequest(link.token(),
                                   base + absl::Minutes(30) * turn, w),
                &booking);
          }
          if (status.ok()) {
            ++pairs;
          } else {
            ++errors;
            absl::MutexLock lock(&mu);
            ++codes[absl::StrCat(status.error_code(), " ",
                                 status.error_message())];
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    LoadResult result;
    result.pairs = pairs;
    result.errors = errors;
    result.took = absl::Now() - start;
    result.error_codes = codes;
    result.lock_waits = GlobalStatus("Innodb_row_lock_waits") - waits_before;
    result.lock_wait_ms = GlobalStatus("Innodb_row_lock_time") - wait_ms_before;
    return result;
  }
};

TEST_F(LinkEventsLoadTest, DISABLED_HotRowsUnderLoad) {
  constexpr int kWorkers = 16;
  const int64_t waits_before = GlobalStatus("Innodb_row_lock_waits");
  const int64_t wait_ms_before = GlobalStatus("Innodb_row_lock_time");
  std::map<std::string, int> waited_on;
  absl::Notification done;
  std::thread sampler([&] {
    while (!done.HasBeenNotified()) {
      // The blocking lock of every wait now: its table, index and row.
      std::vector<std::string> cells = QueryCells(
          "SELECT CONCAT(l.lock_table, ' ', IFNULL(l.lock_index, '-'), ' ', "
          "l.lock_mode, ' ', IFNULL(l.lock_data, '-')) FROM "
          "information_schema.innodb_lock_waits w JOIN "
          "information_schema.innodb_locks l ON l.lock_id = "
          "w.blocking_lock_id");
      for (const std::string& cell : cells) ++waited_on[cell];
      done.WaitForNotificationWithTimeout(absl::Milliseconds(5));
    }
  });
  const LoadResult load =
      CreateAndBook(kWorkers, {location_}, absl::Seconds(8));
  done.Notify();
  sampler.join();
  const int64_t waits = GlobalStatus("Innodb_row_lock_waits") - waits_before;
  const int64_t wait_ms = GlobalStatus("Innodb_row_lock_time") - wait_ms_before;
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [row, count] : waited_on) sorted.push_back({count, row});
  std::sort(sorted.rbegin(), sorted.rend());
  std::string report = absl::StrCat(
      kWorkers, " workers, one location: ", load.pairs, " create+book pairs (",
      load.pairs / absl::ToDoubleSeconds(load.took), "/s), ", load.errors,
      " errors; Innodb_row_lock_waits +", waits, ", Innodb_row_lock_time +",
      wait_ms,
      " ms\nsampled lock waits by blocking lock (samples, table "
      "index mode row):\n");
  for (size_t i = 0; i < std::min<size_t>(sorted.size(), 15); ++i) {
    absl::StrAppend(&report, "  ", sorted[i].first, "  ", sorted[i].second,
                    "\n");
  }
  std::cout << report;
  EXPECT_EQ(load.errors, 0) << ::testing::PrintToString(load.error_codes);
}

TEST_F(LinkEventsLoadTest, DISABLED_Throughput) {
  const absl::Duration length = absl::Seconds(6);
  std::vector<std::string> spread;
  for (int i = 0; i < 64; ++i) spread.push_back(UniqueLocation());
  std::string report;
  for (int in_flight : {16, 64}) {
    const LoadResult one = CreateAndBook(in_flight, {UniqueLocation()}, length);
    const LoadResult many = CreateAndBook(in_flight, spread, length);
    const double one_rate = one.pairs / absl::ToDoubleSeconds(one.took);
    const double many_rate = many.pairs / absl::ToDoubleSeconds(many.took);
    const auto per_pair = [](int64_t value, const LoadResult& load) {
      return static_cast<double>(value) / std::max<int64_t>(load.pairs, 1);
    };
    absl::StrAppend(
        &report, "in flight ", in_flight, ": one location ", one_rate,
        " pairs/s (", one.errors, " errors, ", per_pair(one.lock_waits, one),
        " row lock waits and ", per_pair(one.lock_wait_ms, one),
        " ms waited per pair), 64 locations ", many_rate, " pairs/s (",
        many.errors, " errors, ", per_pair(many.lock_waits, many),
        " waits per pair), ratio ", one_rate / many_rate, "\n");
    EXPECT_EQ(one.errors, 0) << ::testing::PrintToString(one.error_codes);
    EXPECT_EQ(many.errors, 0) << ::testing::PrintToString(many.error_codes);
  }
  std::cout << report;
}

}  // namespace
}  // namespace scheduling::testing
