// Shared helpers of the one-time link integration tests (issue 4): link
// options built deliberately, thin wrappers over OneTimeLinkService calls
// that report their status, pre-connected link stubs for real races, an
// event watcher on a thread of its own, and direct database checks (rows
// of links, uses, events and bookings; the token never stored).
//
// Header-only: tests/server_tests.cmake compiles integration/*_test.cc and
// test_server.cc only.
#ifndef SCHEDULING_TESTS_INTEGRATION_LINK_FIXTURES_H_
#define SCHEDULING_TESTS_INTEGRATION_LINK_FIXTURES_H_

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {

inline constexpr char kLinkInactiveMessage[] =
    "The link is no longer active. Please reach out to the event owner for a "
    "new link.";

inline google::type::Date DateOf(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

inline absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// The local date `days` days after today in the IANA zone `zone_name`.
inline absl::CivilDay DaysAheadIn(int days, const std::string& zone_name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone)) << zone_name;
  return DaysAhead(days, zone);
}

// Sleeps until the instant `deadline` has passed on this machine's clock
// (the server runs in-process, on the same clock).
inline void SleepUntil(absl::Time deadline) {
  for (absl::Time now = absl::Now(); now <= deadline; now = absl::Now()) {
    absl::SleepFor(deadline - now + absl::Microseconds(1));
  }
}

// Runs the calls on threads of their own, released at the same moment,
// and returns their statuses in call order.
inline std::vector<grpc::Status> RunTogether(
    const std::vector<std::function<grpc::Status()>>& calls) {
  auto* start = new absl::Barrier(static_cast<int>(calls.size()));
  std::vector<grpc::Status> results(calls.size());
  std::vector<std::thread> workers;
  workers.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    workers.emplace_back([&, i] {
      if (start->Block()) delete start;
      results[i] = calls[i]();
    });
  }
  for (std::thread& worker : workers) worker.join();
  return results;
}

// `n` OneTimeLinkService stubs, each on a connection of its own
// established before returning, so that calls made together reach the
// server together.
inline std::vector<std::unique_ptr<v1::OneTimeLinkService::Stub>>
ConnectedLinkStubs(int n) {
  std::vector<std::unique_ptr<v1::OneTimeLinkService::Stub>> stubs;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(Server().port()),
        grpc::InsecureChannelCredentials(), arguments);
    EXPECT_TRUE(channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(10))));
    stubs.push_back(v1::OneTimeLinkService::NewStub(channel));
  }
  return stubs;
}

inline v1::BookOneTimeLinkRequest LinkBookingRequest(
    const std::string& token, absl::Time start, int invitee = 0,
    const std::string& email = "") {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = Ts(start);
  *request.mutable_invitee() = MakeInvitee(invitee);
  if (!email.empty()) request.mutable_invitee()->set_email(email);
  return request;
}

