#include "server/api/calendar_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/calendar_query.h"
#include "server/api/calendar_validation.h"
#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/api/status_mapping.h"
#include "server/auth/gate.h"
#include "server/domain/secrets.h"
#include "server/domain/slots.h"

namespace scheduling::api {
namespace {

// Attempts at finding a free "-copy-N" slug for a duplicate.
constexpr int kDuplicateSlugAttempts = 20;

store::CalendarListOptions ToStoreOptions(const CalendarListQuery& query) {
  store::CalendarListOptions options;
  options.location_id = query.location_id;
  options.display_name_contains = query.filter.display_name_contains;
  options.group_id = query.filter.group_id;
  options.type = query.filter.type;
  options.status = query.filter.status;
  switch (query.order) {
    case CalendarOrder::kCreateTime:
      options.order = store::CalendarListOptions::Order::kCreateTime;
      break;
    case CalendarOrder::kDisplayName:
      options.order = store::CalendarListOptions::Order::kDisplayName;
      break;
    case CalendarOrder::kUpdateTime:
      options.order = store::CalendarListOptions::Order::kUpdateTime;
      break;
  }
  options.descending = query.descending;
  options.page_size = query.page_size;
  if (query.after.has_value()) {
    options.after = store::CalendarListOptions::Position{
        query.after->display_name, query.after->update_time, query.after->pk};
  }
  return options;
}

// The slug a duplicate tries on attempt `n` (0 = "-copy").
std::string CopySlug(const std::string& slug, int n) {
  const std::string suffix = n == 0 ? "-copy" : absl::StrCat("-copy-", n + 1);
  return slug.substr(0, domain::kMaxIdLength - suffix.size()) + suffix;
}

// The expected version an etag names; nullopt when none was given.
// An etag that is not ours can match nothing: ABORTED, as a stale one.
absl::StatusOr<std::optional<int64_t>> ExpectedVersion(absl::string_view etag) {
  if (etag.empty()) return std::optional<int64_t>();
  std::optional<int64_t> version = ParseEtag(etag);
  if (!version.has_value()) {
    return absl::AbortedError("etag does not match the current version");
  }
  return version;
}

// Who makes a change, for the audit trail.
domain::Actor ActorOf(const auth::Caller& caller) {
  return {caller.principal(), caller.on_behalf_of()};
}

}  // namespace

CalendarServiceImpl::CalendarServiceImpl(store::CalendarStore& calendars,
                                         store::BookingStore& bookings,
                                         store::EventSequencer& sequencer,
                                         std::string token_secret, Clock clock,
                                         observability::Metrics& metrics,
                                         const auth::Gate& gate)
    : calendars_(calendars),
      bookings_(bookings),
      sequencer_(sequencer),
      token_secret_(std::move(token_secret)),
      clock_(std::move(clock)),
      metrics_(metrics),
      gate_(gate) {}

grpc::Status CalendarServiceImpl::CreateCalendar(
    grpc::ServerContext* context, const v1::CreateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::Calendar> calendar = ValidateNewCalendar(*request);
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
    grpc::ServerContext* context, const v1::GetCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
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
    grpc::ServerContext* context, const v1::ListCalendarsRequest* request,
    v1::ListCalendarsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<CalendarListQuery> query =
      ValidateListCalendarsRequest(*request);
  if (!query.ok()) return ToGrpcStatus(query.status());
  absl::StatusOr<store::CalendarPage> page =
      calendars_.List(ToStoreOptions(*query));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::Calendar& calendar : page->calendars) {
    CalendarToProto(calendar, response->add_calendars());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodeCalendarPageToken(*query, page->calendars.back()));
  }
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::UpdateCalendar(
    grpc::ServerContext* context, const v1::UpdateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::CalendarName> name =
      ValidateCalendarName("calendar.name", request->calendar().name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::optional<int64_t>> expected =
      ExpectedVersion(request->calendar().etag());
  if (!expected.ok()) return ToGrpcStatus(expected.status());
  absl::StatusOr<domain::Calendar> current =
      calendars_.Get(name->location_id, name->calendar_id);
  if (!current.ok()) return ToGrpcStatus(current.status());
  if (expected->has_value() && **expected != current->version) {
    return ToGrpcStatus(
        absl::AbortedError("etag does not match the current version"));
  }
  absl::StatusOr<domain::Calendar> updated =
      ApplyCalendarUpdate(*current, *request);
  if (!updated.ok()) return ToGrpcStatus(updated.status());
  // The version read above guards the write: a change in between is a
  // lost race, reported as ABORTED for the caller to retry.
  absl::StatusOr<domain::Calendar> stored =
      calendars_.Update(*updated, current->version, clock_());
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  CalendarToProto(*stored, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::DeleteCalendar(
    grpc::ServerContext* context, const v1::DeleteCalendarRequest* request,
    google::protobuf::Empty*) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::CalendarName> name =
      ValidateCalendarName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::optional<int64_t>> expected =
      ExpectedVersion(request->etag());
  if (!expected.ok()) return ToGrpcStatus(expected.status());
  return ToGrpcStatus(calendars_.Delete(name->location_id, name->calendar_id,
                                        *expected, clock_()));
}

grpc::Status CalendarServiceImpl::DuplicateCalendar(
    grpc::ServerContext* context, const v1::DuplicateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<DuplicateInput> input = ValidateDuplicateCalendar(*request);
  if (!input.ok()) return ToGrpcStatus(input.status());
  absl::StatusOr<domain::Calendar> source =
      calendars_.Get(input->source.location_id, input->source.calendar_id);
  if (!source.ok()) return ToGrpcStatus(source.status());
  domain::Calendar copy = *source;
  copy.calendar_id = input->calendar_id.empty() ? domain::GenerateResourceId()
                                                : input->calendar_id;
  copy.display_name =
      input->display_name.empty()
          ? TruncateDisplayName(source->display_name + " (copy)")
          : input->display_name;
  absl::StatusOr<domain::Calendar> created;
  const int attempts = input->slug.empty() ? kDuplicateSlugAttempts : 1;
  for (int n = 0; n < attempts; ++n) {
    copy.slug = input->slug.empty() ? CopySlug(source->slug, n) : input->slug;
    created = calendars_.Create(copy, clock_());
    if (created.ok() ||
        created.status().code() != absl::StatusCode::kAlreadyExists ||
        created.status().message().find("slug") == absl::string_view::npos) {
      break;
    }
  }
  if (!created.ok()) return ToGrpcStatus(created.status());
  CalendarToProto(*created, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::MoveCalendarToGroup(
    grpc::ServerContext* context, const v1::MoveCalendarToGroupRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<MoveInput> input = ValidateMoveCalendarToGroup(*request);
  if (!input.ok()) return ToGrpcStatus(input.status());
  absl::StatusOr<domain::Calendar> calendar = calendars_.MoveToGroup(
      input->calendar.location_id, input->calendar.calendar_id, input->group_id,
      clock_());
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  CalendarToProto(*calendar, response);
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
    grpc::ServerContext* context, const v1::ActivateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return SetStatus(request->name(), domain::CalendarStatus::kActive, response);
}

grpc::Status CalendarServiceImpl::DeactivateCalendar(
    grpc::ServerContext* context, const v1::DeactivateCalendarRequest* request,
    v1::Calendar* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return SetStatus(request->name(), domain::CalendarStatus::kInactive,
                   response);
}

grpc::Status CalendarServiceImpl::ListFreeSlots(
    grpc::ServerContext* context, const v1::ListFreeSlotsRequest* request,
    v1::ListFreeSlotsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::CalendarName> name =
      ValidateCalendarName("calendar", request->calendar());
  absl::StatusOr<FreeSlotsQuery> query = ValidateFreeSlotsRange(
      request->has_start_time() ? &request->start_time() : nullptr,
      request->has_end_time() ? &request->end_time() : nullptr,
      request->time_zone(),
      request->has_duration() ? &request->duration() : nullptr);
  if (!name.ok() || !query.ok()) {
    return ToGrpcStatus(CombineViolations({name.status(), query.status()}));
  }
  absl::StatusOr<store::BookingStore::CalendarWithContext> calendar =
      bookings_.GetWithContext(name->location_id, name->calendar_id,
                               query->duration, query->range);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  FreeSlotsToProto(
      domain::ComputeFreeSlots(calendar->calendar, calendar->duration,
                               query->range, clock_(), *calendar->context),
      calendar->calendar.members,
      query->zone.value_or(calendar->calendar.rules.zone),
      query->zone.has_value() ? query->zone_name
                              : calendar->calendar.time_zone_name,
      response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::CreateGroup(
    grpc::ServerContext* context, const v1::CreateGroupRequest* request,
    v1::Group* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::Group> group = ValidateNewGroup(*request);
  if (!group.ok()) return ToGrpcStatus(group.status());
  if (group->group_id.empty()) group->group_id = domain::GenerateResourceId();
  absl::StatusOr<domain::Group> created =
      calendars_.CreateGroup(*std::move(group), clock_());
  if (!created.ok()) return ToGrpcStatus(created.status());
  GroupToProto(*created, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::GetGroup(grpc::ServerContext* context,
                                           const v1::GetGroupRequest* request,
                                           v1::Group* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<GroupName> name = ValidateGroupName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<domain::Group> group =
      calendars_.GetGroup(name->location_id, name->group_id);
  if (!group.ok()) return ToGrpcStatus(group.status());
  GroupToProto(*group, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::ListGroups(
    grpc::ServerContext* context, const v1::ListGroupsRequest* request,
    v1::ListGroupsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<GroupListQuery> query = ValidateListGroups(*request);
  if (!query.ok()) return ToGrpcStatus(query.status());
  std::optional<std::pair<std::string, int64_t>> after;
  if (query->after.has_value()) {
    after = std::make_pair(query->after->display_name, query->after->pk);
  }
  absl::StatusOr<store::GroupPage> page =
      calendars_.ListGroups(query->location_id, after, query->page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::Group& group : page->groups) {
    GroupToProto(group, response->add_groups());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodeGroupPageToken(*query, page->groups.back()));
  }
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::UpdateGroup(
    grpc::ServerContext* context, const v1::UpdateGroupRequest* request,
    v1::Group* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<GroupName> name =
      ValidateGroupName("group.name", request->group().name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::optional<int64_t>> expected =
      ExpectedVersion(request->group().etag());
  if (!expected.ok()) return ToGrpcStatus(expected.status());
  absl::StatusOr<domain::Group> current =
      calendars_.GetGroup(name->location_id, name->group_id);
  if (!current.ok()) return ToGrpcStatus(current.status());
  if (expected->has_value() && **expected != current->version) {
    return ToGrpcStatus(
        absl::AbortedError("etag does not match the current version"));
  }
  absl::StatusOr<domain::Group> updated = ApplyGroupUpdate(*current, *request);
  if (!updated.ok()) return ToGrpcStatus(updated.status());
  absl::StatusOr<domain::Group> stored =
      calendars_.UpdateGroup(*updated, current->version, clock_());
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  GroupToProto(*stored, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::DeleteGroup(
    grpc::ServerContext* context, const v1::DeleteGroupRequest* request,
    google::protobuf::Empty*) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<GroupName> name = ValidateGroupName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::optional<int64_t>> expected =
      ExpectedVersion(request->etag());
  if (!expected.ok()) return ToGrpcStatus(expected.status());
  return ToGrpcStatus(calendars_.DeleteGroup(name->location_id, name->group_id,
                                             request->force(), *expected));
}

grpc::Status CalendarServiceImpl::SetGroupEnabled(absl::string_view name,
                                                  bool enabled,
                                                  v1::Group* response) {
  absl::StatusOr<GroupName> parsed = ValidateGroupName("name", name);
  if (!parsed.ok()) return ToGrpcStatus(parsed.status());
  absl::StatusOr<domain::Group> group = calendars_.SetGroupEnabled(
      parsed->location_id, parsed->group_id, enabled, clock_());
  if (!group.ok()) return ToGrpcStatus(group.status());
  GroupToProto(*group, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::EnableGroup(
    grpc::ServerContext* context, const v1::EnableGroupRequest* request,
    v1::Group* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return SetGroupEnabled(request->name(), true, response);
}

grpc::Status CalendarServiceImpl::DisableGroup(
    grpc::ServerContext* context, const v1::DisableGroupRequest* request,
    v1::Group* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return SetGroupEnabled(request->name(), false, response);
}

grpc::Status CalendarServiceImpl::CreateBooking(
    grpc::ServerContext* context, const v1::CreateBookingRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<CreateBookingInput> input =
      ValidateCreateBooking(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  store::BookingRequest booking_request;
  booking_request.start = input->start_time;
  booking_request.duration = input->duration;
  booking_request.invitee = input->invitee;
  booking_request.request_id = input->request_id;
  booking_request.manage_token_hash = ManageTokenHasher(token_secret_);
  absl::StatusOr<domain::Booking> booking =
      bookings_.Create(input->calendar.location_id, input->calendar.calendar_id,
                       booking_request, now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  metrics_.BookingCreated("create_booking");
  NewBookingToProto(token_secret_, *booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::GetBooking(
    grpc::ServerContext* context, const v1::GetBookingRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::BookingName> name =
      ValidateBookingName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<domain::Booking> booking =
      bookings_.Get(name->location_id, name->calendar_id, name->booking_id);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::ListBookings(
    grpc::ServerContext* context, const v1::ListBookingsRequest* request,
    v1::ListBookingsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<BookingListQuery> query = ValidateListBookings(*request);
  if (!query.ok()) return ToGrpcStatus(query.status());
  store::BookingListOptions options;
  options.location_id = query->calendar.location_id;
  options.calendar_id = query->calendar.calendar_id;
  options.ends_after = query->start_time;
  options.starts_before = query->end_time;
  options.show_cancelled = query->show_cancelled;
  options.page_size = query->page_size;
  if (query->after.has_value()) {
    options.after = std::make_pair(query->after->start_time, query->after->pk);
  }
  absl::StatusOr<store::BookingPage> page = bookings_.List(options);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::Booking& booking : page->bookings) {
    BookingToProto(booking, response->add_bookings());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodeBookingPageToken(*query, page->bookings.back()));
  }
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::CancelBooking(
    grpc::ServerContext* context, const v1::CancelBookingRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::BookingName> name = ValidateCancelBooking(*request);
  if (!name.ok()) return ToGrpcStatus(name.status());
  bool cancelled_now = false;
  absl::StatusOr<domain::Booking> booking = bookings_.Cancel(
      name->location_id, name->calendar_id, name->booking_id, request->reason(),
      ActorOf(*caller), clock_(), &cancelled_now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  // A repeated cancellation answers OK but cancels nothing.
  if (cancelled_now) Cancelled(*booking);
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::RescheduleBooking(
    grpc::ServerContext* context, const v1::RescheduleBookingRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<RescheduleInput> input =
      ValidateRescheduleBooking(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  absl::StatusOr<domain::Booking> booking = bookings_.Reschedule(
      input->booking.location_id, input->booking.calendar_id,
      input->booking.booking_id, input->start_time, input->request_id, now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::GetBookingByManageToken(
    grpc::ServerContext* context,
    const v1::GetBookingByManageTokenRequest* request, v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status valid =
      ValidateManageToken("manage_token", request->manage_token());
  if (!valid.ok()) return ToGrpcStatus(valid);
  absl::StatusOr<domain::Booking> booking = bookings_.GetByManageTokenHash(
      domain::HashLinkToken(request->manage_token()),
      [&](absl::string_view location) { return caller->MayBookOn(location); });
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::CancelBookingByManageToken(
    grpc::ServerContext* context,
    const v1::CancelBookingByManageTokenRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status valid = ValidateCancelByManageToken(*request);
  if (!valid.ok()) return ToGrpcStatus(valid);
  bool cancelled_now = false;
  absl::StatusOr<domain::Booking> booking = bookings_.CancelByManageToken(
      domain::HashLinkToken(request->manage_token()), request->reason(),
      [&](absl::string_view location) { return caller->MayBookOn(location); },
      ActorOf(*caller), clock_(), &cancelled_now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  // A repeated cancellation answers OK but cancels nothing.
  if (cancelled_now) Cancelled(*booking);
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status CalendarServiceImpl::RescheduleBookingByManageToken(
    grpc::ServerContext* context,
    const v1::RescheduleBookingByManageTokenRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<ManageRescheduleInput> input =
      ValidateRescheduleByManageToken(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  absl::StatusOr<domain::Booking> booking = bookings_.RescheduleByManageToken(
      domain::HashLinkToken(input->manage_token), input->start_time,
      input->request_id,
      [&](absl::string_view location) { return caller->MayBookOn(location); },
      now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

void CalendarServiceImpl::Cancelled(const domain::Booking& booking) {
  metrics_.BookingCancelled();
  // A use given back left a link event to number.
  if (!booking.one_time_link_id.empty()) sequencer_.Wake(booking.location_id);
}

}  // namespace scheduling::api
