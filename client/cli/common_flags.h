// The flags that commands of more than one resource take (defined in
// common_flags.cc). A flag only one resource's commands take is defined in
// that resource's file; the connection flags are schedctl.cc's.
#ifndef SCHEDULING_CLIENT_CLI_COMMON_FLAGS_H_
#define SCHEDULING_CLIENT_CLI_COMMON_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, location);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, calendar);
ABSL_DECLARE_FLAG(std::string, display_name);
ABSL_DECLARE_FLAG(absl::Duration, duration);
ABSL_DECLARE_FLAG(std::string, time_zone);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(std::string, from);
ABSL_DECLARE_FLAG(int, days);
ABSL_DECLARE_FLAG(std::string, start);
ABSL_DECLARE_FLAG(std::string, invitee_name);
ABSL_DECLARE_FLAG(std::string, invitee_email);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, etag);

#endif  // SCHEDULING_CLIENT_CLI_COMMON_FLAGS_H_
