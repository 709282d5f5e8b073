#include "client/cli/demo.h"

#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "client/cli/weekly_hours.h"
#include "scheduling/client/error_details.h"

namespace scheduling::cli {
namespace {

using scheduling::v1::Booking;
using scheduling::v1::Calendar;
using scheduling::v1::OneTimeLink;
using scheduling::v1::OneTimeLinkEvent;
using scheduling::v1::ResolveOneTimeLinkResponse;
using scheduling::v1::Slot;

constexpr absl::string_view kCalendarZone = "Europe/London";
constexpr absl::string_view kWeeklyHours =
    "mon-fri 09:00-17:00; sat 10:00-12:00";
constexpr absl::Duration kSlotLength = absl::Minutes(30);
constexpr absl::Duration kLinkLifetime = absl::Hours(48);
constexpr absl::string_view kInviteeZone = "Asia/Kolkata";
constexpr absl::string_view kInviteeName = "Asha Rao";
constexpr absl::string_view kInviteeEmail = "asha.rao@example.com";
constexpr int kSlotDays = 7;
constexpr int kSlotsShown = 5;
constexpr int kIndent = 3;
// Events are read a page at a time; a fresh location has a handful.
constexpr int kEventPageSize = 1000;
constexpr int kMaxEventPages = 100;

// Keeps the slug unique across runs in one location.
std::string RandomSuffix() {
  constexpr absl::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyz0123456789";
  absl::BitGen bitgen;
  std::string suffix;
  for (int i = 0; i < 6; ++i) {
    suffix += kAlphabet[absl::Uniform<size_t>(bitgen, 0, kAlphabet.size())];
  }
  return suffix;
}

class Demo {
 public:
  Demo(const Services& services, std::string parent)
      : services_(services),
        parent_(std::move(parent)),
        calendar_zone_(ZoneOr(kCalendarZone, absl::UTCTimeZone())),
        invitee_zone_(ZoneOr(kInviteeZone, absl::UTCTimeZone())) {}

  int Run();

 private:
  // Steps 1 to 5 build on each other: each returns false if the flow cannot
  // go on without it.
  bool CreateCalendar();
  bool GenerateLink();
  bool ResolveLink();
  bool ListSlots();
  bool BookFirstSlot();
  // Steps 6 to 10 check refusals, the final state and the events.
  void BookAgain();
  void ResolveUsedLink();
  void RevokeSecondLink();
  void ShowUsedLink();
  void ListEvents();

  grpc::Status CreateLink(OneTimeLink* link) const;
  grpc::Status Resolve(const std::string& token,
                       ResolveOneTimeLinkResponse* resolved) const;
  grpc::Status Book(const Slot& slot, Booking* booking) const;

  void Step(absl::string_view title);
  // Records a surprise and prints it where it happened.
  void Unexpected(absl::string_view what);
  // Records a call that should have succeeded; returns false.
  bool CallFailed(absl::string_view method, const grpc::Status& status);
  // Checks that `status` refuses an inactive link for `reason`, and shows
  // the refusal as the booking page does.
  void ExpectRefusal(const grpc::Status& status, absl::string_view reason);

  const Services& services_;
  const std::string parent_;
  const absl::TimeZone calendar_zone_;
  const absl::TimeZone invitee_zone_;
  int step_ = 0;
  std::vector<std::string> surprises_;

