#include "bench/server_stats.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scheduling::bench {
namespace {

absl::StatusOr<std::string> ReadProcFile(int pid, const char* name) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/", name));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The number of kB on the line "`key`:   1234 kB" of /proc/PID/status.
int64_t StatusField(const std::string& status, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, key) || !absl::ConsumePrefix(&line, ":")) {
      continue;
    }
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, " kB");
    int64_t value = 0;
    if (absl::SimpleAtoi(line, &value)) return value;
  }
  return 0;
}

}  // namespace

absl::StatusOr<ProcessSample> SampleProcess(int pid) {
  absl::StatusOr<std::string> stat = ReadProcFile(pid, "stat");
  if (!stat.ok()) return stat.status();
  absl::StatusOr<std::string> status = ReadProcFile(pid, "status");
  if (!status.ok()) return status.status();

  // The command name (field 2) may contain spaces; fields after its
  // closing parenthesis are plain. utime and stime are fields 14 and 15,
  // i.e. the 12th and 13th after the parenthesis.
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) {
    return absl::InternalError("cannot parse /proc/PID/stat");
  }
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(*stat).substr(paren + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError("cannot parse /proc/PID/stat");
  }
  ProcessSample sample;
  sample.cpu_seconds = static_cast<double>(utime + stime) /
                       static_cast<double>(sysconf(_SC_CLK_TCK));
  sample.peak_rss_kb = StatusField(*status, "VmHWM");
  sample.rss_kb = StatusField(*status, "VmRSS");
  sample.threads = static_cast<int>(StatusField(*status, "Threads"));
  return sample;
}

absl::Status ResetPeakRss(int pid) {
  std::ofstream out(absl::StrCat("/proc/", pid, "/clear_refs"));
  out << "5";
  out.flush();
  if (!out) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot reset the peak RSS of process ", pid));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatabaseCounters> ReadDatabaseCounters(
    store::ConnectionPool& pool) {
  absl::StatusOr<store::Lease> lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    std::unique_ptr<sql::Statement> statement(
        lease->connection().createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', "
        "'Innodb_row_lock_waits', 'Innodb_row_lock_time')"));
    DatabaseCounters counters;
    bool questions = false;
    while (rows->next()) {
      const std::string name = rows->getString(1);
      const int64_t value = rows->getInt64(2);
      if (name == "Questions") {
        counters.statements = value;
        questions = true;
      } else if (name == "Innodb_row_lock_waits") {
        counters.row_lock_waits = value;
      } else if (name == "Innodb_row_lock_time") {
        counters.row_lock_time_ms = value;
      }
    }
    if (!questions) return absl::InternalError("no Questions counter");
    return counters;
  } catch (const sql::SQLException& error) {
    lease->MarkBroken();
    return absl::UnavailableError(
        absl::StrCat("SHOW GLOBAL STATUS: ", error.what()));
  }
}

}  // namespace scheduling::bench
