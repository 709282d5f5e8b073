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
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/fixtures.h"
#include "bench/load_generator.h"
#include "bench/lock_wait_sampler.h"
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

// The ratio a single location must reach against the spread load.
constexpr double kTenantRatioTarget = 0.8;

double OkPerSecond(const LoadResult& load) {
  auto ok = load.outcomes.find(kOk);
  const double seconds = absl::ToDoubleSeconds(load.window);
  if (ok == load.outcomes.end() || seconds <= 0) return 0;
  return static_cast<double>(ok->second) / seconds;
}

// Counters at one edge of a measurement window.
struct Edge {
  double client_cpu = 0;
  std::optional<ProcessSample> server;
  std::vector<double> server_cpu;  // per server pid; -1: not read
  std::optional<ProcessSample> database;
  std::optional<DatabaseCounters> database_counters;
};

class Suite {
 public:
  // `lock_waits`: null unless options.sample_lock_waits.
  Suite(const SuiteOptions& options, store::ConnectionPool& admin,
        const ServiceStubs& stubs, const ServiceStubs& setup_stubs,
        Fixtures& fixtures, LockWaitSampler* lock_waits, Report& report)
      : options_(options),
        admin_(admin),
        stubs_(stubs),
        setup_stubs_(setup_stubs),
        fixtures_(fixtures),
        lock_waits_(lock_waits),
        report_(report) {}

  // The workloads run by default: all but those that need several
  // replicas when there is one.
  bool Selected(const char* key) const {
    if (options_.workloads.empty()) {
      return options_.replicas > 1 || std::string(key) != kReplicasKey;
    }
    return options_.workloads.count(key) > 0;
  }

  absl::Status Run();

 private:
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
  absl::Status RunTenants(int concurrency);
  absl::Status RunReplicas(int concurrency);
  absl::Status RunStorm();
  // Fresh links on every calendar of `fixtures` for a booking run at
  // `concurrency`, were it as fast as creating.
  absl::Status ProvisionBookings(Fixtures& fixtures, int concurrency);
  void Compare(const std::string& title, const ReportRow& numerator,
               const ReportRow& denominator, std::optional<double> target);

  const SuiteOptions& options_;
  store::ConnectionPool& admin_;
  const ServiceStubs& stubs_;
  const ServiceStubs& setup_stubs_;  // see RunSuite
  Fixtures& fixtures_;
  LockWaitSampler* lock_waits_;
  Report& report_;
  std::map<int, std::unique_ptr<store::ConnectionPool>> raw_pools_;
  std::map<int, double> health_rates_;
  std::map<int, double> create_rates_;  // the faster side, per concurrency
  // kTenantsKey's calendars: all in one location, and spread.
  std::unique_ptr<Fixtures> one_location_;
  std::unique_ptr<Fixtures> spread_;
  std::unique_ptr<ServiceStubs> first_replica_;
};

Edge Suite::Sample(bool with_server) {
  Edge edge;
  edge.client_cpu = ProcessCpuSeconds();
  // Several replicas: CPU and threads summed, the largest peak RSS.
  for (int pid : with_server ? options_.server_pids : std::vector<int>()) {
    absl::StatusOr<ProcessSample> server = SampleProcess(pid);
    edge.server_cpu.push_back(server.ok() ? server->cpu_seconds : -1);
    if (!server.ok()) continue;
    if (!edge.server.has_value()) {
      edge.server = *server;
      continue;
    }
    edge.server->cpu_seconds += server->cpu_seconds;
    edge.server->threads += server->threads;
    edge.server->peak_rss_kb =
        std::max(edge.server->peak_rss_kb, server->peak_rss_kb);
  }
  if (options_.db_pid > 0) {
    absl::StatusOr<ProcessSample> database = SampleProcess(options_.db_pid);
    if (database.ok()) edge.database = *database;
  }
  absl::StatusOr<DatabaseCounters> counters = ReadDatabaseCounters(admin_);
  if (counters.ok()) edge.database_counters = *counters;
  return edge;
}

