// `schedctl demo`: the one-time-link flow end to end against a running
// server, printed as numbered steps. It doubles as a smoke test: it checks
// that every step behaves as the product promises, above all that a used or
// revoked link is refused with the page's message.
#ifndef SCHEDULING_CLIENT_CLI_DEMO_H_
#define SCHEDULING_CLIENT_CLI_DEMO_H_

#include <string>

#include "client/cli/services.h"

namespace scheduling::cli {

// Runs the flow in `parent` (`locations/{location}`), creating a calendar
// there. Returns 0 if every step behaved as expected, else 1.
int RunDemo(const Services& services, const std::string& parent);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_DEMO_H_
