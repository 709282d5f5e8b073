// Reading a server's Prometheus endpoint in tests.
#ifndef SCHEDULING_TESTS_INTEGRATION_METRICS_SCRAPE_H_
#define SCHEDULING_TESTS_INTEGRATION_METRICS_SCRAPE_H_

#include <map>
#include <string>

namespace scheduling::testing {

// Every sample at http://127.0.0.1:PORT/metrics, keyed by the series as
// printed: `name{label="value",...}` (labels in name order) or `name`.
// Empty (with a gtest failure) if the scrape fails.
std::map<std::string, double> ScrapeMetrics(int port);

// The sample `series` in `samples`, 0 if absent (a counter never touched).
double Sample(const std::map<std::string, double>& samples,
              const std::string& series);

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_METRICS_SCRAPE_H_
