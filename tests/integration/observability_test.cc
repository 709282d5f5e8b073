// What an operator sees of the server: Prometheus metrics that move by
// exactly what was called (retries by cause after a forced deadlock, pool
// waits that gave up), request ids echoed to callers, and log lines that
// are JSON, one per RPC, and never carry a link token, a DSN password or
// the token secret.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "scheduling/client/error_details.h"
#include "server/observability/log.h"
#include "tests/integration/calendar_fixtures.h"
#include "tests/integration/held_transaction.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

constexpr char kLinkService[] =
    "grpc_service=\"scheduling.v1.OneTimeLinkService\"";

std::string Handled(const std::string& method, const std::string& code) {
  return absl::StrCat("grpc_server_handled_total{grpc_code=\"", code,
                      "\",grpc_method=\"", method, "\",", kLinkService,
                      ",grpc_type=\"unary\"}");
}

std::string Started(const std::string& method) {
  return absl::StrCat("grpc_server_started_total{grpc_method=\"", method, "\",",
                      kLinkService, ",grpc_type=\"unary\"}");
}

std::string HandlingCount(const std::string& method) {
  return absl::StrCat("grpc_server_handling_seconds_count{grpc_method=\"",
                      method, "\",", kLinkService, ",grpc_type=\"unary\"}");
}

v1::BookOneTimeLinkRequest BookRequest(
    const std::string& token, const google::protobuf::Timestamp& start) {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = start;
  request.mutable_invitee()->set_display_name("Ada Lovelace");
  request.mutable_invitee()->set_email("ada@example.com");
  return request;
}

