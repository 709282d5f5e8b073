// The booking commands: a calendar's free slots, and create, get, list,
// cancel and reschedule its bookings, also as their invitee with a manage
// token. (book, a link command, books through a one-time link.)

#include <iostream>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/cli/command_helpers.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "grpcpp/client_context.h"

ABSL_FLAG(std::string, to, "",
          "RFC 3339 end of the booking range (those starting before it); no "
          "bound if empty");
ABSL_FLAG(bool, show_cancelled, false, "also list cancelled bookings");
ABSL_FLAG(std::string, reason, "", "why a booking is cancelled");
ABSL_FLAG(std::string, manage_token, "",
          "a booking's manage token, as create-booking or book printed it");

namespace scheduling::cli {
namespace {

constexpr int kMaxReasonLength = 500;

// The duration a SERVICE invitee chose, if --duration is given.
absl::StatusOr<std::optional<absl::Duration>> ChosenDuration(
    const Invocation& call) {
  if (!call.Given("duration")) return std::nullopt;
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (absl::Status status = CheckMinutes("duration", duration, false);
      !status.ok()) {
    return status;
  }
  return duration;
}

int RunFreeSlots(const Invocation& call) {
  absl::StatusOr<SlotRange> range = SlotRangeFromFlags();
  if (!range.ok()) return call.UsageError(range.status().message());
  absl::StatusOr<std::optional<absl::Duration>> duration = ChosenDuration(call);
  if (!duration.ok()) return call.UsageError(duration.status().message());
  scheduling::v1::ListFreeSlotsRequest request;
  request.set_calendar(absl::GetFlag(FLAGS_calendar));
  *request.mutable_start_time() = TimeToProto(range->from);
  *request.mutable_end_time() = TimeToProto(range->to);
  request.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  if (duration->has_value()) {
    *request.mutable_duration() = DurationToProto(**duration);
  }
  scheduling::v1::ListFreeSlotsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListFreeSlots(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  PrintSlotsResponse(
      "calendar", request.calendar(), *range,
      duration->has_value() ? absl::FormatDuration(**duration) : "", response);
  return 0;
}

// Calls `method` of the calendar service with `request`, under the
// command's deadline, and prints the booking it answers with.
template <typename Request>
int CallForBooking(
    const Invocation& call, const Request& request,
    grpc::Status (scheduling::v1::CalendarService::Stub::*method)(
        grpc::ClientContext*, const Request&, scheduling::v1::Booking*)) {
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      (call.services.calendars.get()->*method)(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunCreateBooking(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  absl::StatusOr<std::optional<absl::Duration>> duration = ChosenDuration(call);
  if (!duration.ok()) return call.UsageError(duration.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::CreateBookingRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  *request.mutable_start_time() = TimeToProto(*start);
  request.mutable_invitee()->set_display_name(
      absl::GetFlag(FLAGS_invitee_name));
  request.mutable_invitee()->set_email(absl::GetFlag(FLAGS_invitee_email));
  if (duration->has_value()) {
    *request.mutable_duration() = DurationToProto(**duration);
  }
  request.set_request_id(request_id);
  return CallForBooking(call, request,
                        &scheduling::v1::CalendarService::Stub::CreateBooking);
}

int RunGetBooking(const Invocation& call) {
  scheduling::v1::GetBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  return CallForBooking(call, request,
                        &scheduling::v1::CalendarService::Stub::GetBooking);
}

int RunListBookings(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListBookingsRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  std::optional<absl::Time> from;
  if (const std::string text = absl::GetFlag(FLAGS_from); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseInstantFlag("from", text);
    if (!time.ok()) return call.UsageError(time.status().message());
    from = *time;
    *request.mutable_start_time() = TimeToProto(*time);
  }
  if (const std::string text = absl::GetFlag(FLAGS_to); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseInstantFlag("to", text);
    if (!time.ok()) return call.UsageError(time.status().message());
    if (from.has_value() && *time <= *from) {
      return call.UsageError("--to must be after --from");
    }
    *request.mutable_end_time() = TimeToProto(*time);
  }
  request.set_show_cancelled(absl::GetFlag(FLAGS_show_cancelled));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListBookingsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListBookings(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.bookings().empty()) {
    const absl::TimeZone zone = DisplayZone();
    TablePrinter table({"NAME", "STATE", "START (UTC)",
                        absl::StrCat("LOCAL (", ZoneLabel(zone), ")"),
                        "INVITEE", "MEMBERS"});
    for (const scheduling::v1::Booking& booking : response.bookings()) {
      const absl::Time start = TimeFromProto(booking.start_time());
      const absl::Time end = TimeFromProto(booking.end_time());
      table.AddRow(
          {booking.name(), scheduling::v1::Booking::State_Name(booking.state()),
           FormatUtc(booking.start_time()),
           absl::StrCat(absl::FormatTime("%a %Y-%m-%d %H:%M", start, zone),
                        absl::FormatTime("-%H:%M", end, zone),
                        absl::FormatTime(" %Ez", start, zone)),
           absl::StrCat(booking.invitee().display_name(), " <",
                        booking.invitee().email(), ">"),
           booking.members().empty() ? "-"
                                     : absl::StrJoin(booking.members(), ",")});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("bookings", response.bookings_size(),
                  response.next_page_token());
  return 0;
}

// --reason, checked; nullopt after reporting a usage error.
std::optional<std::string> ReasonFlag(const Invocation& call, int* exit_code) {
  std::string reason = absl::GetFlag(FLAGS_reason);
  if (CharacterCount(reason) > kMaxReasonLength) {
    *exit_code = call.UsageError(absl::StrCat("--reason must be at most ",
                                              kMaxReasonLength, " characters"));
    return std::nullopt;
  }
  return reason;
}

int RunCancelBooking(const Invocation& call) {
  int exit_code = 0;
  std::optional<std::string> reason = ReasonFlag(call, &exit_code);
  if (!reason.has_value()) return exit_code;
  scheduling::v1::CancelBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_reason(*reason);
  return CallForBooking(call, request,
                        &scheduling::v1::CalendarService::Stub::CancelBooking);
}

// A reschedule `request` (naming its booking) completed with --start and
// --request_id, sent with `method`.
template <typename Request>
int Reschedule(const Invocation& call, Request* request,
               grpc::Status (scheduling::v1::CalendarService::Stub::*method)(
                   grpc::ClientContext*, const Request&,
                   scheduling::v1::Booking*)) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  *request->mutable_start_time() = TimeToProto(*start);
  request->set_request_id(request_id);
  return CallForBooking(call, *request, method);
}

int RunRescheduleBooking(const Invocation& call) {
  scheduling::v1::RescheduleBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  return Reschedule(call, &request,
                    &scheduling::v1::CalendarService::Stub::RescheduleBooking);
}

int RunGetBookingByToken(const Invocation& call) {
  scheduling::v1::GetBookingByManageTokenRequest request;
  request.set_manage_token(absl::GetFlag(FLAGS_manage_token));
  return CallForBooking(
      call, request,
      &scheduling::v1::CalendarService::Stub::GetBookingByManageToken);
}

int RunCancelBookingByToken(const Invocation& call) {
  int exit_code = 0;
  std::optional<std::string> reason = ReasonFlag(call, &exit_code);
  if (!reason.has_value()) return exit_code;
  scheduling::v1::CancelBookingByManageTokenRequest request;
  request.set_manage_token(absl::GetFlag(FLAGS_manage_token));
  request.set_reason(*reason);
  return CallForBooking(
      call, request,
      &scheduling::v1::CalendarService::Stub::CancelBookingByManageToken);
}

int RunRescheduleBookingByToken(const Invocation& call) {
  scheduling::v1::RescheduleBookingByManageTokenRequest request;
  request.set_manage_token(absl::GetFlag(FLAGS_manage_token));
  return Reschedule(
      call, &request,
      &scheduling::v1::CalendarService::Stub::RescheduleBookingByManageToken);
}

constexpr Command kBookingCommands[] = {
    {"free-slots",
     "--calendar=CALENDAR [--from=RFC3339] [--days=7] [--time_zone=Z] "
     "[--duration=D]",
     "calendar", RunFreeSlots, "free slots and bookings"},
    {"create-booking",
     "--calendar=CALENDAR --start=RFC3339 --invitee_name=N --invitee_email=E "
     "[--duration=D] [--request_id=R] [--time_zone=Z]",
     "calendar start invitee_name invitee_email", RunCreateBooking},
    {"get-booking", "--name=BOOKING [--time_zone=Z]", "name", RunGetBooking},
    {"list-bookings",
     "--calendar=CALENDAR [--from=RFC3339] [--to=RFC3339] [--show_cancelled] "
     "[--page_size=N] [--page_token=T] [--time_zone=Z]",
     "calendar", RunListBookings},
    {"cancel-booking", "--name=BOOKING [--reason=R] [--time_zone=Z]", "name",
     RunCancelBooking},
    {"reschedule-booking",
     "--name=BOOKING --start=RFC3339 [--request_id=R] [--time_zone=Z]",
     "name start", RunRescheduleBooking},
    {"get-booking-by-token", "--manage_token=T [--time_zone=Z]", "manage_token",
     RunGetBookingByToken, "the invitee's own booking"},
    {"cancel-booking-by-token", "--manage_token=T [--reason=R] [--time_zone=Z]",
     "manage_token", RunCancelBookingByToken},
    {"reschedule-booking-by-token",
     "--manage_token=T --start=RFC3339 [--request_id=R] [--time_zone=Z]",
     "manage_token start", RunRescheduleBookingByToken},
};

}  // namespace

absl::Span<const Command> BookingCommands() { return kBookingCommands; }

}  // namespace scheduling::cli
