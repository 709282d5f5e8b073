#include "bench/suite.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/fixtures.h"
#include "bench/load_generator.h"
#include "bench/raw_sql_workloads.h"
#include "bench/server_stats.h"
#include "bench/service_workloads.h"
#include "server/store/dsn.h"

namespace scheduling::bench {
namespace {

// Booking throughput guessed before any was measured.
constexpr double kDefaultRateGuess = 3000;
// Fresh links and contended links are provisioned for this many times the
// expected calls, so that a faster run than expected does not run dry.
constexpr double kProvisioning = 1.5;

double ProcessCpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void Log(const std::string& line) {
  std::fprintf(stderr, "bench: %s\n", line.c_str());
}

// Counters at one edge of a measurement window.
struct Edge {
  double client_cpu = 0;
  std::optional<ProcessSample> server;
  std::optional<ProcessSample> database;
  std::optional<int64_t> statements;
};

class Suite {
 public:
  Suite(const SuiteOptions& options, store::ConnectionPool& admin,
        const ServiceStubs& stubs, Fixtures& fixtures, Report& report)
      : options_(options),
        admin_(admin),
        stubs_(stubs),
        fixtures_(fixtures),
        report_(report) {}

  absl::Status Run();

 private:
  bool Selected(const char* key) const {
    return options_.workloads.empty() || options_.workloads.count(key) > 0;
  }
  absl::Duration RunTime() const { return options_.warmup + options_.measure; }

  Edge Sample(bool with_server);
  Measurement Measure(const Operation& operation, int concurrency,
                      bool with_server);
  absl::StatusOr<store::ConnectionPool*> RawPool(int concurrency);
  // A row with the service measured and, if `raw` is set, the baseline.
  ReportRow MeasureRow(const char* workload, int concurrency,
                       const Operation& service, const Operation* raw);
  // Adds the bare-gRPC rate at the row's concurrency and notes.
  void Complete(ReportRow& row) const;
  double RateGuess(int concurrency) const;

  absl::Status RunCreate(int concurrency);
  absl::Status RunResolve(int concurrency);
  absl::Status RunBookFresh(int concurrency);
  absl::Status RunBookContended(int concurrency);
  absl::Status RunWorkflow(int concurrency);
  absl::Status RunListFreeSlots(int concurrency, bool with_raw);
  absl::Status RunRssCheck();

