#include "bench/storm.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/proto_time.h"
#include "bench/server_stats.h"

namespace scheduling::bench {
namespace {

constexpr char kListMethod[] = "ListFreeSlots";
constexpr char kBookMethod[] = "BookOneTimeLink";
constexpr absl::Duration kSampleEvery = absl::Milliseconds(5);
constexpr absl::Duration kNormalDeadline = absl::Seconds(10);
constexpr absl::Duration kSettlePoll = absl::Milliseconds(500);
constexpr absl::Duration kSettleLimit = absl::Seconds(30);
constexpr int kNormalCalls = 10;

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
}

// "DEADLINE_EXCEEDED/SOME_REASON" -> "DEADLINE_EXCEEDED".
std::string CodeOf(const std::string& label) {
  return label.substr(0, label.find('/'));
}

v1::ListFreeSlotsRequest SlotsRequest(const Fixtures& fixtures) {
  v1::ListFreeSlotsRequest request;
  request.set_calendar(fixtures.slots_calendar_name());
  *request.mutable_start_time() = ToTimestamp(fixtures.slots_range().start);
  *request.mutable_end_time() = ToTimestamp(fixtures.slots_range().end);
  return request;
}

// Bookings in the run's location(s).
absl::StatusOr<int64_t> CountBookings(store::ConnectionPool& admin,
                                      const std::string& location_prefix) {
  absl::StatusOr<store::Lease> lease = admin.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    sql::PreparedStatement& count = lease->Prepare(
        "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.pk = "
        "b.calendar_pk WHERE c.location_id LIKE CONCAT(?, '%')");
    count.setString(1, location_prefix);
    std::unique_ptr<sql::ResultSet> row(count.executeQuery());
    row->next();
    return row->getInt64(1);
  } catch (const sql::SQLException& error) {
    lease->MarkBroken();
    return absl::UnavailableError(
        absl::StrCat("counting bookings: ", error.what()));
  }
}

struct ServersNow {
  int threads = 0;          // summed
  int64_t peak_rss_kb = 0;  // the largest
  int64_t rss_kb = 0;       // the largest
};

ServersNow SampleServers(const std::vector<int>& pids) {
  ServersNow now;
  for (int pid : pids) {
    absl::StatusOr<ProcessSample> sample = SampleProcess(pid);
    if (!sample.ok()) continue;
    now.threads += sample->threads;
    now.peak_rss_kb = std::max(now.peak_rss_kb, sample->peak_rss_kb);
    now.rss_kb = std::max(now.rss_kb, sample->rss_kb);
  }
  return now;
}

struct WorkerTally {
  std::map<std::string, std::map<std::string, int64_t>> answers;
  int64_t calls = 0;
  int64_t without_link = 0;
};

}  // namespace

int64_t StormResult::Answers(const std::string& code) const {
  int64_t total = 0;
  for (const auto& [method, codes] : answers) {
    auto found = codes.find(code);
    if (found != codes.end()) total += found->second;
  }
  return total;
}

int64_t StormResult::OtherAnswers() const {
  return calls - Answers("OK") - Answers("DEADLINE_EXCEEDED") -
         Answers("RESOURCE_EXHAUSTED");
}

bool StormResult::Healthy() const {
  return first_call_label == "OK" && health_label == "OK";
}