// Every cell of the rows `sql` selects, as text (NULL cells skipped), read
// on a connection of its own (test_server.cc keeps its pool private).
inline std::vector<std::string> QueryCells(const std::string& sql) {
  static store::ConnectionPool* pool = [] {
    const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
    auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
    if (!parsed.ok()) return static_cast<store::ConnectionPool*>(nullptr);
    auto created = store::ConnectionPool::Create(*parsed, 1);
    return created.ok() ? created->release() : nullptr;
  }();
  std::vector<std::string> cells;
  EXPECT_NE(pool, nullptr) << "cannot connect to SCHEDULING_TEST_DSN";
  if (pool == nullptr) return cells;
  absl::Status status =
      store::RunStatements(*pool, "test cells", [&](store::Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
        const unsigned columns = rows->getMetaData()->getColumnCount();
        while (rows->next()) {
          for (unsigned column = 1; column <= columns; ++column) {
            if (!rows->isNull(column)) {
              cells.push_back(std::string(rows->getString(column)));
            }
          }
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status << " for " << sql;
  return cells;
}

// How many of `tokens` occur (whole or inside a longer value) in any cell.
inline int TokensFoundIn(const std::vector<std::string>& cells,
                         const std::vector<std::string>& tokens) {
  if (tokens.empty()) return 0;
  const size_t length = tokens.front().size();
  const std::set<std::string> wanted(tokens.begin(), tokens.end());
  std::set<std::string> found;
  for (const std::string& cell : cells) {
    for (size_t at = 0; at + length <= cell.size(); ++at) {
      auto hit = wanted.find(cell.substr(at, length));
      if (hit != wanted.end()) found.insert(*hit);
    }
  }
  return static_cast<int>(found.size());
}

// Reads WatchOneTimeLinkEvents on a thread of its own until stopped, the
// stream ends or its deadline passes; the test waits for what it expects
// with a deadline of its own.
class EventWatcher {
 public:
  EventWatcher(v1::OneTimeLinkService::Stub& stub, const std::string& parent,
               const std::string& cursor,
               absl::Duration deadline = absl::Seconds(60)) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    context_.AddMetadata("authorization", std::string("Bearer ") + kTestApiKey);
    v1::WatchOneTimeLinkEventsRequest request;
    request.set_parent(parent);
    request.set_cursor(cursor);
    reader_ = stub.WatchOneTimeLinkEvents(&context_, request);
    thread_ = std::thread([this] {
      v1::OneTimeLinkEvent event;
      while (reader_->Read(&event)) {
        absl::MutexLock lock(&mutex_);
        events_.push_back(event);
      }
      grpc::Status status = reader_->Finish();
      absl::MutexLock lock(&mutex_);
      status_ = status;
      done_ = true;
    });
  }
  EventWatcher(const EventWatcher&) = delete;
  EventWatcher& operator=(const EventWatcher&) = delete;
  ~EventWatcher() { Stop(); }

  // Waits until `count` events arrived (true) or `timeout` passed.
  bool WaitFor(size_t count, absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mutex_);
    auto enough = [&] { return events_.size() >= count || done_; };
    mutex_.AwaitWithTimeout(absl::Condition(&enough), timeout);
    return events_.size() >= count;
  }

  // Waits until the stream ended by itself and returns how.
  grpc::Status WaitForEnd(absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mutex_);
    mutex_.AwaitWithTimeout(absl::Condition(&done_), timeout);
    return done_ ? status_
                 : grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                "stream did not end");
  }

  // Hangs up (cancels the call) and waits for the reader thread.
  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    thread_.join();
  }

  std::vector<v1::OneTimeLinkEvent> events() {
    absl::MutexLock lock(&mutex_);
    return events_;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::OneTimeLinkEvent>> reader_;
  std::thread thread_;
  absl::Mutex mutex_;
  std::vector<v1::OneTimeLinkEvent> events_ ABSL_GUARDED_BY(mutex_);
  grpc::Status status_ ABSL_GUARDED_BY(mutex_);
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
};

// CalendarFixture plus link helpers. Like it, helpers check with EXPECT
// (never ASSERT) so that they may return values.
class LinkFixture : public CalendarFixture {
 protected:
  // An ACTIVE calendar open around the clock in `time_zone`.
  v1::Calendar AllDayCalendar(const std::string& time_zone = "UTC",
                              int duration_minutes = 30,
                              int booking_horizon_days = 0) {
    v1::Calendar spec =
        CalendarSpec("Link calendar", time_zone, duration_minutes, 0, 24);
    spec.set_booking_horizon_days(booking_horizon_days);
    return Create(spec);
  }

  // An around-the-clock SERVICE calendar of `duration_minutes` that also
  // allows `others`.
  v1::Calendar ServiceCalendar(int duration_minutes,
                               const std::vector<int>& others,
                               const std::string& time_zone = "UTC") {
    v1::Calendar spec =
        CalendarSpec("Service calendar", time_zone, duration_minutes, 0, 24);
    spec.set_calendar_type(v1::Calendar::SERVICE);
    *spec.add_allowed_durations() = Minutes(duration_minutes);
    for (int minutes : others) *spec.add_allowed_durations() = Minutes(minutes);
    return Create(spec);
  }

  grpc::Status TryCreateLink(const std::string& calendar,
                             const v1::OneTimeLink& options,
                             v1::OneTimeLink* created,
                             const std::string& request_id = "") {
    v1::CreateOneTimeLinkRequest request;
    request.set_parent(calendar);
    *request.mutable_one_time_link() = options;
    request.set_request_id(request_id);
    return links_->CreateOneTimeLink(Context().get(), request, created);
  }

  v1::OneTimeLink NewLink(const std::string& calendar,
                          const v1::OneTimeLink& options = {},
                          const std::string& request_id = "") {
    v1::OneTimeLink created;
    grpc::Status status =
        TryCreateLink(calendar, options, &created, request_id);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return created;
  }

