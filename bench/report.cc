#include "bench/report.h"

#include <sys/utsname.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scheduling::bench {
namespace {

// The targets.
constexpr double kWriteRatioTarget = 0.9;    // Create, Book vs raw SQL
constexpr double kResolveRatioTarget = 0.7;  // Resolve vs raw point lookup
constexpr double kListFreeSlotsP50Ms = 1.0;  // at concurrency 1
constexpr double kSlotEngineMicros = 100.0;
constexpr double kPeakRssMb = 150.0;  // at 256 calls in flight

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

std::string Fixed(std::optional<double> value, int decimals) {
  if (!value.has_value() || !std::isfinite(*value)) return "-";
  return absl::StrFormat("%.*f", decimals, *value);
}

std::string Rate(std::optional<double> calls_per_second) {
  return Fixed(calls_per_second, 0);
}

std::optional<double> Mb(std::optional<int64_t> kb) {
  if (!kb.has_value()) return std::nullopt;
  return static_cast<double>(*kb) / 1024;
}

std::string ErrorsOf(const ReportRow& row) {
  std::vector<std::string> parts;
  for (const auto& [label, count] : row.service.load.outcomes) {
    if (label != kOk && row.expected.count(label) == 0) {
      parts.push_back(absl::StrCat(label, " ", count));
    }
  }
  if (row.raw_sql.has_value()) {
    for (const auto& [label, count] : row.raw_sql->load.outcomes) {
      if (label != kOk && row.expected.count(label) == 0) {
        parts.push_back(absl::StrCat("raw ", label, " ", count));
      }
    }
  }
  return parts.empty() ? "0" : absl::StrJoin(parts, ", ");
}

const ReportRow* FindRow(const Report& report, absl::string_view workload,
                         int concurrency) {
  for (const ReportRow& row : report.rows) {
    if (row.workload == workload && row.concurrency == concurrency) {
      return &row;
    }
  }
  return nullptr;
}

// One line per target: whether it is met, and the figure it rests on.
std::vector<std::string> TargetLines(const Report& report) {
  std::vector<std::string> lines;
  auto verdict = [](bool met) { return met ? "met   " : "MISSED"; };
  for (const ReportRow& row : report.rows) {
    double target = 0;
    if (row.workload == kCreateWorkload || row.workload == kBookFreshWorkload) {
      target = kWriteRatioTarget;
    } else if (row.workload == kResolveWorkload) {
      target = kResolveRatioTarget;
    } else {
      continue;
    }
    const std::optional<double> ratio = row.Ratio();
    if (!ratio.has_value()) continue;
    lines.push_back(
        absl::StrFormat("%s %s at %d: %.2fx raw SQL (target >= %.1fx)",
                        verdict(*ratio >= target), row.workload,
                        row.concurrency, *ratio, target));
  }
  if (const ReportRow* row = FindRow(report, kListFreeSlotsWorkload, 1)) {
    const double p50 = Ms(row->service.load.latency.Percentile(0.5));
    lines.push_back(absl::StrFormat(
        "%s ListFreeSlots 31 days, 1,000 bookings, concurrency 1: p50 %.3f ms "
        "end to end (target < %.0f ms)",
        verdict(p50 < kListFreeSlotsP50Ms), p50, kListFreeSlotsP50Ms));
  }
  for (const SlotEngineResult& result : report.slot_engine) {
    lines.push_back(
        absl::StrFormat("%s slot engine %s: %.1f us (target < %.0f us)",
                        verdict(result.microseconds < kSlotEngineMicros),
                        result.name, result.microseconds, kSlotEngineMicros));
  }
  if (report.double_uses.has_value()) {
    const DoubleUseCheck& check = *report.double_uses;
    const bool none = check.links_used_more_than_once == 0 &&
                      check.links_with_several_bookings == 0 &&
                      report.client_seen_double_wins == 0;
    lines.push_back(absl::StrFormat(
        "%s contended booking: %d links with use_count > 1, %d links with "
        "more than one booking (of %d booked links), %d links two callers "
        "saw succeed (target: all 0)",
        verdict(none), check.links_used_more_than_once,
        check.links_with_several_bookings, check.links_booked,
        report.client_seen_double_wins));
  }
  for (const ReportRow& row : report.rows) {
    if (row.concurrency < 256 || !row.service.server_peak_rss_kb) continue;
    const double mb = *Mb(row.service.server_peak_rss_kb);
    lines.push_back(absl::StrFormat(
        "%s server peak RSS during %s at %d in flight: %.0f MB, %d threads "
        "(target < %.0f MB)",
        verdict(mb < kPeakRssMb), row.workload, row.concurrency, mb,
        row.service.server_threads.value_or(0), kPeakRssMb));
  }
  for (const Comparison& comparison : report.comparisons) {
    const std::optional<double> ratio = comparison.Ratio();
    if (!comparison.target.has_value() || !ratio.has_value()) continue;
    lines.push_back(absl::StrFormat(
        "%s %s at %d: %s %.2fx (target >= %.1fx)",
        verdict(*ratio >= *comparison.target), comparison.workload,
        comparison.concurrency, comparison.title, *ratio, *comparison.target));
  }
  if (report.storm.has_value()) {
    const StormResult& storm = *report.storm;
    const double mb = static_cast<double>(storm.peak_rss_kb) / 1024;
    lines.push_back(absl::StrFormat(
        "%s deadline storm: peak RSS %.0f MB, peak threads %d, %d "
        "RESOURCE_EXHAUSTED (target < %.0f MB)",
        verdict(mb < kPeakRssMb), mb, storm.peak_threads,
        storm.Answers("RESOURCE_EXHAUSTED"), kPeakRssMb));
    lines.push_back(absl::StrFormat(
        "%s deadline storm: healthy right after (first ListFreeSlots %s in "
        "%.1f ms, health %s)",
        verdict(storm.Healthy()), storm.first_call_label,
        Ms(storm.first_call_latency), storm.health_label));
  }
  return lines;
}

void PrintStorm(const Report& report, std::ostream& out) {
  const StormResult& storm = *report.storm;
  out << absl::StrFormat(
      "\nDeadline storm: %d client threads over %d connections, deadline "
      "%s, ListFreeSlots (31 days) and BookOneTimeLink (fresh links) in "
      "turn, for %.1f s; server pool %d, max calls in flight %s; %d "
      "replica(s).\n\n",
      storm.options.threads, storm.options.channels,
      absl::FormatDuration(storm.options.deadline),
      absl::ToDoubleSeconds(storm.window), report.db_pool_size,
      report.max_calls_in_flight > 0 ? absl::StrCat(report.max_calls_in_flight)
                                     : "default",
      report.replicas);
  out << "| method | calls | OK | DEADLINE_EXCEEDED | RESOURCE_EXHAUSTED | "
         "other |\n|---|---:|---:|---:|---:|---|\n";
  for (const auto& [method, codes] : storm.answers) {
    int64_t calls = 0;
    std::vector<std::string> other;
    for (const auto& [code, count] : codes) {
      calls += count;
      if (code != "OK" && code != "DEADLINE_EXCEEDED" &&
          code != "RESOURCE_EXHAUSTED") {
        other.push_back(absl::StrCat(code, " ", count));
      }
    }
    auto count_of = [&codes = codes](const char* code) -> int64_t {
      auto found = codes.find(code);
      return found == codes.end() ? 0 : found->second;
    };
    out << absl::StrFormat("| %s | %d | %d | %d | %d | %s |\n", method, calls,
                           count_of("OK"), count_of("DEADLINE_EXCEEDED"),
                           count_of("RESOURCE_EXHAUSTED"),
                           other.empty() ? "0" : absl::StrJoin(other, ", "));
  }
  out << absl::StrFormat(
      "\n| server | before | peak (sampled %d times) | after |\n"
      "|---|---:|---:|---:|\n"
      "| threads | %d | %d | %d |\n"
      "| RSS MB | %.0f | %.0f (VmHWM) | %.0f |\n",
      storm.samples, storm.threads_before, storm.peak_threads,
      storm.threads_after, static_cast<double>(storm.rss_before_kb) / 1024,
      static_cast<double>(storm.peak_rss_kb) / 1024,
      static_cast<double>(storm.rss_after_kb) / 1024);
  out << absl::StrFormat(
      "\nBookings committed by the storm's calls: %d, of which %d answered "
      "OK, so %d committed for callers who were told otherwise (database "
      "counted %.1f s after the storm, once it stood still).%s\n",
      storm.bookings_committed, storm.book_ok,
      storm.bookings_committed - storm.book_ok,
      absl::ToDoubleSeconds(storm.settle_time),
      storm.book_calls_without_link > 0
          ? absl::StrCat(" ", storm.book_calls_without_link,
                         " turns found no fresh link left and listed slots "
                         "instead.")
          : "");
  out << absl::StrFormat(
      "Right after: first ListFreeSlots %s in %.1f ms, then a median of "
      "%.1f ms over ten; health check %s.\n",
      storm.first_call_label, Ms(storm.first_call_latency),
      Ms(storm.median_call_latency), storm.health_label);
}

// Rows waited on, per sampled measurement: in the table, and in the JSON.
constexpr size_t kLockWaitRowsPrinted = 5;
constexpr size_t kLockWaitRowsInJson = 20;

// A table cell: no line breaks, no column separators.
std::string Cell(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void PrintLockWaitRows(const std::string& workload, int concurrency,
                       const LockWaitTally& tally, std::ostream& out) {
  const std::string head =
      absl::StrFormat("| %s | %d | %d (%d) ", Cell(workload), concurrency,
                      tally.queries, tally.samples_with_waits);
  if (!tally.error.empty()) {
    out << head << "| sampler failed: " << Cell(tally.error)
        << " | | | | | |\n";
  }
  if (tally.rows.empty()) {
    if (tally.error.empty()) out << head << "| none caught | | | | | |\n";
    return;
  }
  for (size_t i = 0; i < tally.rows.size() && i < kLockWaitRowsPrinted; ++i) {
    const LockWaitRow& row = tally.rows[i];
    out << (i == 0 ? head : "| | | ")
        << absl::StrFormat("| %s | %s | %s | %s | %d | %d |\n", Cell(row.table),
                           Cell(row.index), Cell(row.mode), Cell(row.data),
                           row.samples, row.waiters);
  }
  if (tally.rows.size() > kLockWaitRowsPrinted) {
    int64_t samples = 0;
    int64_t waiters = 0;
    for (size_t i = kLockWaitRowsPrinted; i < tally.rows.size(); ++i) {
      samples += tally.rows[i].samples;
      waiters += tally.rows[i].waiters;
    }
    out << absl::StrFormat("| | | | %d other rows | | | | %d | %d |\n",
                           tally.rows.size() - kLockWaitRowsPrinted, samples,
                           waiters);
  }
}

// The "rows waited on" table, if any measurement was sampled.
void PrintLockWaits(const Report& report, std::ostream& out) {
  std::optional<absl::Duration> interval;
  for (const ReportRow& row : report.rows) {
    if (row.service.lock_waits_sampled.has_value()) {
      interval = row.service.lock_waits_sampled->interval;
      break;
    }
  }
  if (!interval.has_value()) return;
  out << absl::StrFormat(
      "\nRows waited on: snapshots of InnoDB's lock waits every %s over "
      "each measured window (information_schema.innodb_lock_waits, the "
      "blocking lock in innodb_locks), by the row the waiters queued on; "
      "\"samples\": snapshots that showed a wait on the row (a long wait "
      "shows in several), \"waiters\": the waiting locks on it, summed over "
      "the snapshots; the top %d rows per point:\n\n"
      "| workload | conc | samples (with waits) | table | index | mode | "
      "row | samples | waiters |\n"
      "|---|---:|---:|---|---|---|---|---:|---:|\n",
      absl::FormatDuration(*interval), kLockWaitRowsPrinted);
  for (const ReportRow& row : report.rows) {
    if (row.service.lock_waits_sampled.has_value()) {
      PrintLockWaitRows(row.workload, row.concurrency,
                        *row.service.lock_waits_sampled, out);
    }
    if (row.raw_sql.has_value() && row.raw_sql->lock_waits_sampled) {
      PrintLockWaitRows(row.workload + " (raw SQL)", row.concurrency,
                        *row.raw_sql->lock_waits_sampled, out);
    }
  }
}

std::string StormJson(const StormResult& storm);

// Minimal JSON: enough for flat records of numbers and strings.
std::string Quote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Number(std::optional<double> value) {
  if (!value.has_value() || !std::isfinite(*value)) return "null";
  return absl::StrFormat("%.6g", *value);
}

std::string Object(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : fields) {
    parts.push_back(absl::StrCat(Quote(key), ": ", value));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

std::string LockWaitsJson(const LockWaitTally& tally) {
  std::vector<std::string> rows;
  for (size_t i = 0; i < tally.rows.size() && i < kLockWaitRowsInJson; ++i) {
    const LockWaitRow& row = tally.rows[i];
    rows.push_back(Object({
        {"table", Quote(row.table)},
        {"index", Quote(row.index)},
        {"mode", Quote(row.mode)},
        {"row", Quote(row.data)},
        {"samples", absl::StrCat(row.samples)},
        {"waiters", absl::StrCat(row.waiters)},
    }));
  }
  return Object({
      {"interval_ms", Number(Ms(tally.interval))},
      {"samples", absl::StrCat(tally.queries)},
      {"samples_with_waits", absl::StrCat(tally.samples_with_waits)},
      {"distinct_rows", absl::StrCat(tally.rows.size())},
      {"top_rows", absl::StrCat("[", absl::StrJoin(rows, ", "), "]")},
      {"error", tally.error.empty() ? "null" : Quote(tally.error)},
  });
}

std::string MeasurementJson(const Measurement& m) {
  const LoadResult& load = m.load;
  std::vector<std::pair<std::string, std::string>> outcomes;
  for (const auto& [label, count] : load.outcomes) {
    outcomes.emplace_back(label, absl::StrCat(count));
  }
  auto optional_int = [](auto value) -> std::optional<double> {
    if (!value.has_value()) return std::nullopt;
    return static_cast<double>(*value);
  };
  return Object({
      {"calls", absl::StrCat(load.calls)},
      {"window_s", Number(absl::ToDoubleSeconds(load.window))},
      {"calls_per_s", Number(load.CallsPerSecond())},
      {"p50_ms", Number(Ms(load.latency.Percentile(0.50)))},
      {"p95_ms", Number(Ms(load.latency.Percentile(0.95)))},
      {"p99_ms", Number(Ms(load.latency.Percentile(0.99)))},
      {"max_ms", Number(Ms(load.latency.Max()))},
      {"mean_ms", Number(Ms(load.latency.Mean()))},
      {"outcomes", Object(outcomes)},
      {"ran_out_of_input", load.ran_out_of_input ? "true" : "false"},
      {"client_cpu_s_per_1k", Number(m.PerThousandCalls(m.cpu.client))},
      {"server_cpu_s_per_1k", Number(m.PerThousandCalls(m.cpu.server))},
      {"db_cpu_s_per_1k", Number(m.PerThousandCalls(m.cpu.database))},
      {"server_peak_rss_mb", Number(Mb(m.server_peak_rss_kb))},
      {"server_threads", Number(optional_int(m.server_threads))},
      {"sql_statements_per_call", Number(m.StatementsPerCall())},
      {"row_lock_waits_per_call", Number(m.PerCall(m.row_lock_waits))},
      {"server_cpu_s_by_process",
       [&m] {
         std::vector<std::string> parts;
         for (double cpu : m.server_cpu_by_process) {
           parts.push_back(Number(cpu));
         }
         return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
       }()},
      {"row_lock_ms_per_call", Number(m.PerCall(m.row_lock_time_ms))},
      {"lock_waits_sampled", m.lock_waits_sampled.has_value()
                                 ? LockWaitsJson(*m.lock_waits_sampled)
                                 : "null"},
  });
}

std::string StormJson(const StormResult& storm) {
  std::vector<std::pair<std::string, std::string>> methods;
  for (const auto& [method, codes] : storm.answers) {
    std::vector<std::pair<std::string, std::string>> counts;
    for (const auto& [code, count] : codes) {
      counts.emplace_back(code, absl::StrCat(count));
    }
    methods.emplace_back(method, Object(counts));
  }
  return Object({
      {"threads", absl::StrCat(storm.options.threads)},
      {"connections", absl::StrCat(storm.options.channels)},
      {"deadline_ms", Number(Ms(storm.options.deadline))},
      {"window_s", Number(absl::ToDoubleSeconds(storm.window))},
      {"calls", absl::StrCat(storm.calls)},
      {"answers", Object(methods)},
      {"ok", absl::StrCat(storm.Answers("OK"))},
      {"deadline_exceeded", absl::StrCat(storm.Answers("DEADLINE_EXCEEDED"))},
      {"resource_exhausted", absl::StrCat(storm.Answers("RESOURCE_EXHAUSTED"))},
      {"other", absl::StrCat(storm.OtherAnswers())},
      {"book_turns_without_link", absl::StrCat(storm.book_calls_without_link)},
      {"server_threads_before", absl::StrCat(storm.threads_before)},
      {"server_threads_peak", absl::StrCat(storm.peak_threads)},
      {"server_threads_after", absl::StrCat(storm.threads_after)},
      {"server_samples", absl::StrCat(storm.samples)},
      {"server_rss_before_mb", Number(storm.rss_before_kb / 1024.0)},
      {"server_rss_peak_mb", Number(storm.peak_rss_kb / 1024.0)},
      {"server_rss_after_mb", Number(storm.rss_after_kb / 1024.0)},
      {"bookings_committed", absl::StrCat(storm.bookings_committed)},
      {"book_ok", absl::StrCat(storm.book_ok)},
      {"bookings_committed_not_ok",
       absl::StrCat(storm.bookings_committed - storm.book_ok)},
      {"settle_s", Number(absl::ToDoubleSeconds(storm.settle_time))},
      {"first_call", Quote(storm.first_call_label)},
      {"first_call_ms", Number(Ms(storm.first_call_latency))},
      {"median_call_ms", Number(Ms(storm.median_call_latency))},
      {"health", Quote(storm.health_label)},
      {"healthy", storm.Healthy() ? "true" : "false"},
  });
}

}  // namespace

std::optional<double> Comparison::Ratio() const {
  if (denominator_rate <= 0) return std::nullopt;
  return numerator_rate / denominator_rate;
}

std::optional<double> Measurement::PerThousandCalls(
    std::optional<double> total) const {
  if (!total.has_value() || load.calls == 0) return std::nullopt;
  return *total * 1000 / static_cast<double>(load.calls);
}

std::optional<double> Measurement::PerCall(std::optional<int64_t> total) const {
  if (!total.has_value() || load.calls == 0) return std::nullopt;
  return static_cast<double>(*total) / static_cast<double>(load.calls);
}

std::optional<double> Measurement::StatementsPerCall() const {
  if (!sql_statements.has_value() || load.calls == 0) return std::nullopt;
  return static_cast<double>(*sql_statements) / static_cast<double>(load.calls);
}

std::optional<double> ReportRow::Ratio() const {
  if (!raw_sql.has_value() || raw_sql->load.CallsPerSecond() <= 0) {
    return std::nullopt;
  }
  return service.load.CallsPerSecond() / raw_sql->load.CallsPerSecond();
}

Machine Machine::ThisOne() {
  Machine machine;
  machine.cpus = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    absl::string_view view = line;
    if (absl::ConsumePrefix(&view, "model name")) {
      std::pair<absl::string_view, absl::string_view> parts =
          absl::StrSplit(view, absl::MaxSplits(':', 1));
      machine.cpu_model = std::string(absl::StripAsciiWhitespace(parts.second));
      break;
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    absl::string_view view = line;
    if (absl::ConsumePrefix(&view, "MemTotal:")) {
      view = absl::StripAsciiWhitespace(view);
      absl::ConsumeSuffix(&view, " kB");
      int64_t kb = 0;
      if (absl::SimpleAtoi(view, &kb)) machine.memory_mb = kb / 1024;
      break;
    }
  }
  struct utsname name;
  if (uname(&name) == 0) {
    machine.kernel = absl::StrCat(name.sysname, " ", name.release);
  }
  return machine;
}

absl::StatusOr<std::vector<SlotEngineResult>> ReadSlotEngineResults(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  // Google Benchmark writes one "key": value pair per line; each
  // benchmark's "name" comes before its "cpu_time" and "time_unit". CPU
  // time, not wall time: on a machine shared with a database, a server
  // and other people's builds, waiting for a core is not the engine's.
  std::vector<SlotEngineResult> results;
  SlotEngineResult current;
  double cpu_time = 0;
  for (std::string line; std::getline(in, line);) {
    absl::string_view view = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&view, ",");
    if (absl::ConsumePrefix(&view, "\"name\": \"")) {
      absl::ConsumeSuffix(&view, "\"");
      current.name = std::string(view);
    } else if (absl::ConsumePrefix(&view, "\"cpu_time\": ")) {
      if (!absl::SimpleAtod(view, &cpu_time)) cpu_time = 0;
    } else if (absl::ConsumePrefix(&view, "\"time_unit\": \"")) {
      absl::ConsumeSuffix(&view, "\"");
      const double scale = view == "ns"   ? 1e-3
                           : view == "us" ? 1
                           : view == "ms" ? 1e3
                                          : 1e6;
      current.microseconds = cpu_time * scale;
      // With repetitions, only the aggregates are written: keep the
      // median, the figure least moved by a neighbour's burst.
      absl::string_view name = current.name;
      if (absl::ConsumeSuffix(&name, "_median")) {
        results.push_back({std::string(name), current.microseconds});
      } else if (!absl::EndsWith(name, "_mean") &&
                 !absl::EndsWith(name, "_stddev") &&
                 !absl::EndsWith(name, "_cv")) {
        results.push_back(current);
      }
    }
  }
  return results;
}

void PrintReport(const Report& report, std::ostream& out) {
  out << absl::StrFormat(
      "Commit %s, %s. Machine: %d CPUs (%s), %d MB, %s. %s warm-up + %s "
      "measured per point; server pool %d connections; %d client "
      "connections.\n\n",
      report.commit, report.started, report.machine.cpus,
      report.machine.cpu_model, report.machine.memory_mb, report.machine.kernel,
      absl::FormatDuration(report.warmup), absl::FormatDuration(report.measure),
      report.db_pool_size, report.channels);

  out << "| workload | conc | ops/s | p50 ms | p99 ms | raw-SQL ops/s | "
         "service/raw | bare-gRPC ops/s | server CPU s/1k ops | peak RSS MB "
         "| SQL stmts/op svc/raw | errors |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const ReportRow& row : report.rows) {
    const Measurement& s = row.service;
    std::optional<double> raw_rate;
    std::optional<double> raw_statements;
    if (row.raw_sql.has_value()) {
      raw_rate = row.raw_sql->load.CallsPerSecond();
      raw_statements = row.raw_sql->StatementsPerCall();
    }
    out << absl::StrFormat(
        "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s | %s |\n",
        row.workload, row.concurrency, Rate(s.load.CallsPerSecond()),
        Fixed(Ms(s.load.latency.Percentile(0.5)), 2),
        Fixed(Ms(s.load.latency.Percentile(0.99)), 2), Rate(raw_rate),
        Fixed(row.Ratio(), 2), Rate(row.health_calls_per_second),
        Fixed(s.PerThousandCalls(s.cpu.server), 3),
        Fixed(Mb(s.server_peak_rss_kb), 0), Fixed(s.StatementsPerCall(), 1),
        Fixed(raw_statements, 1), ErrorsOf(row));
  }

