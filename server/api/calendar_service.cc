#include "server/api/calendar_service.h"

#include <utility>

#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/api/status_mapping.h"
#include "server/domain/secrets.h"
#include "server/domain/slots.h"

namespace scheduling::api {

CalendarServiceImpl::CalendarServiceImpl(store::CalendarStore& calendars,
                                         Clock clock)
    : calendars_(calendars), clock_(std::move(clock)) {}

grpc::Status CalendarServiceImpl::CreateCalendar(
    grpc::ServerContext*, const v1::CreateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<domain::Calendar> calendar = ValidateCreateCalendar(*request);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  if (calendar->calendar_id.empty()) {
    calendar->calendar_id = domain::GenerateResourceId();
  }
  absl::StatusOr<domain::Calendar> created =
      calendars_.Create(*std::move(calendar), clock_());
  if (!created.ok()) return ToGrpcStatus(created.status());
  CalendarToProto(*created, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::GetCalendar(
    grpc::ServerContext*, const v1::GetCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<domain::CalendarName> name =
      ValidateCalendarName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<domain::Calendar> calendar =
      calendars_.Get(name->location_id, name->calendar_id);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  CalendarToProto(*calendar, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::ListCalendars(
    grpc::ServerContext*, const v1::ListCalendarsRequest* request,
    v1::ListCalendarsResponse* response) {
  absl::StatusOr<ListCalendarsQuery> query = ValidateListCalendars(*request);
  if (!query.ok()) return ToGrpcStatus(query.status());
  absl::StatusOr<store::CalendarPage> page =
      calendars_.List(query->location_id, query->after_pk, query->page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::Calendar& calendar : page->calendars) {
    CalendarToProto(calendar, response->add_calendars());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodeCalendarPageToken(query->location_id, page->calendars.back().pk));
  }
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::SetStatus(absl::string_view name,
                                            domain::CalendarStatus status,
                                            v1::Calendar* response) {
  absl::StatusOr<domain::CalendarName> parsed =
      ValidateCalendarName("name", name);
  if (!parsed.ok()) return ToGrpcStatus(parsed.status());
  absl::StatusOr<domain::Calendar> calendar = calendars_.SetStatus(
      parsed->location_id, parsed->calendar_id, status, clock_());
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  CalendarToProto(*calendar, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::ActivateCalendar(
    grpc::ServerContext*, const v1::ActivateCalendarRequest* request,
    v1::Calendar* response) {
  return SetStatus(request->name(), domain::CalendarStatus::kActive, response);
}

grpc::Status CalendarServiceImpl::DeactivateCalendar(
    grpc::ServerContext*, const v1::DeactivateCalendarRequest* request,
    v1::Calendar* response) {
  return SetStatus(request->name(), domain::CalendarStatus::kInactive,
                   response);
}

grpc::Status CalendarServiceImpl::ListFreeSlots(
    grpc::ServerContext*, const v1::ListFreeSlotsRequest* request,
    v1::ListFreeSlotsResponse* response) {
  absl::StatusOr<domain::CalendarName> name =
      ValidateCalendarName("calendar", request->calendar());
  absl::StatusOr<FreeSlotsQuery> query = ValidateFreeSlotsRange(
      request->has_start_time() ? &request->start_time() : nullptr,
      request->has_end_time() ? &request->end_time() : nullptr,
      request->time_zone());
  if (!name.ok() || !query.ok()) {
    return ToGrpcStatus(CombineViolations({name.status(), query.status()}));
  }
  absl::StatusOr<store::CalendarStore::CalendarWithBusy> calendar =
      calendars_.GetWithBusy(name->location_id, name->calendar_id,
                             query->range);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  const absl::TimeZone zone =
      query->zone.value_or(calendar->calendar.rules.zone);
  response->set_time_zone(query->zone.has_value()
                              ? query->zone_name
                              : calendar->calendar.time_zone_name);
  // An inactive calendar takes no bookings, so it has no free slots.
  if (calendar->calendar.status != domain::CalendarStatus::kActive) {
    return grpc::Status::OK;
  }
  for (const domain::TimeInterval& slot : domain::FreeSlots(
           calendar->calendar.rules, query->range, clock_(), calendar->busy)) {
    SlotToProto(slot, zone, response->add_slots());
  }
  return grpc::Status::OK;
}

}  // namespace scheduling::api