// Every log line the process writes while it lives.
class LogCapture {
 public:
  LogCapture() {
    observability::SetLogSink([this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { observability::SetLogSink(nullptr); }

  std::vector<std::string> lines() {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_;
};

class MetricsTest : public CalendarFixture {
 protected:
  // The primary key of `calendar`'s row.
  int64_t CalendarPk(const v1::Calendar& calendar) {
    return QueryInt("SELECT " + CalendarPkSql(calendar.name()));
  }
};

// The change of `series` from `before` to `after`.
double Delta(const std::map<std::string, double>& before,
             const std::map<std::string, double>& after,
             const std::string& series) {
  return Sample(after, series) - Sample(before, series);
}

TEST_F(MetricsTest, KnownCallsMoveTheirSeriesByExactlyThatMuch) {
  ASSERT_GT(Server().metrics_port(), 0);
  const v1::Calendar calendar = CreateCalendar();
  const std::map<std::string, double> before =
      ScrapeMetrics(Server().metrics_port());

  const v1::OneTimeLink first = CreateLink(calendar);
  const v1::OneTimeLink second = CreateLink(calendar);
  const google::protobuf::Timestamp slot =
      FirstFreeSlot(calendar, absl::Now() + absl::Hours(24));
  // A second read of the same calendar with nothing changed in between
  // comes from the free-slot cache.
  FirstFreeSlot(calendar, absl::Now() + absl::Hours(24));
  v1::Booking booking;
  ASSERT_TRUE(links_
                  ->BookOneTimeLink(Context().get(),
                                    BookRequest(first.token(), slot), &booking)
                  .ok());
  grpc::Status again = links_->BookOneTimeLink(
      Context().get(), BookRequest(first.token(), slot), &booking);
  ASSERT_EQ(client::ErrorReason(again), "LINK_USED");
  // The slot is taken now: the second link is refused for that reason.
  grpc::Status taken = links_->BookOneTimeLink(
      Context().get(), BookRequest(second.token(), slot), &booking);
  ASSERT_EQ(client::ErrorReason(taken), "SLOT_UNAVAILABLE");

  const std::map<std::string, double> after =
      ScrapeMetrics(Server().metrics_port());
  auto delta = [&](const std::string& series) {
    return Sample(after, series) - Sample(before, series);
  };
  EXPECT_EQ(delta(Started("CreateOneTimeLink")), 2);
  EXPECT_EQ(delta(Handled("CreateOneTimeLink", "OK")), 2);
  EXPECT_EQ(delta(Started("BookOneTimeLink")), 3);
  EXPECT_EQ(delta(Handled("BookOneTimeLink", "OK")), 1);
  EXPECT_EQ(delta(Handled("BookOneTimeLink", "FAILED_PRECONDITION")), 2);
  EXPECT_EQ(delta(HandlingCount("BookOneTimeLink")), 3);
  EXPECT_EQ(delta("grpc_server_msg_received_total{grpc_method=\""
                  "BookOneTimeLink\"," +
                  std::string(kLinkService) + ",grpc_type=\"unary\"}"),
            3);
  EXPECT_EQ(delta("grpc_server_msg_sent_total{grpc_method=\""
                  "BookOneTimeLink\"," +
                  std::string(kLinkService) + ",grpc_type=\"unary\"}"),
            1);
  EXPECT_EQ(delta("scheduling_links_created_total"), 2);
  EXPECT_EQ(delta("scheduling_links_used_total"), 1);
  EXPECT_EQ(delta("scheduling_bookings_created_total{via=\"one_time_link\"}"),
            1);
  EXPECT_EQ(
      delta("scheduling_link_booking_refusals_total{reason=\"LINK_USED\"}"), 1);
  EXPECT_EQ(delta("scheduling_link_booking_refusals_total{reason=\""
                  "SLOT_UNAVAILABLE\"}"),
            1);
  EXPECT_EQ(delta("scheduling_free_slot_cache_lookups_total{result=\"hit\"}"),
            1);
  EXPECT_EQ(delta("scheduling_free_slot_cache_lookups_total{result=\"miss\"}"),
            1);
  // Two creations and three booking attempts, each one unit of store work.
  EXPECT_EQ(delta("scheduling_db_operation_seconds_count{operation=\""
                  "create one-time links\"}"),
            2);
  EXPECT_EQ(delta("scheduling_db_operation_seconds_count{operation=\""
                  "book one-time link\"}"),
            3);
  EXPECT_EQ(delta("scheduling_db_pool_acquire_seconds_count"),
            delta("scheduling_db_operation_seconds_count{operation=\""
                  "create one-time links\"}") +
                delta("scheduling_db_operation_seconds_count{operation=\""
                      "book one-time link\"}") +
                delta("scheduling_db_operation_seconds_count{operation=\""
                      "read calendar and bookings\"}"));
  EXPECT_EQ(Sample(after, "scheduling_db_pool_max_connections"), 16);
  EXPECT_EQ(Sample(after, "scheduling_db_pool_connections{state=\"in_use\"}"),
            0);
  EXPECT_GE(Sample(after, "scheduling_db_pool_connections{state=\"idle\"}"), 1);
  EXPECT_EQ(Sample(after, "scheduling_db_up"), 1);
  EXPECT_EQ(delta("scheduling_db_pool_acquire_timeouts_total"), 0);
}

TEST_F(MetricsTest, ACancellationIsCountedOnceNotPerCall) {
  const v1::Calendar calendar = Create(CalendarSpec("Cancel count"));
  const v1::Booking booking = Book(calendar.name(), At(DaysAhead(7), 9));
  const auto before = ScrapeMetrics(Server().metrics_port());
  EXPECT_EQ(Cancel(booking.name(), "first").state(), v1::Booking::CANCELLED);
  // Cancelling a cancelled booking answers OK and cancels nothing.
  EXPECT_EQ(Cancel(booking.name(), "again").state(), v1::Booking::CANCELLED);
  const auto after = ScrapeMetrics(Server().metrics_port());
  EXPECT_EQ(Delta(before, after, "scheduling_bookings_cancelled_total"), 1);
  EXPECT_EQ(Delta(before, after,
                  "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\""
                  "CancelBooking\",grpc_service=\"scheduling.v1."
                  "CalendarService\",grpc_type=\"unary\"}"),
            2);
}

// A deadlock made on purpose: the test's transaction holds the booking
// rows, CancelBooking takes the calendar row and waits for the booking,
// then the test asks for the calendar row. InnoDB rolls back the lighter
// transaction, the call's; the store runs it again, once, and it succeeds.
TEST_F(MetricsTest, ADeadlockedCallIsRetriedAndCountedAsADeadlock) {
  const v1::Calendar calendar = Create(CalendarSpec("Deadlock"));
  const v1::Booking target = Book(calendar.name(), At(DaysAhead(7), 9));
  Book(calendar.name(), At(DaysAhead(7), 10), 1);
  Book(calendar.name(), At(DaysAhead(7), 11), 2);
  const std::string calendar_row = absl::StrCat(
      "SELECT pk FROM calendars WHERE pk = ", CalendarPk(calendar));
  const auto before = ScrapeMetrics(Server().metrics_port());

  HeldTransaction held;
  // Three rows changed make this transaction the heavier one.
  held.Execute(absl::StrCat(
      "UPDATE bookings SET cancel_reason = 'held by the test' WHERE "
      "calendar_pk = ",
      CalendarPk(calendar)));
  grpc::Status status;
  v1::Booking cancelled;
  std::thread call([&] { status = TryCancel(target.name(), &cancelled); });
  // The call has bumped the calendar's booking revision: it holds the
  // calendar row, and waits (or is about to) for the booking row.
  const bool calendar_taken =
      AwaitRowLockedElsewhere(calendar_row, absl::Seconds(10));
  EXPECT_TRUE(calendar_taken);
  if (calendar_taken) {
    // Closes the cycle; returns once the call's transaction is rolled back.
    EXPECT_EQ(held.Execute(calendar_row + " FOR UPDATE"), 1);
  }
  held.Release();
  call.join();
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(cancelled.state(), v1::Booking::CANCELLED);

  const auto after = ScrapeMetrics(Server().metrics_port());
  const std::map<std::string, int> retries = {
      {"deadlock", 1}, {"lock_wait_timeout", 0}, {"certification", 0}};
  for (const auto& [cause, expected] : retries) {
    EXPECT_EQ(Delta(before, after,
                    absl::StrCat("scheduling_db_transaction_retries_total{"
                                 "cause=\"",
                                 cause, "\"}")),
              expected)
        << cause;
  }
  EXPECT_EQ(Delta(before, after, "scheduling_bookings_cancelled_total"), 1);
  EXPECT_EQ(Delta(before, after,
                  "scheduling_db_operation_seconds_count{"
                  "operation=\"cancel booking\"}"),
            1);
}

// A server with one pooled connection, held by a call that waits on a row
// the test locked: the next call's wait for a connection gives up at its
// deadline, and the metric counts it.
TEST_F(MetricsTest, AnExhaustedPoolCountsTheWaitsThatGaveUp) {
  const v1::Calendar calendar = Create(CalendarSpec("Pool"));
  const v1::Booking booking = Book(calendar.name(), At(DaysAhead(7), 9));
  ServerOptions options = TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
  options.db_pool_size = 1;
  options.metrics_listen = "127.0.0.1:0";
  options.sequencer.enabled = false;
  auto server = SchedulingServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::CalendarService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials()));
  const int metrics_port = (*server)->metrics_port();
  constexpr char kInUse[] = "scheduling_db_pool_connections{state=\"in_use\"}";
  constexpr char kTimeouts[] = "scheduling_db_pool_acquire_timeouts_total";
  const auto before = ScrapeMetrics(metrics_port);
  EXPECT_EQ(Sample(before, "scheduling_db_pool_max_connections"), 1);

  HeldTransaction held;
  ASSERT_EQ(held.Execute(absl::StrCat("SELECT pk FROM calendars WHERE pk = ",
                                      CalendarPk(calendar), " FOR UPDATE")),
            1);
  grpc::Status blocked;
  std::thread holder([&] {
    v1::CancelBookingRequest request;
    request.set_name(booking.name());
    v1::Booking cancelled;
    blocked = stub->CancelBooking(Context().get(), request, &cancelled);
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Sample(ScrapeMetrics(metrics_port), kInUse) != 1 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Sample(ScrapeMetrics(metrics_port), kInUse), 1);

  v1::GetCalendarRequest get;
  get.set_name(calendar.name());
  v1::Calendar read;
  grpc::Status starved =
      stub->GetCalendar(Context(absl::Seconds(1)).get(), get, &read);
  EXPECT_EQ(starved.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << client::DescribeStatus(starved);
  // The server gives up at the same deadline as the client: it may count
  // a moment after the client has its answer.
  while (Delta(before, ScrapeMetrics(metrics_port), kTimeouts) < 1 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Delta(before, ScrapeMetrics(metrics_port), kTimeouts), 1);

  held.Release();
  holder.join();
  EXPECT_TRUE(blocked.ok()) << client::DescribeStatus(blocked);
  EXPECT_TRUE(stub->GetCalendar(Context().get(), get, &read).ok());
  const auto after = ScrapeMetrics(metrics_port);
  EXPECT_EQ(Delta(before, after, kTimeouts), 1);
  EXPECT_EQ(Sample(after, kInUse), 0);
  (*server)->Shutdown(absl::Seconds(2));
  (*server)->Wait();
}

TEST_F(MetricsTest, OpenWatchStreamsAreAGauge) {
  const double before = Sample(ScrapeMetrics(Server().metrics_port()),
                               "scheduling_watch_streams_open");
  auto context = Context();
  v1::WatchOneTimeLinkEventsRequest request;
  request.set_parent("locations/" + location_);
  auto stream = links_->WatchOneTimeLinkEvents(context.get(), request);
  // The stream is open once the server has counted it: wait for that.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  double open = before;
  while (open == before && absl::Now() < deadline) {
    open = Sample(ScrapeMetrics(Server().metrics_port()),
                  "scheduling_watch_streams_open");
  }
  EXPECT_EQ(open, before + 1);
  context->TryCancel();
  v1::OneTimeLinkEvent event;
  while (stream->Read(&event)) {
  }
  stream->Finish();
  double closed = open;
  while (closed != before && absl::Now() < deadline) {
    closed = Sample(ScrapeMetrics(Server().metrics_port()),
                    "scheduling_watch_streams_open");
  }
  EXPECT_EQ(closed, before);
}

class RequestIdTest : public IntegrationTest {
 protected:
  // The x-request-id the server sent back on a GetCalendar call.
  std::string EchoedId(const std::string& sent) {
    auto context = Context();
    if (!sent.empty()) context->AddMetadata("x-request-id", sent);
    v1::GetCalendarRequest request;
    request.set_name("locations/" + location_ + "/calendars/missing");
    v1::Calendar calendar;
    grpc::Status status =
        calendars_->GetCalendar(context.get(), request, &calendar);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    const auto& metadata = context->GetServerInitialMetadata();
    auto found = metadata.find("x-request-id");
    if (found == metadata.end()) return "";
    return std::string(found->second.data(), found->second.size());
  }
};

TEST_F(RequestIdTest, EchoesTheCallersIdEvenOnErrors) {
  EXPECT_EQ(EchoedId("order-4711-retry-2"), "order-4711-retry-2");
}

TEST_F(RequestIdTest, MakesAFreshIdWhenNoneOrAnUnusableOneIsSent) {
  const std::string made = EchoedId("");
  EXPECT_THAT(made, ::testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(EchoedId(""), made);
  EXPECT_THAT(EchoedId(std::string(129, 'x')),
              ::testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(EchoedId("has space"), ::testing::MatchesRegex("[0-9a-f]{32}"));
}

// A server of its own with per-RPC logging on, JSON lines, and a log sink.
class LogLinesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    observability::SetLogFormat(observability::LogFormat::kJson);
  }
  void TearDown() override {
    observability::SetLogFormat(observability::LogFormat::kText);
  }

  static ServerOptions Options(const std::string& dsn) {
    ServerOptions options = TestServerOptions(dsn);
    options.token_secret = "token-secret-never-logged-7f3a";
    options.db_pool_size = 2;
    options.log_rpcs = true;
    return options;
  }
};

TEST_F(LogLinesTest, OneJsonLinePerRpcWithoutTokensOrSecrets) {
  LogCapture capture;
  auto server =
      SchedulingServer::Start(Options(std::getenv("SCHEDULING_TEST_DSN")));
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  auto calendars = v1::CalendarService::NewStub(channel);
  auto links = v1::OneTimeLinkService::NewStub(channel);

  const std::string location = UniqueLocation();
  v1::CreateCalendarRequest create;
  create.set_parent("locations/" + location);
  create.mutable_calendar()->set_display_name("Log check");
  create.mutable_calendar()->set_slug("log-check");
  create.mutable_calendar()->mutable_duration()->set_seconds(1800);
  create.mutable_calendar()->set_time_zone("UTC");
  for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
    v1::OpenInterval* hours = create.mutable_calendar()->add_weekly_hours();
    hours->set_day_of_week(static_cast<google::type::DayOfWeek>(day));
    hours->mutable_start_time()->set_hours(0);
    hours->mutable_end_time()->set_hours(24);
  }
  v1::Calendar calendar;
  ASSERT_TRUE(
      calendars->CreateCalendar(Context().get(), create, &calendar).ok());
  v1::CreateOneTimeLinkRequest create_link;
  create_link.set_parent(calendar.name());
  v1::OneTimeLink link;
  ASSERT_TRUE(
      links->CreateOneTimeLink(Context().get(), create_link, &link).ok());
  ASSERT_FALSE(link.token().empty());

  int calls = 2;
  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  auto resolve_context = Context();
  resolve_context->AddMetadata("x-request-id", "resolve-call-1");
  EXPECT_TRUE(
      links->ResolveOneTimeLink(resolve_context.get(), resolve, &resolved)
          .ok());
  ++calls;
  v1::ListFreeSlotsRequest slots_request;
  slots_request.set_calendar(calendar.name());
  *slots_request.mutable_start_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
  *slots_request.mutable_end_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(48)));
  v1::ListFreeSlotsResponse slots;
  ASSERT_TRUE(
      calendars->ListFreeSlots(Context().get(), slots_request, &slots).ok());
  ASSERT_GT(slots.slots_size(), 0);
  ++calls;
  v1::Booking booking;
  EXPECT_TRUE(links
                  ->BookOneTimeLink(
                      Context().get(),
                      BookRequest(link.token(), slots.slots(0).start_time()),
                      &booking)
                  .ok());
  ++calls;
  // Refused calls with the token in the request, a token in a bad shape.
  EXPECT_EQ(links->ResolveOneTimeLink(Context().get(), resolve, &resolved)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ++calls;
  resolve.set_token(link.token() + "-tampered");
  EXPECT_FALSE(
      links->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
  ++calls;
  (*server)->Shutdown(absl::Seconds(5));
  (*server)->Wait();
  server->reset();

  int rpc_lines = 0;
  bool saw_resolve_id = false;
  for (const std::string& line : capture.lines()) {
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr(link.token())));
    EXPECT_THAT(line, ::testing::Not(
                          ::testing::HasSubstr("token-secret-never-logged")));
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr("ada@example.com")));
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(record.is_discarded()) << "not JSON: " << line;
    ASSERT_TRUE(record.contains("time")) << line;
    ASSERT_TRUE(record.contains("level")) << line;
    ASSERT_TRUE(record.contains("msg")) << line;
    if (record["msg"] != "rpc") continue;
    ++rpc_lines;
    for (const char* key :
         {"service", "method", "code", "duration_ms", "peer", "request_id"}) {
      EXPECT_TRUE(record.contains(key)) << key << " missing in " << line;
    }
    EXPECT_EQ(record["level"], "info");
    if (record["request_id"] == "resolve-call-1") {
      saw_resolve_id = true;
      EXPECT_EQ(record["method"], "ResolveOneTimeLink");
      EXPECT_EQ(record["code"], "OK");
      EXPECT_EQ(record["service"], "scheduling.v1.OneTimeLinkService");
      EXPECT_THAT(record["peer"].get<std::string>(),
                  ::testing::HasSubstr("127.0.0.1"));
    }
  }
  EXPECT_EQ(rpc_lines, calls);
  EXPECT_TRUE(saw_resolve_id);
}

TEST_F(LogLinesTest, ADatabasePasswordNeverReachesTheLog) {
  LogCapture capture;
  // The shared database with a wrong, recognisable password: start-up
  // fails with the driver's "access denied", which is logged.
  std::string dsn = std::getenv("SCHEDULING_TEST_DSN");
  const size_t colon = dsn.find(':', dsn.find("//"));
  const size_t at = dsn.find('@');
  ASSERT_NE(colon, std::string::npos);
  dsn.replace(colon + 1, at - colon - 1, "Pa55-never-logged-91c");
  ServerOptions options = Options(dsn);
  options.startup_timeout = absl::Seconds(1);
  auto server = SchedulingServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable)
      << server.status();
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::Not(::testing::HasSubstr("Pa55-never-logged")));
  bool saw_not_ready = false;
  for (const std::string& line : capture.lines()) {
    EXPECT_THAT(line,
                ::testing::Not(::testing::HasSubstr("Pa55-never-logged")));
    if (absl::StrContains(line, "\"not ready\"")) saw_not_ready = true;
  }
  EXPECT_TRUE(saw_not_ready);
}

}  // namespace
}  // namespace scheduling::testing