  const SuiteOptions& options_;
  store::ConnectionPool& admin_;
  const ServiceStubs& stubs_;
  Fixtures& fixtures_;
  Report& report_;
  std::map<int, std::unique_ptr<store::ConnectionPool>> raw_pools_;
  std::map<int, double> health_rates_;
  std::map<int, double> create_rates_;  // the faster side, per concurrency
};

Edge Suite::Sample(bool with_server) {
  Edge edge;
  edge.client_cpu = ProcessCpuSeconds();
  if (with_server && options_.server_pid > 0) {
    absl::StatusOr<ProcessSample> server = SampleProcess(options_.server_pid);
    if (server.ok()) edge.server = *server;
  }
  if (options_.db_pid > 0) {
    absl::StatusOr<ProcessSample> database = SampleProcess(options_.db_pid);
    if (database.ok()) edge.database = *database;
  }
  absl::StatusOr<int64_t> statements = DatabaseStatementCount(admin_);
  if (statements.ok()) edge.statements = *statements;
  return edge;
}

Measurement Suite::Measure(const Operation& operation, int concurrency,
                           bool with_server) {
  // The peak RSS then covers this workload's warm-up and window only.
  if (with_server && options_.server_pid > 0) {
    absl::Status reset = ResetPeakRss(options_.server_pid);
    if (!reset.ok()) Log(reset.ToString());
  }
  Edge start;
  Edge end;
  LoadOptions load;
  load.concurrency = concurrency;
  load.warmup = options_.warmup;
  load.measure = options_.measure;
  Measurement m;
  m.load = RunClosedLoop(
      load, operation, [&] { start = Sample(with_server); },
      [&] { end = Sample(with_server); });
  m.cpu.client = end.client_cpu - start.client_cpu;
  if (start.server && end.server) {
    m.cpu.server = end.server->cpu_seconds - start.server->cpu_seconds;
    m.server_peak_rss_kb = end.server->peak_rss_kb;
    m.server_threads = end.server->threads;
  }
  if (start.database && end.database) {
    m.cpu.database = end.database->cpu_seconds - start.database->cpu_seconds;
  }
  if (start.statements && end.statements) {
    // Less the SHOW STATUS that took the first sample.
    m.sql_statements = *end.statements - *start.statements - 1;
  }
  return m;
}

absl::StatusOr<store::ConnectionPool*> Suite::RawPool(int concurrency) {
  auto& pool = raw_pools_[concurrency];
  if (pool == nullptr) {
    absl::StatusOr<store::Dsn> dsn = store::ParseDsn(options_.dsn);
    if (!dsn.ok()) return dsn.status();
    absl::StatusOr<std::unique_ptr<store::ConnectionPool>> created =
        store::ConnectionPool::Create(*dsn, concurrency);
    if (!created.ok()) return created.status();
    pool = *std::move(created);
  }
  return pool.get();
}

ReportRow Suite::MeasureRow(const char* workload, int concurrency,
                            const Operation& service, const Operation* raw) {
  ReportRow row;
  row.workload = workload;
  row.concurrency = concurrency;
  row.service = Measure(service, concurrency, /*with_server=*/true);
  Log(absl::StrFormat(
      "%s at %d, service: %.0f ops/s, p50 %.2f ms", workload, concurrency,
      row.service.load.CallsPerSecond(),
      absl::ToDoubleMilliseconds(row.service.load.latency.Percentile(0.5))));
  if (raw != nullptr) {
    // The server idles meanwhile; its figures are not sampled.
    row.raw_sql = Measure(*raw, concurrency, /*with_server=*/false);
    Log(absl::StrFormat(
        "%s at %d, raw SQL: %.0f ops/s, p50 %.2f ms", workload, concurrency,
        row.raw_sql->load.CallsPerSecond(),
        absl::ToDoubleMilliseconds(row.raw_sql->load.latency.Percentile(0.5))));
  }
  Complete(row);
  return row;
}

void Suite::Complete(ReportRow& row) const {
  auto health = health_rates_.find(row.concurrency);
  if (health != health_rates_.end()) {
    row.health_calls_per_second = health->second;
  }
  if (row.service.load.ran_out_of_input ||
      (row.raw_sql.has_value() && row.raw_sql->load.ran_out_of_input)) {
    row.notes.push_back("ran out of prepared input: throughput understated");
  }
}

double Suite::RateGuess(int concurrency) const {
  auto rate = create_rates_.find(concurrency);
  return rate == create_rates_.end() ? kDefaultRateGuess : rate->second;
}

absl::Status Suite::RunCreate(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  const Operation raw = RawCreateLink(**pool, fixtures_, concurrency);
  ReportRow row =
      MeasureRow(kCreateWorkload, concurrency,
                 CreateLinkCalls(stubs_, fixtures_, concurrency), &raw);
  create_rates_[concurrency] = std::max(row.service.load.CallsPerSecond(),
                                        row.raw_sql->load.CallsPerSecond());
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunResolve(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  const Operation raw = RawResolveLink(**pool, fixtures_, concurrency);
  ReportRow row =
      MeasureRow(kResolveWorkload, concurrency,
                 ResolveLinkCalls(stubs_, fixtures_, concurrency), &raw);
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunBookFresh(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  // Enough fresh links for both sides, were each as fast as creating.
  const int per_calendar = static_cast<int>(std::ceil(
      2 * kProvisioning * RateGuess(concurrency) *
      absl::ToDoubleSeconds(RunTime()) / fixtures_.booking_calendar_count()));
  absl::Status topped = fixtures_.TopUpFreshLinks(admin_, per_calendar);
  if (!topped.ok()) return topped;
  const Operation raw = RawBookFreshLink(**pool, fixtures_, concurrency);
  ReportRow row =
      MeasureRow(kBookFreshWorkload, concurrency,
                 BookFreshLinkCalls(stubs_, fixtures_, concurrency), &raw);
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunBookContended(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  // A quarter of the callers on each link: a handful of links in flight,
  // each with several bookers racing for it.
  const int callers_per_link = std::max(2, concurrency / 4);
  // Losing attempts are cheaper than bookings: provision for more.
  const int links = static_cast<int>(
      std::ceil(2 * kProvisioning * RateGuess(concurrency) *
                absl::ToDoubleSeconds(RunTime()) / callers_per_link));

  auto run = [&](bool service) -> absl::StatusOr<Measurement> {
    absl::StatusOr<std::unique_ptr<ContendedLinks>> targets =
        fixtures_.MakeContendedLinks(admin_, links, callers_per_link);
    if (!targets.ok()) return targets.status();
    Measurement m = Measure(service ? BookContendedCalls(stubs_, **targets)
                                    : RawBookContended(**pool, **targets),
                            concurrency, /*with_server=*/service);
    report_.client_seen_double_wins += (*targets)->LinksWonMoreThanOnce();
    return m;
  };
  absl::StatusOr<Measurement> service = run(true);
  if (!service.ok()) return service.status();
  absl::StatusOr<Measurement> raw = run(false);
  if (!raw.ok()) return raw.status();

  ReportRow row;
  row.workload = kBookContendedWorkload;
  row.concurrency = concurrency;
  row.service = *std::move(service);
  row.raw_sql = *std::move(raw);
  row.expected = {"FAILED_PRECONDITION/LINK_USED"};
  Complete(row);
  row.notes.push_back(
      absl::StrCat(callers_per_link, " callers per link; ops are attempts"));
  Log(absl::StrFormat("%s at %d: service %.0f, raw SQL %.0f attempts/s",
                      row.workload, concurrency,
                      row.service.load.CallsPerSecond(),
                      row.raw_sql->load.CallsPerSecond()));
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunWorkflow(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  const Operation raw = RawWorkflow(**pool, fixtures_, concurrency);
  ReportRow row =
      MeasureRow(kWorkflowWorkload, concurrency,
                 WorkflowCalls(stubs_, fixtures_, concurrency), &raw);
  row.notes.push_back("one op = create + resolve + book");
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunListFreeSlots(int concurrency, bool with_raw) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  const Operation raw = RawListFreeSlots(**pool, fixtures_);
  ReportRow row = MeasureRow(kListFreeSlotsWorkload, concurrency,
                             ListFreeSlotsCalls(stubs_, fixtures_),
                             with_raw ? &raw : nullptr);
  report_.rows.push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Suite::RunRssCheck() {
  const int concurrency = options_.rss_concurrency;
  for (auto [workload, operation] :
       {std::make_pair(kResolveWorkload,
                       ResolveLinkCalls(stubs_, fixtures_, concurrency)),
        std::make_pair(kListFreeSlotsWorkload,
                       ListFreeSlotsCalls(stubs_, fixtures_))}) {
    ReportRow row = MeasureRow(workload, concurrency, operation, nullptr);
    row.notes.push_back("memory check: service only");
    report_.rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

absl::Status Suite::Run() {
  std::vector<int> health_levels = options_.concurrency;
  if (Selected(kSlotsKey))
    health_levels.push_back(options_.latency_concurrency);
  if (Selected(kRssKey)) health_levels.push_back(options_.rss_concurrency);
  for (int concurrency : health_levels) {
    if (health_rates_.count(concurrency) > 0) continue;
    ReportRow row = MeasureRow(kHealthWorkload, concurrency,
                               HealthCheckCalls(stubs_), nullptr);
    health_rates_[concurrency] = row.service.load.CallsPerSecond();
    row.health_calls_per_second.reset();
    report_.rows.push_back(std::move(row));
  }

  using Step = absl::Status (Suite::*)(int);
  const std::pair<const char*, Step> steps[] = {
      {kCreateKey, &Suite::RunCreate},
      {kResolveKey, &Suite::RunResolve},
      {kBookKey, &Suite::RunBookFresh},
      {kContendedKey, &Suite::RunBookContended},
      {kWorkflowKey, &Suite::RunWorkflow},
  };
  for (const auto& [key, step] : steps) {
    if (!Selected(key)) continue;
    for (int concurrency : options_.concurrency) {
      absl::Status status = (this->*step)(concurrency);
      if (!status.ok()) return status;
    }
  }
  if (Selected(kSlotsKey)) {
    absl::Status status =
        RunListFreeSlots(options_.latency_concurrency, /*with_raw=*/true);
    if (!status.ok()) return status;
  }
  if (Selected(kRssKey)) {
    absl::Status status = RunRssCheck();
    if (!status.ok()) return status;
  }
  absl::StatusOr<DoubleUseCheck> check = fixtures_.CheckDoubleUses(admin_);
  if (!check.ok()) return check.status();
  report_.double_uses = *check;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Report> RunSuite(const SuiteOptions& options) {
  Report report;
  report.started =
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
  report.machine = Machine::ThisOne();
  report.warmup = options.warmup;
  report.measure = options.measure;
  report.db_pool_size = options.db_pool_size;
  report.channels = options.channels;

  absl::StatusOr<store::Dsn> dsn = store::ParseDsn(options.dsn);
  if (!dsn.ok()) return dsn.status();
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> admin =
      store::ConnectionPool::Create(*dsn, 2);
  if (!admin.ok()) return admin.status();
  ServiceStubs stubs(options.server_address, options.channels);

  Log(absl::StrCat("making fixtures in location ", options.location_id));
  Fixtures::Options fixture_options;
  fixture_options.location_id = options.location_id;
  fixture_options.locations = options.locations;
  absl::StatusOr<std::unique_ptr<Fixtures>> fixtures =
      Fixtures::Create(fixture_options, stubs.calendars(0), **admin);
  if (!fixtures.ok()) return fixtures.status();

  Suite suite(options, **admin, stubs, **fixtures, report);
  absl::Status status = suite.Run();
  if (!status.ok()) return status;
  return report;
}

}  // namespace scheduling::bench
