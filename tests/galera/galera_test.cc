// Cross-node tests against a 3-node MariaDB Galera cluster with one
// scheduling_server per node (issue 12), run by scripts/galera.sh, which
// starts the cluster and the servers and passes them in the environment:
//
//   GALERA_NODE_DSNS    three DSNs, comma separated, node 1 to 3
//   GALERA_SERVERS      three host:port, comma separated, server i on node i
//   GALERA_API_KEY      the API key the servers' access policy knows
//   GALERA_SERVER_LOGS  the servers' log files, comma separated (optional)
//   GALERA_LOAD_SECONDS how long the write load runs (default 30)
//   GALERA_MAX_ABORTED_SHARE  the load test's limit on ABORTED calls
//                       (default 0.001, the target)
//
// Without them the binary fails: it is never a silent skip.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/migrations.h"
#include "server/store/transaction.h"

namespace scheduling::galera {
namespace {

constexpr int kNodes = 3;

struct Cluster {
  std::vector<std::string> dsns;
  std::vector<std::string> servers;
  std::vector<std::string> logs;
  std::string api_key;
  std::vector<std::unique_ptr<store::ConnectionPool>> pools;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
};

Cluster* g_cluster = nullptr;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::unique_ptr<grpc::ClientContext> Context(
    absl::Duration timeout = absl::Seconds(20)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->AddMetadata("authorization",
                       absl::StrCat("Bearer ", g_cluster->api_key));
  return context;
}

std::unique_ptr<v1::OneTimeLinkService::Stub> Links(int node) {
  return v1::OneTimeLinkService::NewStub(g_cluster->channels[node]);
}
std::unique_ptr<v1::CalendarService::Stub> Calendars(int node) {
  return v1::CalendarService::NewStub(g_cluster->channels[node]);
}

// A fresh channel to `node`'s server (its own HTTP/2 connection), for
// callers that must really run in parallel.
std::shared_ptr<grpc::Channel> NewChannel(int node) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  auto channel = grpc::CreateCustomChannel(
      g_cluster->servers[node], grpc::InsecureChannelCredentials(), args);
  channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return channel;
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(client::StatusCodeName(status.error_code()), " ",
                      client::ErrorReason(status), " ", status.error_message());
}

// Every cell of the rows `sql` selects on `node`, as text (NULL as ""),
// after the node has applied everything committed in the cluster before
// the query (wsrep_sync_wait).
std::vector<std::string> Cells(int node, const std::string& sql) {
  std::vector<std::string> cells;
  absl::Status status = store::RunStatements(
      *g_cluster->pools[node], "galera test query", [&](store::Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        statement->execute("SET SESSION wsrep_sync_wait = 15");
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
        const unsigned columns = rows->getMetaData()->getColumnCount();
        while (rows->next()) {
          for (unsigned column = 1; column <= columns; ++column) {
            cells.push_back(rows->isNull(column)
                                ? ""
                                : std::string(rows->getString(column)));
          }
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status << " for " << sql << " on node "
                           << node + 1;
  return cells;
}

int64_t Int(int node, const std::string& sql) {
  std::vector<std::string> cells = Cells(node, sql);
  int64_t value = -1;
  EXPECT_TRUE(cells.size() == 1 && absl::SimpleAtoi(cells[0], &value))
      << sql << " gave " << absl::StrJoin(cells, ",");
  return value;
}

int64_t CertFailures(int node) {
  std::vector<std::string> cells =
      Cells(node, "SHOW GLOBAL STATUS LIKE 'wsrep_local_cert_failures'");
  int64_t value = -1;
  if (cells.size() == 2) {
    EXPECT_TRUE(absl::SimpleAtoi(cells[1], &value));
  }
  return value;
}

std::string UniqueLocation(const std::string& what) {
  static std::atomic<int> counter{0};
  return absl::StrCat("galera-", what, "-", absl::ToUnixMillis(absl::Now()),
                      "-", getpid(), "-", ++counter);
}

google::protobuf::Timestamp Ts(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(absl::ToUnixSeconds(time));
  return timestamp;
}

// A calendar open around the clock, 30-minute slots, in `location`.
v1::Calendar CreateCalendar(int node, const std::string& location) {
  static std::atomic<int> counter{0};
  v1::CreateCalendarRequest request;
  request.set_parent(absl::StrCat("locations/", location));
  v1::Calendar* calendar = request.mutable_calendar();
  calendar->set_display_name("Galera calendar");
  calendar->set_slug(absl::StrCat("cal-", ++counter, "-", getpid()));
  calendar->mutable_duration()->set_seconds(30 * 60);
  calendar->set_time_zone("UTC");
  for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
    v1::OpenInterval* hours = calendar->add_weekly_hours();
    hours->set_day_of_week(static_cast<google::type::DayOfWeek>(day));
    hours->mutable_start_time()->set_hours(0);
    hours->mutable_end_time()->set_hours(24);
  }
  v1::Calendar created;
  grpc::Status status =
      Calendars(node)->CreateCalendar(Context().get(), request, &created);
  EXPECT_TRUE(status.ok()) << Describe(status);
  return created;
}

// Slot `index` of a 30-minute grid starting two days from now at midnight.
absl::Time Slot(int64_t index) {
  const absl::Time midnight = absl::FromCivil(
      absl::CivilDay(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())) + 2,
      absl::UTCTimeZone());
  return midnight + absl::Minutes(30) * index;
}

v1::Invitee Invitee(int i) {
  v1::Invitee invitee;
  invitee.set_display_name(absl::StrCat("Invitee ", i));
  invitee.set_email(absl::StrCat("invitee", i, "@example.com"));
  return invitee;
}

grpc::Status CreateLink(v1::OneTimeLinkService::Stub& stub,
                        const std::string& calendar, v1::OneTimeLink* link,
                        const std::string& request_id = "") {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent(calendar);
  request.set_request_id(request_id);
  return stub.CreateOneTimeLink(Context().get(), request, link);
}

v1::BookOneTimeLinkRequest BookRequest(const std::string& token,
                                       absl::Time start, int invitee,
                                       const std::string& request_id = "") {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = Ts(start);
  *request.mutable_invitee() = Invitee(invitee);
  request.set_request_id(request_id);
  return request;
}

// SQL text for the rows of `location` (test-made ids: no quoting needed).
std::string InLocation(const std::string& location) {
  return absl::StrCat("c.location_id = '", location, "'");
}

// Links, uses and link bookings of `location` as seen on `node`:
// "links/uses_sum/use_rows/link_bookings/over_max".
std::string LinkLedger(int node, const std::string& location) {
  const std::string where = InLocation(location);
  return absl::StrJoin(
      Cells(node,
            absl::StrCat(
                "SELECT (SELECT COUNT(*) FROM one_time_links l JOIN calendars "
                "c ON c.pk = l.calendar_pk WHERE ",
                where,
                "), (SELECT COALESCE(SUM(l.use_count), 0) FROM "
                "one_time_links l JOIN calendars c ON c.pk = l.calendar_pk "
                "WHERE ",
                where,
                "), (SELECT COUNT(*) FROM one_time_link_uses u JOIN "
                "one_time_links l ON l.pk = u.link_pk JOIN calendars c ON "
                "c.pk = l.calendar_pk WHERE ",
                where,
                "), (SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.pk "
                "= b.calendar_pk WHERE b.one_time_link_pk IS NOT NULL AND ",
                where,
                "), (SELECT COUNT(*) FROM one_time_links l JOIN calendars c "
                "ON c.pk = l.calendar_pk WHERE l.use_count > l.max_uses AND ",
                where, ")")),
      "/");
}

// --- Three servers started at once against three fresh nodes -----------

int HealthOf(int node) {
  auto health = grpc::health::v1::Health::NewStub(g_cluster->channels[node]);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  context.set_wait_for_ready(true);
  if (!health->Check(&context, request, &response).ok()) return -1;
  return response.status();
}

// Waits up to 120 s for every server to report SERVING (polling them).
void AwaitAllServing() {
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  for (int node = 0; node < kNodes; ++node) {
    while (HealthOf(node) != grpc::health::v1::HealthCheckResponse::SERVING &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(100));  // polling the server
    }
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(GaleraStartTest, ThreeServersStartedTogetherServeOneSchema) {
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(HealthOf(node), grpc::health::v1::HealthCheckResponse::SERVING)
        << "server " << node + 1 << " never reported SERVING";
  }
  std::vector<std::string> expected;
  for (const store::Migration& migration : store::EmbeddedMigrations()) {
    expected.push_back(absl::StrCat(migration.version));
  }
  const std::string columns =
      "SELECT MD5(GROUP_CONCAT(CONCAT_WS(':', table_name, column_name, "
      "column_type, is_nullable, IFNULL(column_default, 'NULL')) ORDER BY "
      "table_name, ordinal_position)), COUNT(*) FROM "
      "information_schema.columns WHERE table_schema = DATABASE()";
  const std::string indexes =
      "SELECT MD5(GROUP_CONCAT(CONCAT_WS(':', table_name, index_name, "
      "non_unique, seq_in_index, column_name) ORDER BY table_name, "
      "index_name, seq_in_index)), COUNT(*) FROM information_schema.statistics "
      "WHERE table_schema = DATABASE()";
  const std::vector<std::string> columns_on_1 = Cells(0, columns);
  const std::vector<std::string> indexes_on_1 = Cells(0, indexes);
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(Cells(node,
                    "SELECT version FROM schema_migrations ORDER BY "
                    "version"),
              expected)
        << "node " << node + 1;
    EXPECT_EQ(Cells(node, columns), columns_on_1) << "node " << node + 1;
    EXPECT_EQ(Cells(node, indexes), indexes_on_1) << "node " << node + 1;
    EXPECT_EQ(Int(node,
                  "SELECT COUNT(*) FROM schema_migration_lock WHERE "
                  "owner IS NOT NULL"),
              0);
  }
  // Each started on its first try: no "not ready" (a failed migration
  // retried) and no exit; exactly one of them applied the migrations.
  int appliers = 0;
  for (const std::string& path : g_cluster->logs) {
    const std::string log = ReadFile(path);
    EXPECT_FALSE(log.empty()) << path;
    EXPECT_EQ(log.find("not ready"), std::string::npos) << path << ":\n" << log;
    EXPECT_EQ(log.find("exiting"), std::string::npos) << path << ":\n" << log;
    if (log.find("applied schema migrations") != std::string::npos) {
      ++appliers;
    }
  }
  if (!g_cluster->logs.empty()) {
    EXPECT_EQ(appliers, 1);
  }
}

// The tightest form of the same race: migrators released at one moment
// on the three nodes, against fresh databases, several times.
TEST(GaleraStartTest, MigratorsRacingOnThreeNodesEndWithOneSchema) {
  constexpr int kRaces = 3;
  for (int race = 0; race < kRaces; ++race) {
    const std::string database =
        absl::StrCat("scheduling_race_", getpid(), "_", race);
    ASSERT_TRUE(
        store::RunStatements(*g_cluster->pools[0], "create database",
                             [&](store::Lease& lease) {
                               std::unique_ptr<sql::Statement> statement(
                                   lease.connection().createStatement());
                               statement->execute(
                                   absl::StrCat("CREATE DATABASE ", database));
                               return absl::OkStatus();
                             })
            .ok());
    std::vector<std::unique_ptr<store::ConnectionPool>> pools;
    for (int node = 0; node < kNodes; ++node) {
      absl::StatusOr<store::Dsn> dsn = store::ParseDsn(g_cluster->dsns[node]);
      ASSERT_TRUE(dsn.ok());
      dsn->database = database;
      // The database reaches every node (DDL replicates in total order).
      absl::StatusOr<std::unique_ptr<store::ConnectionPool>> pool;
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      do {
        pool = store::ConnectionPool::Create(*dsn, 1);
      } while (!pool.ok() && absl::Now() < give_up);
      ASSERT_TRUE(pool.ok()) << pool.status();
      pools.push_back(std::move(*pool));
    }
    std::vector<absl::StatusOr<std::vector<int>>> results(
        kNodes, absl::UnknownError("not run"));
    absl::Barrier* start = new absl::Barrier(kNodes);
    std::vector<std::thread> threads;
    for (int node = 0; node < kNodes; ++node) {
      threads.emplace_back([&, node] {
        if (start->Block()) delete start;
        results[node] = store::ApplyMigrations(*pools[node]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::map<int, int> applied;
    for (int node = 0; node < kNodes; ++node) {
      EXPECT_TRUE(results[node].ok())
          << "race " << race << ", node " << node + 1 << ": "
          << results[node].status();
      if (!results[node].ok()) continue;
      for (int version : *results[node]) ++applied[version];
    }
    for (const store::Migration& migration : store::EmbeddedMigrations()) {
      EXPECT_EQ(applied[migration.version], 1)
          << "race " << race << ", version " << migration.version;
    }
    EXPECT_TRUE(
        store::RunStatements(*g_cluster->pools[0], "drop database",
                             [&](store::Lease& lease) {
                               std::unique_ptr<sql::Statement> statement(
                                   lease.connection().createStatement());
                               statement->execute(
                                   absl::StrCat("DROP DATABASE ", database));
                               return absl::OkStatus();
                             })
            .ok());
  }
}

// --- Exactly once across nodes ------------------------------------------

// Runs `call(i)` for i in [0, n) on n threads released together.
std::vector<grpc::Status> RunTogether(
    int n, const std::function<grpc::Status(int)>& call) {
  std::vector<grpc::Status> statuses(n);
  absl::Barrier* start = new absl::Barrier(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      if (start->Block()) delete start;
      statuses[i] = call(i);
    });
  }
  for (std::thread& thread : threads) thread.join();
  return statuses;
}

constexpr int kCallersPerNode = 2;
constexpr int kRounds = 10;

TEST(GaleraExactlyOnceTest, OneLinkRacedFromAllNodesIsUsedOnce) {
  const std::string location = UniqueLocation("link");
  const v1::Calendar calendar = CreateCalendar(0, location);
  std::vector<std::unique_ptr<v1::OneTimeLinkService::Stub>> stubs;
  for (int i = 0; i < kNodes * kCallersPerNode; ++i) {
    stubs.push_back(v1::OneTimeLinkService::NewStub(NewChannel(i % kNodes)));
  }
  for (int round = 0; round < kRounds; ++round) {
    v1::OneTimeLink link;
    ASSERT_TRUE(
        CreateLink(*stubs[round % kNodes], calendar.name(), &link).ok());
    std::vector<v1::Booking> bookings(stubs.size());
    std::vector<grpc::Status> statuses =
        RunTogether(static_cast<int>(stubs.size()), [&](int i) {
          return stubs[i]->BookOneTimeLink(
              Context().get(),
              BookRequest(link.token(), Slot(round * 16 + i), i), &bookings[i]);
        });
    int won = 0;
    std::string winners;  // for the failure message
    for (size_t i = 0; i < statuses.size(); ++i) {
      const grpc::Status& status = statuses[i];
      if (status.ok()) {
        ++won;
        absl::StrAppend(&winners, " node ", i % kNodes + 1, ": ",
                        bookings[i].name());
      } else {
        EXPECT_TRUE(
            (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
             client::ErrorReason(status) == "LINK_USED") ||
            status.error_code() == grpc::StatusCode::ABORTED)
            << Describe(status);
      }
    }
    EXPECT_EQ(won, 1) << "round " << round << ", link " << link.name()
                      << ", winners:" << winners;
  }
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(
        LinkLedger(node, location),
        absl::StrCat(kRounds, "/", kRounds, "/", kRounds, "/", kRounds, "/0"))
        << "node " << node + 1;
  }
}

TEST(GaleraExactlyOnceTest, OneSlotRacedFromAllNodesIsBookedOnce) {
  const std::string location = UniqueLocation("slot");
  const v1::Calendar calendar = CreateCalendar(1, location);
  std::vector<std::unique_ptr<v1::CalendarService::Stub>> stubs;
  for (int i = 0; i < kNodes * kCallersPerNode; ++i) {
    stubs.push_back(v1::CalendarService::NewStub(NewChannel(i % kNodes)));
  }
  for (int round = 0; round < kRounds; ++round) {
    std::vector<grpc::Status> statuses =
        RunTogether(static_cast<int>(stubs.size()), [&](int i) {
          v1::CreateBookingRequest request;
          request.set_parent(calendar.name());
          *request.mutable_start_time() = Ts(Slot(round));
          *request.mutable_invitee() = Invitee(i);
          v1::Booking booking;
          return stubs[i]->CreateBooking(Context().get(), request, &booking);
        });
    int won = 0;
    for (const grpc::Status& status : statuses) {
      if (status.ok()) {
        ++won;
      } else {
        EXPECT_TRUE(
            (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
             client::ErrorReason(status) == "SLOT_UNAVAILABLE") ||
            status.error_code() == grpc::StatusCode::ABORTED)
            << Describe(status);
      }
    }
    EXPECT_EQ(won, 1) << "round " << round;
  }
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(Int(node, absl::StrCat("SELECT COUNT(*) FROM bookings b JOIN "
                                     "calendars c ON c.pk = b.calendar_pk "
                                     "WHERE ",
                                     InLocation(location))),
              kRounds)
        << "node " << node + 1;
    EXPECT_EQ(Int(node, absl::StrCat("SELECT COUNT(DISTINCT b.start_time) "
                                     "FROM bookings b JOIN calendars c ON "
                                     "c.pk = b.calendar_pk WHERE ",
                                     InLocation(location))),
              kRounds)
        << "node " << node + 1;
  }
}

TEST(GaleraIdempotencyTest, OneRequestIdOnTwoNodesAtOnceBooksOnce) {
  const std::string location = UniqueLocation("request");
  const v1::Calendar calendar = CreateCalendar(2, location);
  std::vector<std::unique_ptr<v1::OneTimeLinkService::Stub>> stubs;
  for (int node = 0; node < kNodes; ++node) {
    stubs.push_back(v1::OneTimeLinkService::NewStub(NewChannel(node)));
  }
  for (int round = 0; round < kRounds; ++round) {
    v1::OneTimeLink link;
    ASSERT_TRUE(CreateLink(*stubs[0], calendar.name(), &link).ok());
    const v1::BookOneTimeLinkRequest request = BookRequest(
        link.token(), Slot(round), round, absl::StrCat("req-", round));
    std::vector<v1::Booking> bookings(2);
    std::vector<grpc::Status> statuses = RunTogether(2, [&](int i) {
      return stubs[(round + i) % kNodes]->BookOneTimeLink(
          Context().get(), request, &bookings[i]);
    });
    ASSERT_TRUE(statuses[0].ok()) << Describe(statuses[0]);
    ASSERT_TRUE(statuses[1].ok()) << Describe(statuses[1]);
    EXPECT_EQ(bookings[0].name(), bookings[1].name());
    EXPECT_FALSE(bookings[0].name().empty());
  }
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(
        LinkLedger(node, location),
        absl::StrCat(kRounds, "/", kRounds, "/", kRounds, "/", kRounds, "/0"))
        << "node " << node + 1;
  }
}

