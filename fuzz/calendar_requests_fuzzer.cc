// CalendarService's request validators on arbitrary request bytes: never a
// crash, a sanitizer report or a hang, whatever a caller sends. Beyond that,
// one property: a calendar that creation accepts, update accepts too
// (calendar_validation.h promises one rule per field for both).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "fuzz/request_fuzzing.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "server/api/calendar_validation.h"
#include "server/api/request_validation.h"

namespace scheduling::fuzz {
namespace {

// The calendar and group that updates apply to, as the store returns them.
const domain::Calendar& CurrentCalendar() {
  static const domain::Calendar* const calendar = [] {
    v1::CreateCalendarRequest request;
    request.set_parent("locations/acme");
    request.set_calendar_id("intro");
    v1::Calendar* in = request.mutable_calendar();
    in->set_display_name("Intro call");
    in->set_slug("intro-call");
    in->mutable_duration()->set_seconds(1800);
    in->set_time_zone("Europe/London");
    v1::OpenInterval* hours = in->add_weekly_hours();
    hours->set_day_of_week(google::type::MONDAY);
    hours->mutable_start_time()->set_hours(9);
    hours->mutable_end_time()->set_hours(17);
    absl::StatusOr<domain::Calendar> created =
        api::ValidateNewCalendar(request);
    if (!created.ok()) {
      std::fprintf(stderr, "fuzz setup: %s\n",
                   created.status().ToString().c_str());
      std::abort();
    }
    return new domain::Calendar(*std::move(created));
  }();
  return *calendar;
}

const domain::Group& CurrentGroup() {
  static const domain::Group* const group = [] {
    auto* group = new domain::Group;
    group->location_id = "acme";
    group->group_id = "sales";
    group->display_name = "Sales";
    return group;
  }();
  return *group;
}

void CreateCalendar(absl::Span<const uint8_t> data) {
  WithRequest<v1::CreateCalendarRequest>(data, [](const auto& request) {
    absl::StatusOr<domain::Calendar> created =
        api::ValidateNewCalendar(request);
    Respond(created);
    if (!created.ok()) return;
    domain::Calendar current = *created;
    if (current.calendar_id.empty()) current.calendar_id = "generated";
    v1::UpdateCalendarRequest update;
    *update.mutable_calendar() = request.calendar();
    update.mutable_calendar()->set_name(absl::StrCat(
        "locations/", current.location_id, "/calendars/", current.calendar_id));
    update.mutable_update_mask()->add_paths("*");
    absl::StatusOr<domain::Calendar> updated =
        api::ApplyCalendarUpdate(current, update);
    if (!updated.ok()) {
      std::fprintf(stderr,
                   "created, but the same calendar as an update is refused: "
                   "%s\n",
                   updated.status().ToString().c_str());
      std::abort();
    }
  });
}

void UpdateCalendar(absl::Span<const uint8_t> data) {
  WithRequest<v1::UpdateCalendarRequest>(data, [](const auto& request) {
    (void)api::ParseEtag(request.calendar().etag());
    Respond(api::ApplyCalendarUpdate(CurrentCalendar(), request));
  });
}

void CreateGroup(absl::Span<const uint8_t> data) {
  WithRequest<v1::CreateGroupRequest>(data, [](const auto& request) {
    Respond(api::ValidateNewGroup(request));
  });
}

void UpdateGroup(absl::Span<const uint8_t> data) {
  WithRequest<v1::UpdateGroupRequest>(data, [](const auto& request) {
    (void)api::ParseEtag(request.group().etag());
    Respond(api::ApplyGroupUpdate(CurrentGroup(), request));
  });
}

void DuplicateCalendar(absl::Span<const uint8_t> data) {
  WithRequest<v1::DuplicateCalendarRequest>(data, [](const auto& request) {
    Respond(api::ValidateDuplicateCalendar(request));
  });
}

void MoveCalendarToGroup(absl::Span<const uint8_t> data) {
  WithRequest<v1::MoveCalendarToGroupRequest>(data, [](const auto& request) {
    Respond(api::ValidateMoveCalendarToGroup(request));
  });
}

// As CalendarServiceImpl::ListFreeSlots does it.
void ListFreeSlots(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListFreeSlotsRequest>(data, [](const auto& request) {
    absl::StatusOr<domain::CalendarName> name =
        api::ValidateCalendarName("calendar", request.calendar());
    absl::StatusOr<api::FreeSlotsQuery> query = api::ValidateFreeSlotsRange(
        request.has_start_time() ? &request.start_time() : nullptr,
        request.has_end_time() ? &request.end_time() : nullptr,
        request.time_zone(),
        request.has_duration() ? &request.duration() : nullptr);
    Respond(api::CombineViolations({name.status(), query.status()}));
  });
}

void CreateBooking(absl::Span<const uint8_t> data) {
  WithRequest<v1::CreateBookingRequest>(data, [](const auto& request) {
    Respond(api::ValidateCreateBooking(request, kNow));
  });
}

void RescheduleBooking(absl::Span<const uint8_t> data) {
  WithRequest<v1::RescheduleBookingRequest>(data, [](const auto& request) {
    Respond(api::ValidateRescheduleBooking(request, kNow));
  });
}

void CancelBooking(absl::Span<const uint8_t> data) {
  WithRequest<v1::CancelBookingRequest>(data, [](const auto& request) {
    Respond(api::ValidateCancelBooking(request));
  });
}

// Get, Delete, Activate and Deactivate check only the name.
void GetCalendar(absl::Span<const uint8_t> data) {
  WithRequest<v1::GetCalendarRequest>(data, [](const auto& request) {
    Respond(api::ValidateCalendarName("name", request.name()));
  });
}

void GetGroup(absl::Span<const uint8_t> data) {
  WithRequest<v1::GetGroupRequest>(data, [](const auto& request) {
    Respond(api::ValidateGroupName("name", request.name()));
  });
}

void GetBooking(absl::Span<const uint8_t> data) {
  WithRequest<v1::GetBookingRequest>(data, [](const auto& request) {
    Respond(api::ValidateBookingName("name", request.name()));
  });
}

// Keep the order: the seeds (fuzz/make_seeds.sh) start with these indexes.
constexpr Target kTargets[] = {
    CreateCalendar,       // 0
    UpdateCalendar,       // 1
    CreateGroup,          // 2
    UpdateGroup,          // 3
    DuplicateCalendar,    // 4
    MoveCalendarToGroup,  // 5
    ListFreeSlots,        // 6
    CreateBooking,        // 7
    RescheduleBooking,    // 8
    CancelBooking,        // 9
    GetCalendar,          // 10
    GetGroup,             // 11
    GetBooking,           // 12
};

}  // namespace
}  // namespace scheduling::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scheduling::fuzz::Dispatch(scheduling::fuzz::kTargets, data, size);
  return 0;
}