  out << "\nCPU seconds per 1,000 operations, by process, and raw-SQL "
         "latency:\n\n"
         "| workload | conc | service: client | server | mariadbd | raw SQL: "
         "client | mariadbd | raw p50 ms | raw p99 ms | row lock waits/op | "
         "lock wait ms/op | notes |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const ReportRow& row : report.rows) {
    const Measurement& s = row.service;
    std::optional<double> raw_client, raw_db, raw_p50, raw_p99;
    if (row.raw_sql.has_value()) {
      const Measurement& r = *row.raw_sql;
      raw_client = r.PerThousandCalls(r.cpu.client);
      raw_db = r.PerThousandCalls(r.cpu.database);
      raw_p50 = Ms(r.load.latency.Percentile(0.5));
      raw_p99 = Ms(r.load.latency.Percentile(0.99));
    }
    out << absl::StrFormat(
        "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        row.workload, row.concurrency,
        Fixed(s.PerThousandCalls(s.cpu.client), 3),
        Fixed(s.PerThousandCalls(s.cpu.server), 3),
        Fixed(s.PerThousandCalls(s.cpu.database), 3), Fixed(raw_client, 3),
        Fixed(raw_db, 3), Fixed(raw_p50, 2), Fixed(raw_p99, 2),
        Fixed(s.PerCall(s.row_lock_waits), 2),
        Fixed(s.PerCall(s.row_lock_time_ms), 2),
        absl::StrJoin(row.notes, "; "));
  }

  PrintLockWaits(report, out);

  if (!report.slot_engine.empty()) {
    out << "\nSlot engine alone (Google Benchmark, 31 days, 1,000 "
           "bookings):\n\n| benchmark | us per call |\n|---|---:|\n";
    for (const SlotEngineResult& result : report.slot_engine) {
      out << absl::StrFormat("| %s | %.1f |\n", result.name,
                             result.microseconds);
    }
  }

  if (!report.comparisons.empty()) {
    out << "\nSide by side (throughput ratios within this run):\n\n"
           "| workload | conc | ratio of | OK ops/s | OK ops/s | ratio | "
           "target "
           "| row lock waits/op |\n|---|---:|---|---:|---:|---:|---:|---:|\n";
    for (const Comparison& comparison : report.comparisons) {
      out << absl::StrFormat(
          "| %s | %d | %s | %s | %s | %s | %s | %s / %s |\n",
          comparison.workload, comparison.concurrency, comparison.title,
          Rate(comparison.numerator_rate), Rate(comparison.denominator_rate),
          Fixed(comparison.Ratio(), 2),
          comparison.target.has_value()
              ? absl::StrFormat(">= %.1f", *comparison.target)
              : "-",
          Fixed(comparison.numerator_lock_waits, 2),
          Fixed(comparison.denominator_lock_waits, 2));
    }
  }
  if (report.storm.has_value()) PrintStorm(report, out);

  out << "\nTargets:\n\n";
  for (const std::string& line : TargetLines(report)) {
    out << "    " << line << "\n";
  }
}