// --- Events written on every node, read from one ------------------------

TEST(GaleraEventsTest, EveryEventFromEveryNodeReachesOneReaderOnceInOrder) {
  const std::string location = UniqueLocation("events");
  const std::string parent = absl::StrCat("locations/", location);
  const v1::Calendar calendar = CreateCalendar(0, location);

  // A watcher following the location from node 1.
  absl::Mutex mu;
  std::vector<v1::OneTimeLinkEvent> watched;
  grpc::ClientContext watch_context;
  watch_context.AddMetadata("authorization",
                            absl::StrCat("Bearer ", g_cluster->api_key));
  watch_context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Seconds(180)));
  auto watch_stub = Links(0);
  v1::WatchOneTimeLinkEventsRequest watch_request;
  watch_request.set_parent(parent);
  auto reader =
      watch_stub->WatchOneTimeLinkEvents(&watch_context, watch_request);
  std::thread watcher([&] {
    v1::OneTimeLinkEvent event;
    while (reader->Read(&event)) {
      absl::MutexLock lock(&mu);
      watched.push_back(event);
    }
  });

  // Writers on every node: create links, book every second, revoke every
  // third of the rest.
  constexpr int kLinksPerNode = 15;
  std::atomic<int> expected{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int node = 0; node < kNodes; ++node) {
    writers.emplace_back([&, node] {
      auto stub = v1::OneTimeLinkService::NewStub(NewChannel(node));
      for (int i = 0; i < kLinksPerNode; ++i) {
        v1::OneTimeLink link;
        grpc::Status status = CreateLink(*stub, calendar.name(), &link,
                                         absl::StrCat("ev-", node, "-", i));
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << Describe(status);
          continue;
        }
        ++expected;
        if (i % 2 == 0) {
          v1::Booking booking;
          status = stub->BookOneTimeLink(
              Context().get(),
              BookRequest(link.token(), Slot(node * 100 + i), i,
                          absl::StrCat("evb-", node, "-", i)),
              &booking);
          if (status.ok()) ++expected;
        } else if (i % 3 == 0) {
          v1::RevokeOneTimeLinkRequest revoke;
          revoke.set_name(link.name());
          v1::OneTimeLink revoked;
          status = stub->RevokeOneTimeLink(Context().get(), revoke, &revoked);
          if (status.ok()) ++expected;
        }
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << Describe(status);
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  const size_t want = static_cast<size_t>(expected.load());
  {
    absl::MutexLock lock(&mu);
    auto all_there = [&] { return watched.size() >= want; };
    mu.AwaitWithTimeout(absl::Condition(&all_there), absl::Seconds(60));
  }
  watch_context.TryCancel();
  watcher.join();

  // The same history read by pages from node 2.
  std::vector<v1::OneTimeLinkEvent> listed;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    v1::ListOneTimeLinkEventsRequest request;
    request.set_parent(parent);
    request.set_cursor(cursor);
    request.set_page_size(20);
    v1::ListOneTimeLinkEventsResponse response;
    grpc::Status status =
        Links(1)->ListOneTimeLinkEvents(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    listed.insert(listed.end(), response.events().begin(),
                  response.events().end());
    if (response.events().empty()) break;
    cursor = response.next_cursor();
  }

  for (const auto* events : {&watched, &listed}) {
    const char* which = events == &watched ? "watched" : "listed";
    EXPECT_EQ(events->size(), want) << which;
    std::set<std::string> cursors;
    std::set<std::pair<std::string, int>> seen;
    std::map<std::string, int> last_type;
    for (const v1::OneTimeLinkEvent& event : *events) {
      EXPECT_TRUE(cursors.insert(event.cursor()).second)
          << which << ": cursor twice " << event.cursor();
      EXPECT_TRUE(seen.insert({event.one_time_link(), event.type()}).second)
          << which << ": event twice " << event.one_time_link() << " "
          << event.type();
      // Per link: CREATED first, then USED or REVOKED.
      auto last = last_type.find(event.one_time_link());
      if (last == last_type.end()) {
        EXPECT_EQ(event.type(), v1::OneTimeLinkEvent::CREATED)
            << which << ": " << event.one_time_link();
      } else {
        EXPECT_EQ(last->second, v1::OneTimeLinkEvent::CREATED) << which;
        EXPECT_NE(event.type(), v1::OneTimeLinkEvent::CREATED) << which;
      }
      last_type[event.one_time_link()] = event.type();
    }
  }
  ASSERT_EQ(watched.size(), listed.size());
  for (size_t i = 0; i < watched.size(); ++i) {
    EXPECT_EQ(watched[i].cursor(), listed[i].cursor()) << i;
    EXPECT_EQ(watched[i].one_time_link(), listed[i].one_time_link()) << i;
  }
}

// --- A write load across the nodes --------------------------------------

TEST(GaleraLoadTest, WritesAcrossNodesGiveNoWrongAnswers) {
  int load_seconds = 30;
  if (!Env("GALERA_LOAD_SECONDS").empty()) {
    ASSERT_TRUE(absl::SimpleAtoi(Env("GALERA_LOAD_SECONDS"), &load_seconds));
  }
  double max_aborted_share = 0.001;
  if (!Env("GALERA_MAX_ABORTED_SHARE").empty()) {
    ASSERT_TRUE(
        absl::SimpleAtod(Env("GALERA_MAX_ABORTED_SHARE"), &max_aborted_share));
  }
  // One location (its writes share what a location shares: the hot rows
  // issue 12 is about), a calendar per worker so that slots never collide.
  constexpr int kWorkersPerNode = 4;
  constexpr int kWorkers = kWorkersPerNode * kNodes;
  const std::string location = UniqueLocation("load");
  std::vector<v1::Calendar> calendars;
  for (int w = 0; w < kWorkers; ++w) {
    calendars.push_back(CreateCalendar(w % kNodes, location));
  }
  std::vector<int64_t> cert_before;
  for (int node = 0; node < kNodes; ++node) {
    cert_before.push_back(CertFailures(node));
  }

  absl::Mutex mu;
  std::map<std::string, int64_t> outcomes;  // "create OK", "book ABORTED"...
  int64_t calls = 0, aborted = 0, wrong = 0, created = 0, booked = 0;
  std::vector<std::string> wrong_examples;
  const absl::Time end = absl::Now() + absl::Seconds(load_seconds);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto stub = v1::OneTimeLinkService::NewStub(NewChannel(w % kNodes));
      auto note = [&](const char* what, const grpc::Status& status) {
        absl::MutexLock lock(&mu);
        ++calls;
        ++outcomes[absl::StrCat(what, " ",
                                client::StatusCodeName(status.error_code()))];
        if (status.error_code() == grpc::StatusCode::ABORTED) {
          ++aborted;
        } else if (!status.ok()) {
          ++wrong;
          if (wrong_examples.size() < 5) {
            wrong_examples.push_back(
                absl::StrCat(what, ": ", Describe(status)));
          }
        }
      };
      for (int64_t i = 0; absl::Now() < end; ++i) {
        v1::OneTimeLink link;
        grpc::Status status = CreateLink(*stub, calendars[w].name(), &link,
                                         absl::StrCat("load-", w, "-", i));
        note("create", status);
        if (!status.ok()) continue;
        {
          absl::MutexLock lock(&mu);
          ++created;
        }
        v1::Booking booking;
        status = stub->BookOneTimeLink(
            Context().get(),
            BookRequest(link.token(), Slot(i), w,
                        absl::StrCat("loadb-", w, "-", i)),
            &booking);
        note("book", status);
        if (status.ok()) {
          absl::MutexLock lock(&mu);
          ++booked;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  std::vector<int64_t> cert_after;
  for (int node = 0; node < kNodes; ++node) {
    cert_after.push_back(CertFailures(node));
  }
  const double share =
      calls == 0 ? 1.0
                 : static_cast<double>(aborted) / static_cast<double>(calls);
  std::printf(
      "galera load: %d s, %d workers over %d nodes, one location: %lld calls "
      "(%.1f/s), %lld links created, %lld booked, ABORTED %lld = %.3f%%, "
      "wrong answers %lld\n",
      load_seconds, kWorkers, kNodes, static_cast<long long>(calls),
      static_cast<double>(calls) / load_seconds,
      static_cast<long long>(created), static_cast<long long>(booked),
      static_cast<long long>(aborted), share * 100.0,
      static_cast<long long>(wrong));
  for (const auto& [what, count] : outcomes) {
    std::printf("galera load:   %-28s %lld\n", what.c_str(),
                static_cast<long long>(count));
  }
  for (int node = 0; node < kNodes; ++node) {
    std::printf(
        "galera load: node %d wsrep_local_cert_failures +%lld (total %lld)\n",
        node + 1, static_cast<long long>(cert_after[node] - cert_before[node]),
        static_cast<long long>(cert_after[node]));
  }
  std::fflush(stdout);

  EXPECT_GT(booked, 0);
  EXPECT_EQ(wrong, 0) << absl::StrJoin(wrong_examples, "\n");
  // Every node holds exactly what the callers were told: each created link
  // once, each acknowledged booking once with its use, no link over its
  // maximum.
  const std::string want =
      absl::StrCat(created, "/", booked, "/", booked, "/", booked, "/0");
  for (int node = 0; node < kNodes; ++node) {
    EXPECT_EQ(LinkLedger(node, location), want) << "node " << node + 1;
  }
  EXPECT_LE(share, max_aborted_share)
      << "ABORTED share " << share * 100.0 << "% above the limit "
      << max_aborted_share * 100.0 << "% (GALERA_MAX_ABORTED_SHARE)";
}

}  // namespace
}  // namespace scheduling::galera

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();
  using scheduling::galera::Env;
  scheduling::galera::Cluster cluster;
  cluster.dsns =
      absl::StrSplit(Env("GALERA_NODE_DSNS"), ',', absl::SkipEmpty());
  cluster.servers =
      absl::StrSplit(Env("GALERA_SERVERS"), ',', absl::SkipEmpty());
  cluster.logs =
      absl::StrSplit(Env("GALERA_SERVER_LOGS"), ',', absl::SkipEmpty());
  cluster.api_key = Env("GALERA_API_KEY");
  if (cluster.dsns.size() != scheduling::galera::kNodes ||
      cluster.servers.size() != scheduling::galera::kNodes ||
      cluster.api_key.empty()) {
    std::fprintf(stderr,
                 "galera_tests needs GALERA_NODE_DSNS (3 DSNs), "
                 "GALERA_SERVERS (3 host:port) and GALERA_API_KEY: run it "
                 "through scripts/galera.sh, which starts the cluster.\n");
    return 1;
  }
  for (const std::string& text : cluster.dsns) {
    auto dsn = scheduling::store::ParseDsn(text);
    if (!dsn.ok()) {
      std::fprintf(stderr, "bad DSN in GALERA_NODE_DSNS\n");
      return 1;
    }
    auto pool = scheduling::store::ConnectionPool::Create(*dsn, 2);
    if (!pool.ok()) {
      std::fprintf(stderr, "cannot connect to a node: %s\n",
                   pool.status().ToString().c_str());
      return 1;
    }
    cluster.pools.push_back(std::move(*pool));
  }
  for (const std::string& server : cluster.servers) {
    cluster.channels.push_back(
        grpc::CreateChannel(server, grpc::InsecureChannelCredentials()));
  }
  scheduling::galera::g_cluster = &cluster;
  // The servers start with the suite: let them finish migrating before any
  // test calls them (GaleraStartTest checks they do; a filter may skip it).
  scheduling::galera::AwaitAllServing();
  return RUN_ALL_TESTS();
}
