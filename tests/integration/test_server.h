// The integration tests' world: one real server per test process, started
// in-process on a free port of 127.0.0.1 against the database named by
// SCHEDULING_TEST_DSN, plus stubs and direct SQL for checking what was
// written. Every test works in a location of its own, so tests (and test
// processes running in parallel) never see each other's rows.
#ifndef SCHEDULING_TESTS_INTEGRATION_TEST_SERVER_H_
#define SCHEDULING_TESTS_INTEGRATION_TEST_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"
#include "server/server.h"

namespace scheduling::testing {

// The running server and a channel to it; valid for the whole process.
SchedulingServer& Server();
std::shared_ptr<grpc::Channel> Channel();

// The servers of the tests run with authentication on: an access policy
// (this file) whose principal "integration-tests" holds every permission
// on every location, proven by this API key, which Context() sends.
inline constexpr char kTestApiKey[] = "integration-test-key-6c1f0e";
const std::string& TestPolicyPath();

// Options for another in-process server like the shared one: plain text on
// a free port of 127.0.0.1, the test policy, `dsn`.
ServerOptions TestServerOptions(const std::string& dsn);

// Runs `sql` (a SELECT COUNT(*) or other single-integer query) directly on
// the database and returns the integer.
int64_t QueryInt(const std::string& sql);
// Runs a statement that returns no rows (UPDATE, DELETE) directly on the
// database: for tests that set up rows as an older server left them.
void ExecuteSql(const std::string& sql);
// The same as QueryInt on the database `dsn` names (a test's own
// PrivateDatabase), over a connection of its own.
int64_t QueryIntOn(const std::string& dsn, const std::string& sql);

// A fresh location id, unique across runs.
std::string UniqueLocation();

class IntegrationTest : public ::testing::Test {
 protected:
  IntegrationTest();

  // Creates an ACTIVE calendar (Mon-Sun 00:00-24:00 in `time_zone`, so
  // every future slot is offered) and returns it.
  v1::Calendar CreateCalendar(const std::string& time_zone = "UTC",
                              int duration_minutes = 30);

  // Generates a link for `calendar` and returns it (with token and URL).
  v1::OneTimeLink CreateLink(const v1::Calendar& calendar);

  // The first free slot of `calendar` from `from` on.
  google::protobuf::Timestamp FirstFreeSlot(const v1::Calendar& calendar,
                                            absl::Time from);

  // Bookings rows of `calendar` (any state).
  int64_t BookingRows(const v1::Calendar& calendar);

  const std::string location_;
  std::unique_ptr<v1::CalendarService::Stub> calendars_;
  std::unique_ptr<v1::OneTimeLinkService::Stub> links_;
};

// Calls the unary `method` ("/scheduling.v1.CalendarService/GetCalendar")
// with `bytes` as its request, as they are (no client-side checks), and
// returns the status.
grpc::Status CallUnaryWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& method,
                                const std::string& bytes,
                                grpc::ClientContext* context);

// A client context with a deadline, as every real caller should set, and
// the test API key.
std::unique_ptr<grpc::ClientContext> Context(
    absl::Duration timeout = absl::Seconds(30));

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_TEST_SERVER_H_
