#include "tests/integration/test_server.h"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "server/auth/access_policy.h"
#include "server/domain/secrets.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"

namespace scheduling::testing {
namespace {

SchedulingServer* g_server = nullptr;
std::shared_ptr<grpc::Channel>* g_channel = nullptr;
store::ConnectionPool* g_pool = nullptr;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(time));
}

}  // namespace

SchedulingServer& Server() { return *g_server; }
std::shared_ptr<grpc::Channel> Channel() { return *g_channel; }

namespace {

// The integer `sql` selects, on a connection of `pool`.
int64_t QueryIntIn(store::ConnectionPool& pool, const std::string& sql) {
  int64_t value = -1;
  absl::Status status =
      store::RunStatements(pool, "test query", [&](store::Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
        if (rows->next()) value = rows->getInt64(1);
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status << " for " << sql;
  return value;
}

}  // namespace

int64_t QueryInt(const std::string& sql) { return QueryIntIn(*g_pool, sql); }

void ExecuteSql(const std::string& sql) {
  absl::Status status =
      store::RunStatements(*g_pool, "test statement", [&](store::Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        statement->execute(sql);
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status << " for " << sql;
}

int64_t QueryIntOn(const std::string& dsn, const std::string& sql) {
  absl::StatusOr<store::Dsn> parsed = store::ParseDsn(dsn);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return -1;
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> pool =
      store::ConnectionPool::Create(*parsed, 1);
  EXPECT_TRUE(pool.ok()) << pool.status();
  if (!pool.ok()) return -1;
  return QueryIntIn(**pool, sql);
}

std::string UniqueLocation() { return "it-" + domain::GenerateResourceId(); }

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kTestApiKey));
  return context;
}

grpc::Status CallUnaryWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& method,
                                const std::string& bytes,
                                grpc::ClientContext* context) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(context, method, buffer, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(queue.Next(&tag, &ok));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

const std::string& TestPolicyPath() {
  static const std::string* path = [] {
    auto* file = new std::string(absl::StrCat(
        ::testing::TempDir(), "scheduling-test-policy-", getpid(), ".json"));
    std::ofstream out(*file);
    out << R"({"roles": [{"name": "everything", "permissions": [
        "calendars.read", "calendars.write", "links.create", "links.read",
        "links.revoke", "links.book", "bookings.read", "bookings.write",
        "events.read"]}],
      "principals": [{"name": "integration-tests", "apiKeySha256": [")"
        << auth::ApiKeyHash(kTestApiKey) << R"("],
        "grants": [{"role": "everything", "locations": ["*"]}]}]})";
    return file;
  }();
  return *path;
}

ServerOptions TestServerOptions(const std::string& dsn) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.insecure = true;
  options.access_policy = TestPolicyPath();
  options.dsn = dsn;
  options.public_base_url = "https://book.example.test/";
  options.token_secret = "integration-test-secret";
  options.log_rpcs = false;
  return options;
}

IntegrationTest::IntegrationTest()
    : location_(UniqueLocation()),
      calendars_(v1::CalendarService::NewStub(Channel())),
      links_(v1::OneTimeLinkService::NewStub(Channel())) {}

v1::Calendar IntegrationTest::CreateCalendar(const std::string& time_zone,
                                             int duration_minutes) {
  v1::CreateCalendarRequest request;
  request.set_parent("locations/" + location_);
  v1::Calendar* calendar = request.mutable_calendar();
  calendar->set_display_name("Intro call");
  calendar->set_slug("intro-" + domain::GenerateResourceId().substr(0, 8));
  calendar->mutable_duration()->set_seconds(duration_minutes * 60);
  calendar->set_time_zone(time_zone);
  for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
    v1::OpenInterval* hours = calendar->add_weekly_hours();
    hours->set_day_of_week(static_cast<google::type::DayOfWeek>(day));
    hours->mutable_start_time()->set_hours(0);
    hours->mutable_end_time()->set_hours(24);
  }
  v1::Calendar created;
  grpc::Status status =
      calendars_->CreateCalendar(Context().get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

v1::OneTimeLink IntegrationTest::CreateLink(const v1::Calendar& calendar) {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent(calendar.name());
  v1::OneTimeLink link;
  grpc::Status status =
      links_->CreateOneTimeLink(Context().get(), request, &link);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return link;
}

google::protobuf::Timestamp IntegrationTest::FirstFreeSlot(
    const v1::Calendar& calendar, absl::Time from) {
  v1::ListFreeSlotsRequest request;
  request.set_calendar(calendar.name());
  *request.mutable_start_time() = ToTimestamp(from);
  *request.mutable_end_time() = ToTimestamp(from + absl::Hours(24));
  v1::ListFreeSlotsResponse response;
  grpc::Status status =
      calendars_->ListFreeSlots(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(response.slots_size(), 0);
  if (response.slots_size() == 0) return {};
  return response.slots(0).start_time();
}

int64_t IntegrationTest::BookingRows(const v1::Calendar& calendar) {
  const std::string calendar_id =
      calendar.name().substr(calendar.name().rfind('/') + 1);
  return QueryInt(
      "SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.pk = "
      "b.calendar_pk "
      "WHERE c.location_id = '" +
      location_ + "' AND c.calendar_id = '" + calendar_id + "'");
}

}  // namespace scheduling::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // ctest discovers the tests by listing them; that needs no database.
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();

  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    std::fprintf(stderr,
                 "SCHEDULING_TEST_DSN is not set. The integration tests run "
                 "against a real MariaDB/MySQL; scripts/test.sh starts a "
                 "private one and sets it.\n");
    return 1;
  }
  scheduling::ServerOptions options =
      scheduling::testing::TestServerOptions(dsn);
  options.db_pool_size = 16;
  options.metrics_listen = "127.0.0.1:0";
  auto server = scheduling::SchedulingServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start the server: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  auto parsed = scheduling::store::ParseDsn(dsn);
  auto pool = scheduling::store::ConnectionPool::Create(*parsed, 4);
  if (!pool.ok()) {
    std::fprintf(stderr, "cannot connect: %s\n",
                 pool.status().ToString().c_str());
    return 1;
  }
  scheduling::testing::g_server = server->get();
  scheduling::testing::g_pool = pool->get();
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                          grpc::InsecureChannelCredentials());
  scheduling::testing::g_channel = &channel;
  const int result = RUN_ALL_TESTS();
  (*server)->Shutdown(absl::Seconds(5));
  (*server)->Wait();
  // The metrics endpoint's HTTP server (civetweb) stops only at the end of
  // its 2 s poll quantum; ctest runs each of several hundred tests in a
  // process of its own, so skip the destructors once the server has
  // drained: nothing is left to flush but stdio.
  std::fflush(nullptr);
  std::_Exit(result);
}
