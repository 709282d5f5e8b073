#include "server/observability/log.h"

#include <atomic>
#include <cstdio>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace scheduling::observability {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

absl::Mutex g_sink_mu;
LogSink* g_sink ABSL_GUARDED_BY(g_sink_mu) = nullptr;

const char* LevelName(LogLevel level, LogFormat format) {
  switch (level) {
    case LogLevel::kInfo:
      return format == LogFormat::kJson ? "info" : "INFO";
    case LogLevel::kWarning:
      return format == LogFormat::kJson ? "warning" : "WARNING";
    case LogLevel::kError:
      return format == LogFormat::kJson ? "error" : "ERROR";
  }
  return "?";
}

// Text values stay bare when they are one plain word; otherwise quoted
// with C escapes, so a line never breaks and stays unambiguous.
std::string TextValue(absl::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-' ||
          c == ':' || c == '/' || c == '@' || c == '+')) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(value);
  return absl::StrCat("\"", absl::CHexEscape(value), "\"");
}

void Write(const std::string& line) {
  absl::MutexLock lock(&g_sink_mu);
  if (g_sink != nullptr) {
    (*g_sink)(line);
    return;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

bool ParseLogFormat(absl::string_view text, LogFormat* format) {
  if (text == "json") {
    *format = LogFormat::kJson;
    return true;
  }
  if (text == "text") {
    *format = LogFormat::kText;
    return true;
  }
  return false;
}

void SetLogFormat(LogFormat format) { g_format.store(format); }

void SetLogSink(LogSink sink) {
  absl::MutexLock lock(&g_sink_mu);
  delete g_sink;
  g_sink = sink ? new LogSink(std::move(sink)) : nullptr;
}

LogLine::LogLine(LogLevel level, absl::string_view message)
    : level_(level), message_(message) {}

LogLine& LogLine::Add(absl::string_view key, absl::string_view value) {
  fields_.emplace_back(std::string(key), std::string(value));
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, int64_t value) {
  fields_.emplace_back(std::string(key), value);
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, double value) {
  fields_.emplace_back(std::string(key), value);
  return *this;
}

LogLine::~LogLine() {
  const LogFormat format = g_format.load();
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                            absl::UTCTimeZone());
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json line;
    line["time"] = time;
    line["level"] = LevelName(level_, format);
    line["msg"] = message_;
    for (const auto& [key, value] : fields_) {
      std::visit([&line, &key = key](const auto& v) { line[key] = v; }, value);
    }
    // Bytes that are not UTF-8 (a caller's metadata, say) become U+FFFD
    // instead of breaking the line or the process.
    Write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::string line =
      absl::StrCat(time, " ", LevelName(level_, format), " ", message_);
  for (const auto& [key, value] : fields_) {
    absl::StrAppend(&line, " ", key, "=");
    if (const auto* text = std::get_if<std::string>(&value)) {
      absl::StrAppend(&line, TextValue(*text));
    } else if (const auto* integer = std::get_if<int64_t>(&value)) {
      absl::StrAppend(&line, *integer);
    } else {
      absl::StrAppend(&line, absl::StrFormat("%.3f", std::get<double>(value)));
    }
  }
  Write(line);
}

}  // namespace scheduling::observability
