// Structured log lines: one line per record on stderr, as JSON (one object
// a line, for log collectors) or as text (for people at a terminal).
//
// Example:
//   Log(LogLevel::kWarning, "database unreachable")
//       .Add("error", status.message())
//       .Add("retry_in_ms", 500);
// The line is written when the temporary LogLine goes away, at the end of
// the statement.
//
//   JSON: {"time":"2026-12-03T08:00:00.123456Z","level":"warning",
//          "msg":"database unreachable","error":"...","retry_in_ms":500}
//   text: 2026-12-03T08:00:00.123456Z WARNING database unreachable
//         error="..." retry_in_ms=500
//
// Nothing here knows what a secret is: callers never add link tokens, DSNs
// or credentials to a line (tests/integration/observability_test.cc checks
// the server's output for them).
//
// Thread-safety: thread-safe; each line is written whole.
#ifndef SCHEDULING_SERVER_OBSERVABILITY_LOG_H_
#define SCHEDULING_SERVER_OBSERVABILITY_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace scheduling::observability {

enum class LogFormat { kText, kJson };
enum class LogLevel { kInfo, kWarning, kError };

// "json" or "text"; false for anything else.
bool ParseLogFormat(absl::string_view text, LogFormat* format);

// The format of every line from now on (text until set).
void SetLogFormat(LogFormat format);

// Where lines go instead of stderr (each without its newline); an empty
// function restores stderr. For tests that read what the server logs.
using LogSink = std::function<void(absl::string_view line)>;
void SetLogSink(LogSink sink);

class LogLine {
 public:
  LogLine(LogLevel level, absl::string_view message);
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;
  ~LogLine();

  LogLine& Add(absl::string_view key, absl::string_view value);
  LogLine& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  LogLine& Add(absl::string_view key, int64_t value);
  LogLine& Add(absl::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  LogLine& Add(absl::string_view key, double value);

 private:
  using Value = std::variant<std::string, int64_t, double>;
  const LogLevel level_;
  const std::string message_;
  std::vector<std::pair<std::string, Value>> fields_;
};

// A record at `level`; add fields, and it is written at the end of the
// statement.
inline LogLine Log(LogLevel level, absl::string_view message) {
  return LogLine(level, message);
}

}  // namespace scheduling::observability

#endif  // SCHEDULING_SERVER_OBSERVABILITY_LOG_H_
