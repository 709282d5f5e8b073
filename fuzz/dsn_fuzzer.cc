// ParseDsn on arbitrary text (it reads a flag and an environment variable).
// Beyond never crashing: a DSN it accepts, written back out with its user
// and password percent-encoded and its port explicit, parses to the same
// fields, i.e. the parser loses or invents nothing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "server/store/dsn.h"

namespace {

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(c)) {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using scheduling::store::Dsn;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Dsn> dsn = scheduling::store::ParseDsn(text);
  if (!dsn.ok()) return 0;
  if (dsn->host.empty() || dsn->database.empty() || dsn->port <= 0 ||
      dsn->port > 65535) {
    std::fprintf(stderr, "accepted a DSN without host, database or port\n");
    std::abort();
  }
  const std::string written = absl::StrCat(
      "mysql://", PercentEncode(dsn->user), ":", PercentEncode(dsn->password),
      "@", dsn->host, ":", dsn->port, "/", dsn->database);
  absl::StatusOr<Dsn> again = scheduling::store::ParseDsn(written);
  if (!again.ok() || again->user != dsn->user ||
      again->password != dsn->password || again->host != dsn->host ||
      again->port != dsn->port || again->database != dsn->database) {
    std::fprintf(stderr, "DSN does not survive writing it out again\n");
    std::abort();
  }
  return 0;
}
