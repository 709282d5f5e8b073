#include "tests/integration/metrics_scrape.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace scheduling::testing {

std::map<std::string, double> ScrapeMetrics(int port) {
  std::map<std::string, double> samples;
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  httplib::Result response = client.Get("/metrics");
  if (!response || response->status != 200) {
    ADD_FAILURE() << "cannot scrape 127.0.0.1:" << port << "/metrics";
    return samples;
  }
  EXPECT_NE(response->get_header_value("Content-Type").find("text/plain"),
            std::string::npos);
  for (absl::string_view line : absl::StrSplit(response->body, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    double value = 0;
    if (!absl::SimpleAtod(line.substr(space + 1), &value)) continue;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

double Sample(const std::map<std::string, double>& samples,
              const std::string& series) {
  auto found = samples.find(series);
  return found == samples.end() ? 0 : found->second;
}

}  // namespace scheduling::testing
