#include "server/store/dsn.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace scheduling::store {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int high = HexValue(in[i + 1]);
    const int low = HexValue(in[i + 2]);
    if (high < 0 || low < 0) return false;
    out->push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

}  // namespace

absl::StatusOr<Dsn> ParseDsn(absl::string_view text) {
  constexpr absl::string_view kScheme = "mysql://";
  if (!absl::StartsWith(text, kScheme)) {
    return absl::InvalidArgumentError(
        "database DSN must look like mysql://user:password@host:port/database");
  }
  absl::string_view rest = text.substr(kScheme.size());
  Dsn dsn;
  const size_t at = rest.rfind('@');
  if (at != absl::string_view::npos) {
    absl::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = credentials.find(':');
    if (!PercentDecode(credentials.substr(0, colon), &dsn.user) ||
        (colon != absl::string_view::npos &&
         !PercentDecode(credentials.substr(colon + 1), &dsn.password))) {
      return absl::InvalidArgumentError("database DSN: bad percent-encoding");
    }
  }
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos || slash + 1 >= rest.size()) {
    return absl::InvalidArgumentError("database DSN: missing /database");
  }
  dsn.database = std::string(rest.substr(slash + 1));
  absl::string_view host_port = rest.substr(0, slash);
  const size_t colon = host_port.rfind(':');
  if (colon != absl::string_view::npos) {
    if (!absl::SimpleAtoi(host_port.substr(colon + 1), &dsn.port) ||
        dsn.port <= 0 || dsn.port > 65535) {
      return absl::InvalidArgumentError("database DSN: bad port");
    }
    host_port = host_port.substr(0, colon);
  }
  if (host_port.empty()) {
    return absl::InvalidArgumentError("database DSN: missing host");
  }
  dsn.host = std::string(host_port);
  return dsn;
}

}  // namespace scheduling::store