Measurement Suite::Measure(const Operation& operation, int concurrency,
                           bool with_server) {
  // The peak RSS then covers this workload's warm-up and window only.
  for (int pid : with_server ? options_.server_pids : std::vector<int>()) {
    absl::Status reset = ResetPeakRss(pid);
    if (!reset.ok()) Log(reset.ToString());
  }
  Edge start;
  Edge end;
  LoadOptions load;
  load.concurrency = concurrency;
  load.warmup = options_.warmup;
  load.measure = options_.measure;
  Measurement m;
  std::optional<LockWaitTally> lock_waits;
  m.load = RunClosedLoop(
      load, operation,
      [&] {
        start = Sample(with_server);
        if (lock_waits_ != nullptr) lock_waits_->Start();
      },
      [&] {
        if (lock_waits_ != nullptr) lock_waits = lock_waits_->Stop();
        end = Sample(with_server);
      });
  m.cpu.client = end.client_cpu - start.client_cpu;
  if (start.server && end.server) {
    m.cpu.server = end.server->cpu_seconds - start.server->cpu_seconds;
    m.server_peak_rss_kb = end.server->peak_rss_kb;
    m.server_threads = end.server->threads;
  }
  if (start.server_cpu.size() > 1 &&
      start.server_cpu.size() == end.server_cpu.size()) {
    for (size_t i = 0; i < start.server_cpu.size(); ++i) {
      m.server_cpu_by_process.push_back(
          start.server_cpu[i] < 0 || end.server_cpu[i] < 0
              ? 0
              : end.server_cpu[i] - start.server_cpu[i]);
    }
  }
  if (start.database && end.database) {
    m.cpu.database = end.database->cpu_seconds - start.database->cpu_seconds;
  }
  if (start.database_counters && end.database_counters) {
    // Less the SHOW STATUS that took the first sample, and the sampler's.
    m.sql_statements = end.database_counters->statements -
                       start.database_counters->statements - 1 -
                       (lock_waits.has_value() ? lock_waits->queries : 0);
    m.row_lock_waits = end.database_counters->row_lock_waits -
                       start.database_counters->row_lock_waits;
    m.row_lock_time_ms = end.database_counters->row_lock_time_ms -
                         start.database_counters->row_lock_time_ms;
  }
  if (lock_waits.has_value() && !lock_waits->error.empty()) {
    Log(absl::StrCat("lock-wait sampler: ", lock_waits->error));
  }
  m.lock_waits_sampled = std::move(lock_waits);
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
  const std::vector<double>& by_server = row.service.server_cpu_by_process;
  double total = 0;
  for (double cpu : by_server) total += cpu;
  if (by_server.size() > 1 && total > 0) {
    std::vector<std::string> shares;
    for (double cpu : by_server) {
      shares.push_back(absl::StrFormat("%.0f%%", 100 * cpu / total));
    }
    row.notes.push_back(
        absl::StrCat("server CPU by replica ", absl::StrJoin(shares, "/")));
  }
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

absl::Status Suite::ProvisionBookings(Fixtures& fixtures, int concurrency) {
  // Enough fresh links for both sides, were each as fast as creating.
  const int per_calendar = static_cast<int>(std::ceil(
      2 * kProvisioning * RateGuess(concurrency) *
      absl::ToDoubleSeconds(RunTime()) / fixtures.booking_calendar_count()));
  return fixtures.TopUpFreshLinks(admin_, per_calendar);
}

void Suite::Compare(const std::string& title, const ReportRow& numerator,
                    const ReportRow& denominator,
                    std::optional<double> target) {
  Comparison comparison;
  comparison.title = title;
  comparison.workload =
      numerator.workload.substr(0, numerator.workload.find(','));
  comparison.concurrency = numerator.concurrency;
  // Calls that succeeded: on a cluster, ABORTED answers come back fast.
  comparison.numerator_rate = OkPerSecond(numerator.service.load);
  comparison.denominator_rate = OkPerSecond(denominator.service.load);
  comparison.numerator_lock_waits =
      numerator.service.PerCall(numerator.service.row_lock_waits);
  comparison.denominator_lock_waits =
      denominator.service.PerCall(denominator.service.row_lock_waits);
  comparison.target = target;
  Log(absl::StrFormat("%s, %s at %d: %.2fx", comparison.workload, title,
                      comparison.concurrency, comparison.Ratio().value_or(0)));
  report_.comparisons.push_back(std::move(comparison));
}

absl::Status Suite::RunBookFresh(int concurrency) {
  absl::StatusOr<store::ConnectionPool*> pool = RawPool(concurrency);
  if (!pool.ok()) return pool.status();
  absl::Status topped = ProvisionBookings(fixtures_, concurrency);
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

absl::Status Suite::RunTenants(int concurrency) {
  if (one_location_ == nullptr) {
    // Fresh calendars for both sides, alike but for their locations; no
    // slots calendar bookings or resolvable links (not used here).
    Fixtures::Options fixture_options;
    fixture_options.resolvable_links = 0;
    fixture_options.slots_calendar_bookings = 0;
    fixture_options.location_id = options_.location_id + "-one";
    Log(absl::StrCat("making calendars in location ",
                     fixture_options.location_id));
    absl::StatusOr<std::unique_ptr<Fixtures>> one =
        Fixtures::Create(fixture_options, setup_stubs_.calendars(0), admin_);
    if (!one.ok()) return one.status();
    fixture_options.location_id = options_.location_id + "-spread";
    fixture_options.locations = options_.tenant_locations;
    Log(absl::StrCat("making calendars in ", options_.tenant_locations,
                     " locations ", fixture_options.location_id, "-N"));
    absl::StatusOr<std::unique_ptr<Fixtures>> spread =
        Fixtures::Create(fixture_options, setup_stubs_.calendars(0), admin_);
    if (!spread.ok()) return spread.status();
    one_location_ = *std::move(one);
    spread_ = *std::move(spread);
  }
  const std::string one_name = ", 1 location";
  const std::string spread_name =
      absl::StrCat(", ", options_.tenant_locations, " locations");
  const std::string title =
      absl::StrCat("1 location / ", options_.tenant_locations, " locations");

  ReportRow create_one =
      MeasureRow((kCreateWorkload + one_name).c_str(), concurrency,
                 CreateLinkCalls(stubs_, *one_location_, concurrency), nullptr);
  ReportRow create_spread =
      MeasureRow((kCreateWorkload + spread_name).c_str(), concurrency,
                 CreateLinkCalls(stubs_, *spread_, concurrency), nullptr);
  Compare(title, create_one, create_spread, kTenantRatioTarget);
  report_.rows.push_back(std::move(create_one));
  report_.rows.push_back(std::move(create_spread));

  for (Fixtures* fixtures : {one_location_.get(), spread_.get()}) {
    absl::Status topped = ProvisionBookings(*fixtures, concurrency);
    if (!topped.ok()) return topped;
  }
  ReportRow book_one = MeasureRow(
      (kBookFreshWorkload + one_name).c_str(), concurrency,
      BookFreshLinkCalls(stubs_, *one_location_, concurrency), nullptr);
  ReportRow book_spread =
      MeasureRow((kBookFreshWorkload + spread_name).c_str(), concurrency,
                 BookFreshLinkCalls(stubs_, *spread_, concurrency), nullptr);
  Compare(title, book_one, book_spread, kTenantRatioTarget);
  report_.rows.push_back(std::move(book_one));
  report_.rows.push_back(std::move(book_spread));
  return absl::OkStatus();
}

absl::Status Suite::RunReplicas(int concurrency) {
  if (first_replica_ == nullptr) {
    first_replica_ = std::make_unique<ServiceStubs>(
        options_.single_server_address, options_.channels);
  }
  const std::string one_name = ", 1 replica";
  const std::string all_name =
      absl::StrCat(", ", options_.replicas, " replicas (round_robin)");
  const std::string title = absl::StrCat(options_.replicas, " replicas / 1");

  ReportRow create_one = MeasureRow(
      (kCreateWorkload + one_name).c_str(), concurrency,
      CreateLinkCalls(*first_replica_, fixtures_, concurrency), nullptr);
  ReportRow create_all =
      MeasureRow((kCreateWorkload + all_name).c_str(), concurrency,
                 CreateLinkCalls(stubs_, fixtures_, concurrency), nullptr);
  Compare(title, create_all, create_one, std::nullopt);
  report_.rows.push_back(std::move(create_one));
  report_.rows.push_back(std::move(create_all));

  absl::Status topped = ProvisionBookings(fixtures_, concurrency);
  if (!topped.ok()) return topped;
  ReportRow book_one = MeasureRow(
      (kBookFreshWorkload + one_name).c_str(), concurrency,
      BookFreshLinkCalls(*first_replica_, fixtures_, concurrency), nullptr);
  ReportRow book_all =
      MeasureRow((kBookFreshWorkload + all_name).c_str(), concurrency,
                 BookFreshLinkCalls(stubs_, fixtures_, concurrency), nullptr);
  Compare(title, book_all, book_one, std::nullopt);
  report_.rows.push_back(std::move(book_one));
  report_.rows.push_back(std::move(book_all));
  return absl::OkStatus();
}

absl::Status Suite::RunStorm() {
  StormOptions storm = options_.storm;
  storm.server_pids = options_.server_pids;
  ServiceStubs stubs(options_.server_address, storm.channels,
                     options_.load_balancing_policy);
  Log(absl::StrFormat("deadline storm: %d threads, deadline %s, for %s",
                      storm.threads, absl::FormatDuration(storm.deadline),
                      absl::FormatDuration(storm.duration)));
  absl::StatusOr<StormResult> result =
      RunDeadlineStorm(storm, stubs, fixtures_, admin_);
  if (!result.ok()) return result.status();
  Log(absl::StrFormat(
      "deadline storm: %d calls, peak %d threads, peak RSS %d MB, %d "
      "RESOURCE_EXHAUSTED, %d bookings committed for %d OK answers",
      result->calls, result->peak_threads, result->peak_rss_kb / 1024,
      result->Answers("RESOURCE_EXHAUSTED"), result->bookings_committed,
      result->book_ok));
  report_.storm = *std::move(result);
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
      {kTenantsKey, &Suite::RunTenants},
      {kReplicasKey, &Suite::RunReplicas},
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
  // Last: it leaves links and threads behind.
  if (Selected(kStormKey)) {
    absl::Status status = RunStorm();
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
  report.replicas = options.replicas;

  absl::StatusOr<store::Dsn> dsn = store::ParseDsn(options.dsn);
  if (!dsn.ok()) return dsn.status();
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> admin =
      store::ConnectionPool::Create(*dsn, 2);
  if (!admin.ok()) return admin.status();
  ServiceStubs stubs(options.server_address, options.channels,
                     options.load_balancing_policy);
  // Fixtures are made through the first replica: the admin connection
  // reads back what it wrote, and on a Galera cluster another node may not
  // have applied a write yet when the next statement arrives.
  std::unique_ptr<ServiceStubs> first_replica;
  if (!options.single_server_address.empty()) {
    first_replica =
        std::make_unique<ServiceStubs>(options.single_server_address, 1);
  }
  const ServiceStubs& setup_stubs =
      first_replica != nullptr ? *first_replica : stubs;

  Log(absl::StrCat("making fixtures in location ", options.location_id));
  Fixtures::Options fixture_options;
  fixture_options.location_id = options.location_id;
  fixture_options.locations = options.locations;
  absl::StatusOr<std::unique_ptr<Fixtures>> fixtures =
      Fixtures::Create(fixture_options, setup_stubs.calendars(0), **admin);
  if (!fixtures.ok()) return fixtures.status();

  // The lock-wait sampler queries on a connection of its own, so that it
  // never waits for the admin connection nor holds it up.
  std::unique_ptr<store::ConnectionPool> sampler_pool;
  std::unique_ptr<LockWaitSampler> lock_waits;
  if (options.sample_lock_waits) {
    absl::StatusOr<std::unique_ptr<store::ConnectionPool>> pool =
        store::ConnectionPool::Create(*dsn, 1);
    if (!pool.ok()) return pool.status();
    sampler_pool = *std::move(pool);
    lock_waits = std::make_unique<LockWaitSampler>(
        *sampler_pool, options.lock_wait_sample_interval);
  }

  Suite suite(options, **admin, stubs, setup_stubs, **fixtures,
              lock_waits.get(), report);
  absl::Status status = suite.Run();
  if (!status.ok()) return status;
  return report;
}

}  // namespace scheduling::bench