absl::Status WriteJson(const Report& report, const std::string& path) {
  std::vector<std::string> rows;
  for (const ReportRow& row : report.rows) {
    std::vector<std::string> expected;
    for (const std::string& label : row.expected) {
      expected.push_back(Quote(label));
    }
    std::vector<std::string> notes;
    for (const std::string& note : row.notes) notes.push_back(Quote(note));
    rows.push_back(Object({
        {"workload", Quote(row.workload)},
        {"concurrency", absl::StrCat(row.concurrency)},
        {"service", MeasurementJson(row.service)},
        {"raw_sql",
         row.raw_sql.has_value() ? MeasurementJson(*row.raw_sql) : "null"},
        {"service_over_raw", Number(row.Ratio())},
        {"bare_grpc_calls_per_s", Number(row.health_calls_per_second)},
        {"expected_outcomes",
         absl::StrCat("[", absl::StrJoin(expected, ", "), "]")},
        {"notes", absl::StrCat("[", absl::StrJoin(notes, ", "), "]")},
    }));
  }
  std::vector<std::string> slot_engine;
  for (const SlotEngineResult& result : report.slot_engine) {
    slot_engine.push_back(
        Object({{"name", Quote(result.name)},
                {"us_per_call", Number(result.microseconds)}}));
  }
  std::vector<std::string> targets;
  for (const std::string& line : TargetLines(report)) {
    targets.push_back(Quote(line));
  }
  std::string double_uses = "null";
  if (report.double_uses.has_value()) {
    double_uses = Object({
        {"links_used_more_than_once",
         absl::StrCat(report.double_uses->links_used_more_than_once)},
        {"links_with_several_bookings",
         absl::StrCat(report.double_uses->links_with_several_bookings)},
        {"links_booked", absl::StrCat(report.double_uses->links_booked)},
        {"client_seen_double_wins",
         absl::StrCat(report.client_seen_double_wins)},
    });
  }

  std::vector<std::string> comparisons;
  for (const Comparison& comparison : report.comparisons) {
    comparisons.push_back(Object({
        {"title", Quote(comparison.title)},
        {"workload", Quote(comparison.workload)},
        {"concurrency", absl::StrCat(comparison.concurrency)},
        {"numerator_calls_per_s", Number(comparison.numerator_rate)},
        {"denominator_calls_per_s", Number(comparison.denominator_rate)},
        {"ratio", Number(comparison.Ratio())},
        {"numerator_row_lock_waits_per_call",
         Number(comparison.numerator_lock_waits)},
        {"denominator_row_lock_waits_per_call",
         Number(comparison.denominator_lock_waits)},
        {"target", Number(comparison.target)},
    }));
  }

  std::ofstream out(path);
  if (!out) return absl::NotFoundError(absl::StrCat("cannot write ", path));
  out << "{\n"
      << "  \"commit\": " << Quote(report.commit) << ",\n"
      << "  \"started\": " << Quote(report.started) << ",\n"
      << "  \"machine\": "
      << Object({{"cpus", absl::StrCat(report.machine.cpus)},
                 {"cpu_model", Quote(report.machine.cpu_model)},
                 {"memory_mb", absl::StrCat(report.machine.memory_mb)},
                 {"kernel", Quote(report.machine.kernel)}})
      << ",\n"
      << "  \"warmup_s\": " << Number(absl::ToDoubleSeconds(report.warmup))
      << ",\n"
      << "  \"measure_s\": " << Number(absl::ToDoubleSeconds(report.measure))
      << ",\n"
      << "  \"db_pool_size\": " << report.db_pool_size << ",\n"
      << "  \"max_calls_in_flight\": " << report.max_calls_in_flight << ",\n"
      << "  \"client_connections\": " << report.channels << ",\n"
      << "  \"replicas\": " << report.replicas << ",\n"
      << "  \"comparisons\": [\n    " << absl::StrJoin(comparisons, ",\n    ")
      << "\n  ],\n"
      << "  \"storm\": "
      << (report.storm.has_value() ? StormJson(*report.storm) : "null") << ",\n"
      << "  \"rows\": [\n    " << absl::StrJoin(rows, ",\n    ") << "\n  ],\n"
      << "  \"slot_engine\": [" << absl::StrJoin(slot_engine, ", ") << "],\n"
      << "  \"double_uses\": " << double_uses << ",\n"
      << "  \"targets\": [\n    " << absl::StrJoin(targets, ",\n    ")
      << "\n  ]\n"
      << "}\n";
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace scheduling::bench