  Calendar calendar_;
  OneTimeLink link_;
  std::vector<Slot> slots_;
  Booking booking_;
  // The link generated and revoked in step 8, once it is.
  std::string revoked_link_;
};

int Demo::Run() {
  std::cout << "One-time links, end to end: server " << services_.target << ", "
            << parent_ << "\n";
  if (CreateCalendar() && GenerateLink() && ResolveLink() && ListSlots() &&
      BookFirstSlot()) {
    BookAgain();
    ResolveUsedLink();
    RevokeSecondLink();
    ShowUsedLink();
    ListEvents();
  } else {
    std::cout << "\nStopped at step " << step_
              << ": the steps after it need its result.\n";
  }

  if (surprises_.empty()) {
    std::cout << "\nAll " << step_ << " steps behaved as expected.\n";
    return 0;
  }
  // Keeps the summary after the steps when both streams go to one file.
  std::cout.flush();
  std::cerr << "\n" << surprises_.size() << " unexpected result(s):\n";
  for (const std::string& surprise : surprises_) {
    std::cerr << "  " << surprise << "\n";
  }
  return 1;
}

bool Demo::CreateCalendar() {
  Step("Create a calendar");
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> hours =
      ParseWeeklyHours(kWeeklyHours);
  if (!hours.ok()) {
    Unexpected(absl::StrCat("demo hours: ", hours.status().message()));
    return false;
  }
  scheduling::v1::CreateCalendarRequest request;
  request.set_parent(parent_);
  Calendar& calendar = *request.mutable_calendar();
  calendar.set_display_name("Intro call");
  calendar.set_slug(absl::StrCat("intro-call-", RandomSuffix()));
  *calendar.mutable_duration() = DurationToProto(kSlotLength);
  calendar.set_time_zone(std::string(kCalendarZone));
  for (scheduling::v1::OpenInterval& interval : *hours) {
    *calendar.add_weekly_hours() = std::move(interval);
  }

  grpc::ClientContext context;
  services_.SetDeadline(&context);
  const grpc::Status status =
      services_.calendars->CreateCalendar(&context, request, &calendar_);
  if (!status.ok()) return CallFailed("CreateCalendar", status);
  FieldPrinter fields(kIndent);
  AddCalendar(calendar_, &fields);
  fields.Print(std::cout);
  return true;
}

bool Demo::GenerateLink() {
  Step("Generate a one-time link");
  const grpc::Status status = CreateLink(&link_);
  if (!status.ok()) return CallFailed("CreateOneTimeLink", status);
  FieldPrinter fields(kIndent);
  AddOneTimeLink(link_, calendar_zone_, &fields);
  fields.Print(std::cout);
  if (link_.state() != OneTimeLink::ACTIVE) {
    Unexpected(absl::StrCat("the new link is ",
                            OneTimeLink::State_Name(link_.state())));
  }
  if (link_.token().empty()) {
    Unexpected("the new link has no token");
    return false;
  }
  return true;
}

bool Demo::ResolveLink() {
  Step("Resolve the link, as the booking page does");
  ResolveOneTimeLinkResponse resolved;
  const grpc::Status status = Resolve(link_.token(), &resolved);
  if (!status.ok()) return CallFailed("ResolveOneTimeLink", status);
  FieldPrinter fields(kIndent);
  AddResolvedLink(resolved, &fields);
  fields.Print(std::cout);
  if (resolved.calendar().name() != calendar_.name()) {
    Unexpected(absl::StrCat("the link resolved to calendar \"",
                            resolved.calendar().name(), "\""));
  }
  return true;
}

bool Demo::ListSlots() {
  Step(absl::StrCat("List the link's free slots for the next ", kSlotDays,
                    " days, in the invitee's zone ", kInviteeZone));
  const absl::Time from = absl::Now();
  scheduling::v1::ListOneTimeLinkFreeSlotsRequest request;
  request.set_token(link_.token());
  *request.mutable_start_time() = TimeToProto(from);
  *request.mutable_end_time() = TimeToProto(from + kSlotDays * absl::Hours(24));
  request.set_time_zone(std::string(kInviteeZone));
  scheduling::v1::ListOneTimeLinkFreeSlotsResponse response;
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  const grpc::Status status =
      services_.links->ListOneTimeLinkFreeSlots(&context, request, &response);
  if (!status.ok()) return CallFailed("ListOneTimeLinkFreeSlots", status);

  FieldPrinter(kIndent)
      .Add("time_zone", response.time_zone())
      .Add("free_slots", absl::StrCat(response.slots_size()))
      .Print(std::cout);
  PrintSlots(response.slots(), response.time_zone(), kIndent, kSlotsShown,
             std::cout);
  if (response.time_zone() != kInviteeZone) {
    Unexpected(absl::StrCat("local times are in \"", response.time_zone(),
                            "\", not ", kInviteeZone));
  }
  if (response.slots().empty()) {
    Unexpected("no free slot in a week of weekday hours");
    return false;
  }
  slots_.assign(response.slots().begin(), response.slots().end());
  return true;
}

bool Demo::BookFirstSlot() {
  Step("Book the first slot");
  const grpc::Status status = Book(slots_.front(), &booking_);
  if (!status.ok()) return CallFailed("BookOneTimeLink", status);
  FieldPrinter fields(kIndent);
  AddBooking(booking_, invitee_zone_, &fields);
  fields.Add(
      "start_time (host)",
      FormatInstant(TimeFromProto(booking_.start_time()), calendar_zone_));
  fields.Print(std::cout);
  if (TimeFromProto(booking_.start_time()) !=
      TimeFromProto(slots_.front().start_time())) {
    Unexpected("the booking does not start at the slot's start");
  }
  if (booking_.one_time_link() != link_.name()) {
    Unexpected(absl::StrCat("the booking names link \"",
                            booking_.one_time_link(), "\""));
  }
  return true;
}

void Demo::BookAgain() {
  Step("Book again with the same link");
  // Another free slot, so that only the used link can be the reason to
  // refuse.
  const Slot& slot = slots_.size() > 1 ? slots_[1] : slots_[0];
  std::cout << std::string(kIndent, ' ') << "trying "
            << FormatInstant(TimeFromProto(slot.start_time()), invitee_zone_)
            << "\n";
  Booking second;
  const grpc::Status status = Book(slot, &second);
  if (status.ok()) {
    Unexpected(absl::StrCat("the used link booked again: ", second.name()));
    return;
  }
  ExpectRefusal(status, "LINK_USED");
}

void Demo::ResolveUsedLink() {
  Step("Resolve the used link");
  ResolveOneTimeLinkResponse resolved;
  const grpc::Status status = Resolve(link_.token(), &resolved);
  if (status.ok()) {
    Unexpected("the used link still resolves");
    return;
  }
  ExpectRefusal(status, "LINK_USED");
}

void Demo::RevokeSecondLink() {
  Step("Generate a second link, revoke it, resolve it");
  OneTimeLink second;
  grpc::Status status = CreateLink(&second);
  if (!status.ok()) {
    CallFailed("CreateOneTimeLink", status);
    return;
  }
  scheduling::v1::RevokeOneTimeLinkRequest request;
  request.set_name(second.name());
  OneTimeLink revoked;
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  status = services_.links->RevokeOneTimeLink(&context, request, &revoked);
  if (!status.ok()) {
    CallFailed("RevokeOneTimeLink", status);
    return;
  }
  FieldPrinter(kIndent)
      .Add("name", revoked.name())
      .Add("url", second.url())
      .Add("state", OneTimeLink::State_Name(revoked.state()))
      .AddTime("revoke_time", revoked.revoke_time(), calendar_zone_)
      .Print(std::cout);
  if (revoked.state() != OneTimeLink::REVOKED) {
    Unexpected("the revoked link is not REVOKED");
  }
  revoked_link_ = revoked.name();

  ResolveOneTimeLinkResponse resolved;
  status = Resolve(second.token(), &resolved);
  if (status.ok()) {
    Unexpected("the revoked link still resolves");
    return;
  }
  ExpectRefusal(status, "LINK_REVOKED");
}

void Demo::ShowUsedLink() {
  Step("Get the first link: used, and by which booking");
  scheduling::v1::GetOneTimeLinkRequest request;
  request.set_name(link_.name());
  OneTimeLink link;
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  const grpc::Status status =
      services_.links->GetOneTimeLink(&context, request, &link);
  if (!status.ok()) {
    CallFailed("GetOneTimeLink", status);
    return;
  }
  FieldPrinter fields(kIndent);
  AddOneTimeLink(link, calendar_zone_, &fields);
  fields.Print(std::cout);
  if (link.state() != OneTimeLink::USED) {
    Unexpected(absl::StrCat(
        "the link is ", OneTimeLink::State_Name(link.state()), ", not USED"));
  }
  if (link.booking() != booking_.name()) {
    Unexpected(absl::StrCat("the link names booking \"", link.booking(),
                            "\", not ", booking_.name()));
  }
}

void Demo::ListEvents() {
  Step("List the location's link events: the outbox other services read");
  // Only this calendar's: other clients may share the location.
  const std::string prefix = absl::StrCat(calendar_.name(), "/");
  std::vector<OneTimeLinkEvent> events;
  std::string cursor;
  for (int page = 0; page < kMaxEventPages; ++page) {
    scheduling::v1::ListOneTimeLinkEventsRequest request;
    request.set_parent(parent_);
    request.set_cursor(cursor);
    request.set_page_size(kEventPageSize);
    scheduling::v1::ListOneTimeLinkEventsResponse response;
    grpc::ClientContext context;
    services_.SetDeadline(&context);
    const grpc::Status status =
        services_.links->ListOneTimeLinkEvents(&context, request, &response);
    if (!status.ok()) {
      CallFailed("ListOneTimeLinkEvents", status);
      return;
    }
    for (const OneTimeLinkEvent& event : response.events()) {
      if (absl::StartsWith(event.one_time_link(), prefix)) {
        events.push_back(event);
      }
    }
    if (response.events().empty() || response.next_cursor() == cursor) break;
    cursor = response.next_cursor();
  }

  TablePrinter table({"TYPE", "LINK", "BOOKING", "STATE", "TIME (UTC)"});
  for (const OneTimeLinkEvent& event : events) {
    table.AddRow({OneTimeLinkEvent::Type_Name(event.type()),
                  ResourceId(event.one_time_link()),
                  event.booking().empty() ? "-" : ResourceId(event.booking()),
                  OneTimeLink::State_Name(event.state()),
                  FormatUtc(event.event_time())});
  }
  std::ostringstream printed;
  table.Print(printed);
  std::istringstream lines(printed.str());
  for (std::string line; std::getline(lines, line);) {
    std::cout << std::string(kIndent, ' ') << line << "\n";
  }

  // What steps 2, 5 and 8 did, in order.
  const std::vector<std::pair<OneTimeLinkEvent::Type, std::string>> expected = {
      {OneTimeLinkEvent::CREATED, link_.name()},
      {OneTimeLinkEvent::USED, link_.name()},
      {OneTimeLinkEvent::CREATED, revoked_link_},
      {OneTimeLinkEvent::REVOKED, revoked_link_}};
  std::vector<std::pair<OneTimeLinkEvent::Type, std::string>> seen;
  for (const OneTimeLinkEvent& event : events) {
    seen.emplace_back(event.type(), event.one_time_link());
  }
  if (revoked_link_.empty()) return;  // step 8 failed and said so
  if (seen != expected) {
    std::vector<std::string> types;
    for (const OneTimeLinkEvent& event : events) {
      types.push_back(OneTimeLinkEvent::Type_Name(event.type()));
    }
    Unexpected(absl::StrCat(
        "expected CREATED, USED (the first link), CREATED, REVOKED (the "
        "second), got ",
        types.empty() ? "none" : absl::StrJoin(types, ", ")));
  } else if (events[1].booking() != booking_.name()) {
    Unexpected(absl::StrCat("the USED event names booking \"",
                            events[1].booking(), "\""));
  }
}

grpc::Status Demo::CreateLink(OneTimeLink* link) const {
  scheduling::v1::CreateOneTimeLinkRequest request;
  request.set_parent(calendar_.name());
  *request.mutable_one_time_link()->mutable_expire_time() =
      TimeToProto(absl::Now() + kLinkLifetime);
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  return services_.links->CreateOneTimeLink(&context, request, link);
}

grpc::Status Demo::Resolve(const std::string& token,
                           ResolveOneTimeLinkResponse* resolved) const {
  scheduling::v1::ResolveOneTimeLinkRequest request;
  request.set_token(token);
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  return services_.links->ResolveOneTimeLink(&context, request, resolved);
}

grpc::Status Demo::Book(const Slot& slot, Booking* booking) const {
  scheduling::v1::BookOneTimeLinkRequest request;
  request.set_token(link_.token());
  *request.mutable_start_time() = slot.start_time();
  request.mutable_invitee()->set_display_name(std::string(kInviteeName));
  request.mutable_invitee()->set_email(std::string(kInviteeEmail));
  grpc::ClientContext context;
  services_.SetDeadline(&context);
  return services_.links->BookOneTimeLink(&context, request, booking);
}

void Demo::Step(absl::string_view title) {
  ++step_;
  std::cout << "\n" << step_ << ". " << title << "\n";
}

void Demo::Unexpected(absl::string_view what) {
  std::cout << std::string(kIndent, ' ') << "UNEXPECTED: " << what << "\n";
  surprises_.push_back(absl::StrCat("step ", step_, ": ", what));
}

bool Demo::CallFailed(absl::string_view method, const grpc::Status& status) {
  Unexpected(absl::StrCat(
      method, " failed: ", scheduling::client::DescribeStatus(status)));
  return false;
}

void Demo::ExpectRefusal(const grpc::Status& status, absl::string_view reason) {
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION ||
      scheduling::client::ErrorReason(status) != reason) {
    Unexpected(absl::StrCat("expected FAILED_PRECONDITION with reason ", reason,
                            ", got ",
                            scheduling::client::DescribeStatus(status)));
    return;
  }
  const std::string margin(kIndent, ' ');
  std::cout << margin << "refused: FAILED_PRECONDITION, reason " << reason
            << "\n"
            << margin << "the booking page shows:\n"
            << margin << "  | Uh-oh!\n"
            << margin << "  | " << status.error_message() << "\n";
}

}  // namespace

int RunDemo(const Services& services, const std::string& parent) {
  return Demo(services, parent).Run();
}

}  // namespace scheduling::cli
