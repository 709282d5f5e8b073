// `schedctl share`: a calendar's Share links, as the product's "Share"
// dialog offers them: the permanent scheduling link, its embed code, and
// (with --new_link) a freshly generated one-time link with its own embed
// code. The addresses are the reference booking page's
// (client/booking_page/routes.h); one-time link URLs come from the server,
// built on its --public_base_url.
//
// Thread-compatible: reads flags, uses one Services from one thread.
#ifndef SCHEDULING_CLIENT_CLI_SHARE_H_
#define SCHEDULING_CLIENT_CLI_SHARE_H_

#include "absl/strings/string_view.h"
#include "client/cli/services.h"

namespace scheduling::cli {

// The synopsis of `share` in schedctl's usage text. A string_view, not a
// char array: the command table (calendar_commands.cc) is constexpr, and GCC
// under -fsanitize=undefined cannot constant-fold the null check that
// absl::string_view's constructor makes on an array's address.
inline constexpr absl::string_view kShareSynopsis =
    "--calendar=CALENDAR [--page_url=URL] [--new_link [--expire_in=48h] "
    "[--request_id=R]]";

// Runs `schedctl share` for --calendar. Returns schedctl's exit status: 0,
// 1 when a call fails, 2 on a usage mistake.
int RunShare(const Services& services);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_SHARE_H_
