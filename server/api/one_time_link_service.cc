#include "server/api/one_time_link_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/api/status_mapping.h"
#include "server/domain/errors.h"
#include "server/domain/names.h"
#include "server/domain/one_time_link.h"
#include "server/domain/secrets.h"

namespace scheduling::api {

OneTimeLinkServiceImpl::OneTimeLinkServiceImpl(store::LinkStore& links,
                                               store::BookingStore& bookings,
                                               std::string public_base_url,
                                               Clock clock)
    : links_(links),
      bookings_(bookings),
      public_base_url_(std::move(public_base_url)),
      clock_(std::move(clock)) {}

grpc::Status OneTimeLinkServiceImpl::CreateOneTimeLink(
    grpc::ServerContext*, const v1::CreateOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  const absl::Time now = clock_();
  absl::StatusOr<CreateLinkInput> input =
      ValidateCreateOneTimeLink(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  const std::string token = domain::GenerateLinkToken();
  domain::OneTimeLink link;
  link.link_id = domain::GenerateResourceId();
  link.token_hash = domain::HashLinkToken(token);
  link.max_uses = 1;
  link.expire_time = input->expire_time;
  absl::StatusOr<store::LinkWithCalendar> created =
      links_.Create(input->calendar.location_id, input->calendar.calendar_id,
                    std::move(link), now);
  if (!created.ok()) return ToGrpcStatus(created.status());
  OneTimeLinkToProto(created->link, now, response);
  // The only moment the token exists outside the caller: it is returned
  // here and never stored.
  response->set_token(token);
  response->set_url(absl::StrCat(public_base_url_, "/widget/otl/", token,
                                 "?slug=", created->calendar.slug));
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::GetOneTimeLink(
    grpc::ServerContext*, const v1::GetOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  absl::StatusOr<domain::OneTimeLinkName> name =
      ValidateOneTimeLinkName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.Get(name->location_id, name->calendar_id, name->link_id);
  if (!link.ok()) return ToGrpcStatus(link.status());
  OneTimeLinkToProto(link->link, clock_(), response);
  return grpc::Status::OK;
}

absl::StatusOr<store::LinkWithCalendar> OneTimeLinkServiceImpl::ResolveActive(
    absl::string_view token, absl::Time now) {
  absl::Status valid = ValidateLinkToken("token", token);
  if (!valid.ok()) return valid;
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.GetByTokenHash(domain::HashLinkToken(token));
  if (!link.ok()) return link.status();
  absl::Status bookable = domain::CheckBookable(
      link->link, link->calendar.status == domain::CalendarStatus::kActive,
      now);
  if (!bookable.ok()) return bookable;
  return link;
}

grpc::Status OneTimeLinkServiceImpl::ResolveOneTimeLink(
    grpc::ServerContext*, const v1::ResolveOneTimeLinkRequest* request,
    v1::ResolveOneTimeLinkResponse* response) {
  absl::StatusOr<store::LinkWithCalendar> link =
      ResolveActive(request->token(), clock_());
  if (!link.ok()) return ToGrpcStatus(link.status());
  const domain::Calendar& calendar = link->calendar;
  response->set_one_time_link(domain::OneTimeLinkResourceName(
      calendar.location_id, calendar.calendar_id, link->link.link_id));
  v1::CalendarPublicView* view = response->mutable_calendar();
  view->set_name(
      domain::CalendarResourceName(calendar.location_id, calendar.calendar_id));
  view->set_display_name(calendar.display_name);
  view->set_slug(calendar.slug);
  *view->mutable_duration() = DurationToProto(calendar.rules.duration);
  view->set_time_zone(calendar.time_zone_name);
  if (link->link.expire_time.has_value()) {
    *response->mutable_expire_time() = ToProto(*link->link.expire_time);
  }
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::ListOneTimeLinkFreeSlots(
    grpc::ServerContext*, const v1::ListOneTimeLinkFreeSlotsRequest* request,
    v1::ListOneTimeLinkFreeSlotsResponse* response) {
  const absl::Time now = clock_();
  absl::Status token = ValidateLinkToken("token", request->token());
  absl::StatusOr<FreeSlotsQuery> query = ValidateFreeSlotsRange(
      request->has_start_time() ? &request->start_time() : nullptr,
      request->has_end_time() ? &request->end_time() : nullptr,
      request->time_zone());
  if (!token.ok() || !query.ok()) {
    return ToGrpcStatus(CombineViolations({token, query.status()}));
  }
  absl::StatusOr<store::LinkWithCalendar> link =
      ResolveActive(request->token(), now);
  if (!link.ok()) return ToGrpcStatus(link.status());
  absl::StatusOr<store::BookingStore::CalendarWithContext> calendar =
      bookings_.GetWithContext(link->calendar.location_id,
                               link->calendar.calendar_id, std::nullopt,
                               query->range);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  FreeSlotsToProto(domain::ComputeFreeSlots(
                       calendar->calendar, calendar->calendar.rules.duration,
                       query->range, now, calendar->context),
                   query->zone.value_or(calendar->calendar.rules.zone),
                   query->zone.has_value() ? query->zone_name
                                           : calendar->calendar.time_zone_name,
                   response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::BookOneTimeLink(
    grpc::ServerContext*, const v1::BookOneTimeLinkRequest* request,
    v1::Booking* response) {
  const absl::Time now = clock_();
  absl::StatusOr<BookLinkInput> input = ValidateBookOneTimeLink(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  store::BookingRequest booking_request;
  booking_request.start = input->start_time;
  booking_request.invitee = input->invitee;
  absl::StatusOr<domain::Booking> booking = links_.BookThroughLink(
      domain::HashLinkToken(input->token), booking_request, now);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  BookingToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::RevokeOneTimeLink(
    grpc::ServerContext*, const v1::RevokeOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  absl::StatusOr<domain::OneTimeLinkName> name =
      ValidateOneTimeLinkName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  const absl::Time now = clock_();
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.Revoke(name->location_id, name->calendar_id, name->link_id, now);
  if (!link.ok()) return ToGrpcStatus(link.status());
  OneTimeLinkToProto(link->link, now, response);
  return grpc::Status::OK;
}

}  // namespace scheduling::api
