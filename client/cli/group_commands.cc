// The group commands: create, get, list, update, delete, enable and disable
// groups of calendars. (move-calendar, a calendar command, puts a calendar
// in a group.)

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "client/cli/command_helpers.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/output.h"
#include "google/protobuf/empty.pb.h"
#include "grpcpp/client_context.h"

ABSL_FLAG(std::string, group_id, "", "id of a new group; generated if empty");
ABSL_FLAG(std::string, description, "", "description of a group");
ABSL_FLAG(bool, force, false,
          "delete a group even if it holds calendars (they become ungrouped)");

namespace scheduling::cli {
namespace {

int PrintGroup(const scheduling::v1::Group& group) {
  FieldPrinter fields;
  AddGroup(group, DisplayZone(), &fields);
  fields.Print(std::cout);
  return 0;
}

int RunCreateGroup(const Invocation& call) {
  scheduling::v1::CreateGroupRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_group_id(absl::GetFlag(FLAGS_group_id));
  request.mutable_group()->set_display_name(absl::GetFlag(FLAGS_display_name));
  request.mutable_group()->set_description(absl::GetFlag(FLAGS_description));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->CreateGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunGetGroup(const Invocation& call) {
  scheduling::v1::GetGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->GetGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunListGroups(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListGroupsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListGroupsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListGroups(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.groups().empty()) {
    TablePrinter table(
        {"NAME", "DISPLAY NAME", "STATE", "CALENDARS", "UPDATED (UTC)"});
    for (const scheduling::v1::Group& group : response.groups()) {
      table.AddRow({group.name(), group.display_name(),
                    scheduling::v1::Group::State_Name(group.state()),
                    absl::StrCat(group.calendar_count()),
                    FormatUtc(group.update_time())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("groups", response.groups_size(), response.next_page_token());
  return 0;
}

int RunUpdateGroup(const Invocation& call) {
  scheduling::v1::UpdateGroupRequest request;
  scheduling::v1::Group& group = *request.mutable_group();
  group.set_name(absl::GetFlag(FLAGS_name));
  group.set_etag(absl::GetFlag(FLAGS_etag));
  if (call.Given("display_name")) {
    group.set_display_name(absl::GetFlag(FLAGS_display_name));
    if (absl::Status status = NotEmpty("display_name", group.display_name());
        !status.ok()) {
      return call.UsageError(status.message());
    }
    request.mutable_update_mask()->add_paths("display_name");
  }
  if (call.Given("description")) {
    group.set_description(absl::GetFlag(FLAGS_description));
    request.mutable_update_mask()->add_paths("description");
  }
  if (request.update_mask().paths().empty()) {
    return call.UsageError(
        "nothing to update: give --display_name, --description or both");
  }
  scheduling::v1::Group updated;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->UpdateGroup(&context, request, &updated);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(updated);
}

int RunDeleteGroup(const Invocation& call) {
  scheduling::v1::DeleteGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_force(absl::GetFlag(FLAGS_force));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  google::protobuf::Empty empty;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DeleteGroup(&context, request, &empty);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter().Add("deleted", request.name()).Print(std::cout);
  return 0;
}

int RunEnableGroup(const Invocation& call) {
  scheduling::v1::EnableGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->EnableGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunDisableGroup(const Invocation& call) {
  scheduling::v1::DisableGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DisableGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

constexpr Command kGroupCommands[] = {
    {"create-group",
     "--location=L --display_name=N [--description=D] [--group_id=ID]",
     "location display_name", RunCreateGroup, "groups"},
    {"get-group", "--name=GROUP", "name", RunGetGroup},
    {"list-groups", "--location=L [--page_size=N] [--page_token=T]", "location",
     RunListGroups},
    {"update-group",
     "--name=GROUP [--etag=E] [--display_name=N] [--description=D]", "name",
     RunUpdateGroup},
    {"delete-group", "--name=GROUP [--force] [--etag=E]", "name",
     RunDeleteGroup},
    {"enable-group", "--name=GROUP", "name", RunEnableGroup},
    {"disable-group", "--name=GROUP", "name", RunDisableGroup},
};

}  // namespace

absl::Span<const Command> GroupCommands() { return kGroupCommands; }

}  // namespace scheduling::cli