absl::StatusOr<StormResult> RunDeadlineStorm(const StormOptions& options,
                                             const ServiceStubs& stubs,
                                             Fixtures& fixtures,
                                             store::ConnectionPool& admin) {
  StormResult result;
  result.options = options;
  const int threads = std::max(1, options.threads);

  // Fresh links for the bookings, spread over the booking calendars.
  const int per_calendar = static_cast<int>(
      std::ceil(static_cast<double>(options.book_links) /
                std::max(1, fixtures.booking_calendar_count())));
  absl::Status topped = fixtures.TopUpFreshLinks(admin, per_calendar);
  if (!topped.ok()) return topped;

  absl::StatusOr<int64_t> bookings_before =
      CountBookings(admin, fixtures.location_id());
  if (!bookings_before.ok()) return bookings_before.status();

  for (int pid : options.server_pids) ResetPeakRss(pid).IgnoreError();
  const ServersNow before = SampleServers(options.server_pids);
  result.threads_before = before.threads;
  result.rss_before_kb = before.rss_kb;

  const v1::ListFreeSlotsRequest slots_request = SlotsRequest(fixtures);
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<WorkerTally>> tallies;
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    tallies.push_back(std::make_unique<WorkerTally>());
    workers.emplace_back([&, w, tally = tallies.back().get()] {
      int64_t books = 0;
      for (int64_t turn = 0; !stop.load(std::memory_order_relaxed); ++turn) {
        grpc::ClientContext context;
        context.set_deadline(In(options.deadline));
        std::optional<LinkToken> link;
        BookingCalendar* calendar = nullptr;
        if (turn % 2 == 1) {
          calendar = &fixtures.CalendarFor(w, threads, books++);
          link = calendar->TakeFreshLink();
          if (!link.has_value()) ++tally->without_link;
        }
        grpc::Status status;
        const char* method = kListMethod;
        if (link.has_value()) {
          method = kBookMethod;
          v1::BookOneTimeLinkRequest request;
          request.set_token(link->token);
          *request.mutable_start_time() = ToTimestamp(calendar->TakeSlot());
          request.mutable_invitee()->set_display_name(kInviteeName);
          request.mutable_invitee()->set_email(kInviteeEmail);
          v1::Booking booking;
          status = stubs.links(w).BookOneTimeLink(&context, request, &booking);
        } else {
          v1::ListFreeSlotsResponse response;
          status = stubs.calendars(w).ListFreeSlots(&context, slots_request,
                                                    &response);
        }
        ++tally->answers[method][CodeOf(LabelOf(status))];
        ++tally->calls;
      }
    });
  }

  const absl::Time start = absl::Now();
  const absl::Time end = start + options.duration;
  while (absl::Now() < end) {
    const ServersNow now = SampleServers(options.server_pids);
    result.peak_threads = std::max(result.peak_threads, now.threads);
    result.peak_rss_kb = std::max(result.peak_rss_kb, now.peak_rss_kb);
    ++result.samples;
    absl::SleepFor(kSampleEvery);
  }
  stop = true;
  for (std::thread& worker : workers) worker.join();
  result.window = absl::Now() - start;
  {
    const ServersNow now = SampleServers(options.server_pids);
    result.peak_threads = std::max(result.peak_threads, now.threads);
    result.peak_rss_kb = std::max(result.peak_rss_kb, now.peak_rss_kb);
  }
  for (const auto& tally : tallies) {
    for (const auto& [method, codes] : tally->answers) {
      for (const auto& [code, count] : codes) {
        result.answers[method][code] += count;
      }
    }
    result.calls += tally->calls;
    result.book_calls_without_link += tally->without_link;
  }
  {
    auto book = result.answers.find(kBookMethod);
    if (book != result.answers.end()) {
      auto ok = book->second.find("OK");
      if (ok != book->second.end()) result.book_ok = ok->second;
    }
  }

  // Right after: a normal call, as a booking page would make it.
  std::vector<absl::Duration> latencies;
  for (int i = 0; i <= kNormalCalls; ++i) {
    grpc::ClientContext context;
    context.set_deadline(In(kNormalDeadline));
    v1::ListFreeSlotsResponse response;
    const absl::Time call_start = absl::Now();
    const grpc::Status status =
        stubs.calendars(i).ListFreeSlots(&context, slots_request, &response);
    const absl::Duration latency = absl::Now() - call_start;
    if (i == 0) {
      result.first_call_label = LabelOf(status);
      result.first_call_latency = latency;
    } else {
      latencies.push_back(latency);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  result.median_call_latency = latencies[latencies.size() / 2];
  {
    grpc::ClientContext context;
    context.set_deadline(In(kNormalDeadline));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status =
        stubs.health(0).Check(&context, request, &response);
    result.health_label =
        status.ok() && response.status() ==
                           grpc::health::v1::HealthCheckResponse::SERVING
            ? "OK"
            : (status.ok() ? "NOT_SERVING" : LabelOf(status));
  }

  // Work the server still does for callers who left ends once the
  // bookings count stands still.
  const absl::Time settle_start = absl::Now();
  int64_t last = -1;
  while (true) {
    absl::StatusOr<int64_t> now = CountBookings(admin, fixtures.location_id());
    if (!now.ok()) return now.status();
    if (*now == last || absl::Now() - settle_start > kSettleLimit) {
      result.bookings_committed = *now - *bookings_before;
      break;
    }
    last = *now;
    absl::SleepFor(kSettlePoll);
  }
  result.settle_time = absl::Now() - settle_start;
  const ServersNow after = SampleServers(options.server_pids);
  result.threads_after = after.threads;
  result.rss_after_kb = after.rss_kb;
  return result;
}

}  // namespace scheduling::bench
