// Statements bounded by the call's remaining time (issue 11, "Deadlines
// honoured end to end"): a statement that would wait on a row lock held
// by the test's own connection is cut off by MariaDB's max_statement_time
// at the call's deadline, not after the 10 s lock wait timeout, the call
// ends DEADLINE_EXCEEDED with a generic message, and nothing is written.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/call_deadline.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"
#include "tests/integration/held_transaction.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

std::string CalendarIdOf(const v1::Calendar& calendar) {
  return calendar.name().substr(calendar.name().rfind('/') + 1);
}

class StatementDeadlineTest : public LinkFixture {};

TEST_F(StatementDeadlineTest, AStatementBlockedOnALockEndsAtTheDeadline) {
  const v1::Calendar calendar = AllDayCalendar();
  const std::string where = "WHERE location_id = '" + location_ +
                            "' AND calendar_id = '" + CalendarIdOf(calendar) +
                            "'";
  const std::string row = "FROM calendars " + where;
  const int64_t version_before = QueryInt("SELECT version " + row);

  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto pool = store::ConnectionPool::Create(*parsed, 1);
  ASSERT_TRUE(pool.ok()) << pool.status();

  HeldTransaction holder;
  ASSERT_EQ(holder.Execute("SELECT pk " + row + " FOR UPDATE"), 1);

  const absl::Duration budget = absl::Seconds(1);
  const absl::Time start = absl::Now();
  absl::Status status;
  {
    store::CallDeadlineScope scope(start + budget);
    status =
        store::RunTransaction(**pool, "test update", [&](store::Lease& lease) {
          std::unique_ptr<sql::Statement> update(
              lease.connection().createStatement());
          update->execute("UPDATE calendars SET version = version + 1 " +
                          where);
          return absl::OkStatus();
        });
  }
  const absl::Duration took = absl::Now() - start;

  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(std::string(status.message()), store::kStatementDeadlineMessage);
  // Cut off at the deadline (the limit is the remaining time rounded down),
  // not after the 10 s lock wait timeout.
  EXPECT_GE(took, budget - absl::Milliseconds(150));
  EXPECT_LT(took, budget + absl::Seconds(2)) << took;
  holder.Release();
  EXPECT_EQ(QueryInt("SELECT version " + row), version_before);

  // The connection is fine afterwards, and a call without a deadline on it
  // runs unbounded again.
  status = store::RunStatements(**pool, "test sleep", [](store::Lease& lease) {
    std::unique_ptr<sql::Statement> sleep(lease.connection().createStatement());
    std::unique_ptr<sql::ResultSet> rows(
        sleep->executeQuery("SELECT SLEEP(1.2)"));
    EXPECT_TRUE(rows->next());
    EXPECT_EQ(rows->getInt(1), 0);  // 1 would mean interrupted
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(StatementDeadlineTest, AReadEndsAtTheDeadline) {
  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto pool = store::ConnectionPool::Create(*parsed, 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  const absl::Time start = absl::Now();
  absl::Status status;
  {
    store::CallDeadlineScope scope(start + absl::Milliseconds(500));
    status =
        store::RunStatements(**pool, "test sleep", [](store::Lease& lease) {
          std::unique_ptr<sql::Statement> sleep(
              lease.connection().createStatement());
          std::unique_ptr<sql::ResultSet> rows(
              sleep->executeQuery("SELECT SLEEP(5)"));
          return absl::OkStatus();
        });
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(std::string(status.message()), store::kStatementDeadlineMessage);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2500));
}

TEST_F(StatementDeadlineTest, ABookingBlockedOnALockedLinkWritesNothing) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink link = NewLink(calendar.name());
  const google::protobuf::Timestamp slot =
      FirstFreeSlot(calendar, absl::Now() + absl::Hours(2));
  const std::string calendar_row = "FROM calendars WHERE location_id = '" +
                                   location_ + "' AND calendar_id = '" +
                                   CalendarIdOf(calendar) + "'";

  const int64_t link_pk = QueryInt(
      "SELECT l.pk FROM one_time_links l JOIN calendars c ON c.pk = "
      "l.calendar_pk WHERE c.location_id = '" +
      location_ + "' AND l.link_id = '" + IdOf(link.name()) + "'");
  // Whether a transaction holds the link's row lock: our probe, on a
  // connection of its own in autocommit mode, cannot take it at once.
  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto probe_pool = store::ConnectionPool::Create(*parsed, 1);
  ASSERT_TRUE(probe_pool.ok()) << probe_pool.status();
  auto link_held = [&] {
    absl::Status probe =
        store::RunStatements(**probe_pool, "probe", [&](store::Lease& lease) {
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
              "SELECT pk FROM one_time_links WHERE pk = " +
              std::to_string(link_pk) + " FOR UPDATE NOWAIT"));
          return absl::OkStatus();
        });
    EXPECT_TRUE(probe.ok() || absl::IsAborted(probe)) << probe;
    return !probe.ok();
  };
  ASSERT_FALSE(link_held());

  HeldTransaction holder;
  ASSERT_EQ(holder.Execute("SELECT pk " + calendar_row + " FOR UPDATE"), 1);

  v1::BookOneTimeLinkRequest request = LinkBookingRequest(
      link.token(), absl::FromUnixSeconds(slot.seconds()), 1);
  const absl::Duration budget = absl::Milliseconds(1500);
  const absl::Time start = absl::Now();
  grpc::Status status;
  std::thread caller([&] {
    auto context = Context(budget);
    v1::Booking booking;
    status = links_->BookOneTimeLink(context.get(), request, &booking);
  });
  // The server's booking locks the link and then waits for our lock on
  // the calendar...
  bool held = link_held();
  while (!held && absl::Now() < start + budget) {
    absl::SleepFor(absl::Milliseconds(10));  // polling the database
    held = link_held();
  }
  EXPECT_TRUE(held) << "the booking never waited for the calendar's lock";
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << client::DescribeStatus(status);

  // ...and gives up at the call's deadline (max_statement_time), rolling
  // back and freeing the link, while we still hold the calendar: the 10 s
  // lock wait timeout would keep it waiting until start + 10 s.
  const absl::Time give_up = start + budget + absl::Seconds(2);
  while (held && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));  // polling the database
    held = link_held();
  }
  EXPECT_FALSE(held) << "the server still waits for the lock "
                     << absl::Now() - start << " after the call began";
  holder.Release();

  // Nothing written: no booking, no use, the link still ACTIVE.
  EXPECT_EQ(BookingRows(calendar), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM one_time_link_uses u JOIN "
                     "one_time_links l ON l.pk = u.link_pk JOIN calendars c "
                     "ON c.pk = l.calendar_pk WHERE c.location_id = '" +
                     location_ + "'"),
            0);
  EXPECT_EQ(GetLink(link.name()).state(), v1::OneTimeLink::ACTIVE);
}

}  // namespace
}  // namespace scheduling::testing
