#include "client/cli/share.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/booking_page/routes.h"
#include "client/cli/common_flags.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "scheduling/client/error_details.h"

// Defined in link_commands.cc with the other link options.
ABSL_DECLARE_FLAG(absl::Duration, expire_in);

namespace {

std::string DefaultPageUrl() {
  // The server's --public_base_url and its default: where one-time links
  // lead is where the booking page runs.
  const char* from_env = std::getenv("SCHEDULING_PUBLIC_BASE_URL");
  return from_env != nullptr && *from_env != '\0' ? from_env
                                                  : "http://localhost:8080";
}

}  // namespace

ABSL_FLAG(std::string, page_url, DefaultPageUrl(),
          "share: base URL of the booking page; default "
          "$SCHEDULING_PUBLIC_BASE_URL, else http://localhost:8080");
ABSL_FLAG(bool, new_link, false,
          "share: also generate a new one-time link (each books once)");

namespace scheduling::cli {
namespace {

constexpr int kCallFailed = 1;
constexpr int kUsageError = 2;

int UsageError(absl::string_view message) {
  std::cerr << "schedctl share: " << message << "\n"
            << "usage: schedctl [--server=HOST:PORT] [--timeout=5s] share "
            << kShareSynopsis << "\n";
  return kUsageError;
}

int CallFailed(const grpc::Status& status) {
  std::cerr << "schedctl share: " << scheduling::client::DescribeStatus(status)
            << "\n";
  return kCallFailed;
}

}  // namespace

int RunShare(const Services& services) {
  const std::string calendar_name = absl::GetFlag(FLAGS_calendar);
  const std::vector<absl::string_view> parts =
      absl::StrSplit(calendar_name, '/');
  if (parts.size() != 4 || parts[0] != "locations" || parts[2] != "calendars" ||
      parts[1].empty() || parts[3].empty()) {
    return UsageError(
        "--calendar must be a calendar's resource name, "
        "locations/{location}/calendars/{calendar}");
  }
  const std::string page_url_flag = absl::GetFlag(FLAGS_page_url);
  absl::string_view page_url = page_url_flag;
  absl::ConsumeSuffix(&page_url, "/");
  if (!absl::StartsWith(page_url, "http://") &&
      !absl::StartsWith(page_url, "https://")) {
    return UsageError("--page_url must start with http:// or https://");
  }

  scheduling::v1::GetCalendarRequest get;
  get.set_name(calendar_name);
  scheduling::v1::Calendar calendar;
  {
    grpc::ClientContext context;
    services.SetDeadline(&context);
    const grpc::Status status =
        services.calendars->GetCalendar(&context, get, &calendar);
    if (!status.ok()) return CallFailed(status);
  }
  const std::string scheduling_link = absl::StrCat(
      page_url,
      scheduling::booking_page::PermanentLinkPath(parts[1], calendar.slug()));
  FieldPrinter fields;
  fields.Add("calendar", calendar.name())
      .Add("display_name", calendar.display_name())
      .Add("scheduling_link", scheduling_link)
      .Add("embed_code", scheduling::booking_page::EmbedSnippet(
                             scheduling_link, calendar.display_name()));

  if (!absl::GetFlag(FLAGS_new_link)) {
    fields.Add("one_time_link", "(add --new_link to generate one)");
    fields.Print(std::cout);
    return 0;
  }
  scheduling::v1::CreateOneTimeLinkRequest create;
  create.set_parent(calendar.name());
  create.set_request_id(absl::GetFlag(FLAGS_request_id));
  const absl::Duration expire_in = absl::GetFlag(FLAGS_expire_in);
  if (expire_in < absl::ZeroDuration()) {
    return UsageError("--expire_in must not be negative (0: never expires)");
  }
  if (expire_in > absl::ZeroDuration()) {
    *create.mutable_one_time_link()->mutable_expire_time() =
        TimeToProto(absl::Now() + expire_in);
  }
  scheduling::v1::OneTimeLink link;
  {
    grpc::ClientContext context;
    services.SetDeadline(&context);
    const grpc::Status status =
        services.links->CreateOneTimeLink(&context, create, &link);
    if (!status.ok()) return CallFailed(status);
  }
  fields.Add("one_time_link", link.url())
      .AddTime("one_time_link_expires", link.expire_time(),
               absl::LocalTimeZone())
      .Add("one_time_link_embed_code",
           scheduling::booking_page::EmbedSnippet(link.url(),
                                                  calendar.display_name()));
  fields.Print(std::cout);
  if (!absl::StartsWith(link.url(), absl::StrCat(page_url, "/"))) {
    std::cerr << "schedctl share: note: the server hands out one-time links "
                 "on another base URL than --page_url ("
              << page_url << "); set the server's --public_base_url to "
              << "the booking page's address\n";
  }
  return 0;
}

}  // namespace scheduling::cli