  grpc::Status TryGetLink(const std::string& name, v1::OneTimeLink* link) {
    v1::GetOneTimeLinkRequest request;
    request.set_name(name);
    return links_->GetOneTimeLink(Context().get(), request, link);
  }

  v1::OneTimeLink GetLink(const std::string& name) {
    v1::OneTimeLink link;
    grpc::Status status = TryGetLink(name, &link);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return link;
  }

  grpc::Status TryResolve(const std::string& token,
                          v1::ResolveOneTimeLinkResponse* response) {
    v1::ResolveOneTimeLinkRequest request;
    request.set_token(token);
    return links_->ResolveOneTimeLink(Context().get(), request, response);
  }

  grpc::Status TryLinkSlots(const std::string& token, absl::Time from,
                            absl::Time to,
                            v1::ListOneTimeLinkFreeSlotsResponse* response,
                            const std::string& time_zone = "") {
    v1::ListOneTimeLinkFreeSlotsRequest request;
    request.set_token(token);
    *request.mutable_start_time() = Ts(from);
    *request.mutable_end_time() = Ts(to);
    request.set_time_zone(time_zone);
    return links_->ListOneTimeLinkFreeSlots(Context().get(), request, response);
  }

  std::vector<v1::Slot> LinkSlots(const std::string& token, absl::Time from,
                                  absl::Time to) {
    v1::ListOneTimeLinkFreeSlotsResponse response;
    grpc::Status status = TryLinkSlots(token, from, to, &response);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return {response.slots().begin(), response.slots().end()};
  }

  // Books through the link; `caller` goes into x-scheduling-caller.
  grpc::Status TryBookLink(const v1::BookOneTimeLinkRequest& request,
                           v1::Booking* booking, const std::string& caller = "",
                           v1::OneTimeLinkService::Stub* stub = nullptr) {
    auto context = Context();
    if (!caller.empty()) context->AddMetadata("x-scheduling-caller", caller);
    return (stub == nullptr ? links_.get() : stub)
        ->BookOneTimeLink(context.get(), request, booking);
  }

  v1::Booking BookLink(const std::string& token, absl::Time start,
                       int invitee = 0) {
    v1::Booking booking;
    grpc::Status status =
        TryBookLink(LinkBookingRequest(token, start, invitee), &booking);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return booking;
  }

  grpc::Status TryRevoke(const std::string& name, v1::OneTimeLink* revoked,
                         v1::OneTimeLinkService::Stub* stub = nullptr) {
    v1::RevokeOneTimeLinkRequest request;
    request.set_name(name);
    return (stub == nullptr ? links_.get() : stub)
        ->RevokeOneTimeLink(Context().get(), request, revoked);
  }

  v1::OneTimeLink Revoke(const std::string& name) {
    v1::OneTimeLink revoked;
    grpc::Status status = TryRevoke(name, &revoked);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return revoked;
  }

  std::vector<v1::OneTimeLinkUse> Uses(const std::string& link) {
    v1::ListOneTimeLinkUsesRequest request;
    request.set_parent(link);
    v1::ListOneTimeLinkUsesResponse response;
    grpc::Status status =
        links_->ListOneTimeLinkUses(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return {response.uses().begin(), response.uses().end()};
  }

  grpc::Status TryListEvents(const std::string& parent,
                             const std::string& cursor, int page_size,
                             v1::ListOneTimeLinkEventsResponse* response) {
    v1::ListOneTimeLinkEventsRequest request;
    request.set_parent(parent);
    request.set_cursor(cursor);
    request.set_page_size(page_size);
    return links_->ListOneTimeLinkEvents(Context().get(), request, response);
  }

  // Every event of `parent` (default: this test's location) after
  // `cursor`, read in pages of `page_size`.
  std::vector<v1::OneTimeLinkEvent> AllEvents(const std::string& cursor = "",
                                              int page_size = 1000,
                                              std::string parent = "") {
    if (parent.empty()) parent = Parent();
    std::vector<v1::OneTimeLinkEvent> events;
    std::string at = cursor;
    for (int pages = 0; pages < 10000; ++pages) {
      v1::ListOneTimeLinkEventsResponse response;
      grpc::Status status = TryListEvents(parent, at, page_size, &response);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
      if (!status.ok()) break;
      EXPECT_LE(response.events_size(), page_size);
      events.insert(events.end(), response.events().begin(),
                    response.events().end());
      if (response.events_size() == 0) {
        EXPECT_EQ(response.next_cursor(), at);
        break;
      }
      EXPECT_EQ(response.next_cursor(), response.events().rbegin()->cursor());
      at = response.next_cursor();
    }
    return events;
  }

  // Pages of ListOneTimeLinks: the names listed, in order.
  std::vector<std::string> ListLinkNames(const std::string& calendar,
                                         v1::OneTimeLink::State state,
                                         const std::string& contact_id,
                                         int page_size) {
    std::vector<std::string> names;
    std::string token;
    for (int pages = 0; pages < 1000; ++pages) {
      v1::ListOneTimeLinksRequest request;
      request.set_parent(calendar);
      request.set_state(state);
      request.set_contact_id(contact_id);
      request.set_page_size(page_size);
      request.set_page_token(token);
      v1::ListOneTimeLinksResponse response;
      grpc::Status status =
          links_->ListOneTimeLinks(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
      if (!status.ok()) break;
      EXPECT_LE(response.one_time_links_size(), page_size);
      for (const v1::OneTimeLink& link : response.one_time_links()) {
        EXPECT_TRUE(link.token().empty()) << link.name();
        EXPECT_TRUE(link.url().empty()) << link.name();
        if (state != v1::OneTimeLink::STATE_UNSPECIFIED) {
          EXPECT_EQ(link.state(), state) << link.name();
        }
        if (!contact_id.empty()) {
          EXPECT_EQ(link.invitee().contact_id(), contact_id) << link.name();
        }
        names.push_back(link.name());
      }
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return names;
  }

  // --- Direct database checks -------------------------------------------

  // SQL selecting the pk of the link named `link`.
  std::string LinkPkSql(const std::string& link) const {
    const std::string calendar = link.substr(0, link.find("/oneTimeLinks/"));
    return "(SELECT l.pk FROM one_time_links l WHERE l.calendar_pk = " +
           CalendarPkSql(calendar) + " AND l.link_id = '" + IdOf(link) + "')";
  }

  // one_time_links rows of this test's location.
  int64_t LinkRows() {
    return QueryInt(
        "SELECT COUNT(*) FROM one_time_links l JOIN calendars c ON c.pk = "
        "l.calendar_pk WHERE c.location_id = '" +
        location_ + "'");
  }

  // Events of this test's location (or `type` only) that were written:
  // one_time_link_events rows, numbered, plus the drafts not numbered yet
  // (event_sequencer.h).
  int64_t EventRows(int type = 0) {
    const std::string where =
        " WHERE location_id = '" + location_ + "'" +
        (type == 0 ? "" : " AND event_type = " + std::to_string(type));
    return QueryInt(
        "SELECT (SELECT COUNT(*) FROM one_time_link_events" + where +
        ") + (SELECT COUNT(*) FROM one_time_link_event_drafts" + where + ")");
  }

  // Rows of `table` (with a link_pk or one_time_link_pk column) of `link`.
  int64_t UseRows(const std::string& link) {
    return QueryInt("SELECT COUNT(*) FROM one_time_link_uses WHERE link_pk = " +
                    LinkPkSql(link));
  }
  int64_t LinkBookingRows(const std::string& link) {
    return QueryInt("SELECT COUNT(*) FROM bookings WHERE one_time_link_pk = " +
                    LinkPkSql(link));
  }
  int64_t StoredUseCount(const std::string& link) {
    return QueryInt("SELECT use_count FROM one_time_links WHERE pk = " +
                    LinkPkSql(link));
  }

  // Every cell of this location's one_time_links rows.
  std::vector<std::string> LinkCells() {
    return QueryCells(
        "SELECT l.* FROM one_time_links l JOIN calendars c ON c.pk = "
        "l.calendar_pk WHERE c.location_id = '" +
        location_ + "'");
  }

  // Whether the stored hash of `link` is SHA-256 of `token` (hex).
  bool StoredHashMatches(const v1::OneTimeLink& link) {
    return QueryInt("SELECT COUNT(*) FROM one_time_links WHERE pk = " +
                    LinkPkSql(link.name()) + " AND token_hash = SHA2('" +
                    link.token() + "', 256)") == 1;
  }
};

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_LINK_FIXTURES_H_
