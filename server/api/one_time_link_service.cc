#include "server/api/one_time_link_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "server/api/link_conversion.h"
#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/api/status_mapping.h"
#include "server/auth/gate.h"
#include "server/domain/errors.h"
#include "server/domain/names.h"
#include "server/domain/one_time_link.h"
#include "server/domain/secrets.h"

namespace scheduling::api {
namespace {

// Events read per round trip while a watcher catches up.
constexpr int kWatchBatch = 500;

// Who makes a change, for the audit trail.
domain::Actor ActorOf(const auth::Caller& caller) {
  return {caller.principal(), caller.on_behalf_of()};
}

}  // namespace

OneTimeLinkServiceImpl::OneTimeLinkServiceImpl(
    store::LinkStore& links, store::BookingStore& bookings,
    store::EventSequencer& sequencer, std::string public_base_url,
    std::string token_secret, Clock clock, observability::Metrics& metrics,
    const auth::Gate& gate)
    : links_(links),
      bookings_(bookings),
      sequencer_(sequencer),
      public_base_url_(std::move(public_base_url)),
      token_secret_(std::move(token_secret)),
      clock_(std::move(clock)),
      metrics_(metrics),
      gate_(gate) {}

void OneTimeLinkServiceImpl::Identify(const domain::CalendarName& calendar,
                                      domain::OneTimeLink& link) {
  link.link_id = domain::GenerateResourceId();
  link.token_hash = domain::HashLinkToken(domain::DeriveLinkToken(
      token_secret_, calendar.location_id,
      domain::OneTimeLinkResourceName(calendar.location_id,
                                      calendar.calendar_id, link.link_id)));
}

void OneTimeLinkServiceImpl::CreatedLinkToProto(
    const store::LinkWithCalendar& link, absl::Time now, v1::OneTimeLink* out) {
  OneTimeLinkToProto(link.link, now, out);
  LinkOptionsToProto(link.link, out);
  // The token is never stored: it is derived again from the link's name,
  // which is what lets a retried creation return the same one. A link made
  // before version 2 tokens keeps its version 1 token (its stored hash
  // says which it was given).
  std::string token = domain::DeriveLinkToken(
      token_secret_, link.calendar.location_id, out->name());
  if (domain::HashLinkToken(token) != link.link.token_hash) {
    token = domain::DeriveLegacyLinkToken(token_secret_, out->name());
  }
  out->set_token(token);
  out->set_url(absl::StrCat(public_base_url_, "/widget/otl/", token,
                            "?slug=", link.calendar.slug));
}

grpc::Status OneTimeLinkServiceImpl::CreateOneTimeLink(
    grpc::ServerContext* context, const v1::CreateOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<CreateLinkInput> input =
      ValidateCreateOneTimeLink(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  Identify(input->calendar, input->link);
  std::vector<domain::OneTimeLink> links;
  links.push_back(std::move(input->link));
  absl::StatusOr<std::vector<store::LinkWithCalendar>> created =
      links_.Create(input->calendar.location_id, input->calendar.calendar_id,
                    std::move(links), /*batch=*/false, ActorOf(*caller), now);
  if (!created.ok()) return ToGrpcStatus(created.status());
  if (created->front().created) {
    metrics_.LinksCreated(1);
    sequencer_.Wake(input->calendar.location_id);
  }
  CreatedLinkToProto(created->front(), now, response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::BatchCreateOneTimeLinks(
    grpc::ServerContext* context,
    const v1::BatchCreateOneTimeLinksRequest* request,
    v1::BatchCreateOneTimeLinksResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<BatchCreateLinksInput> input =
      ValidateBatchCreateOneTimeLinks(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  for (domain::OneTimeLink& link : input->links)
    Identify(input->calendar, link);
  absl::StatusOr<std::vector<store::LinkWithCalendar>> created = links_.Create(
      input->calendar.location_id, input->calendar.calendar_id,
      std::move(input->links), /*batch=*/true, ActorOf(*caller), now);
  if (!created.ok()) return ToGrpcStatus(created.status());
  sequencer_.Wake(input->calendar.location_id);
  metrics_.LinksCreated(static_cast<int>(std::count_if(
      created->begin(), created->end(),
      [](const store::LinkWithCalendar& link) { return link.created; })));
  for (const store::LinkWithCalendar& link : *created) {
    CreatedLinkToProto(link, now, response->add_one_time_links());
  }
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::GetOneTimeLink(
    grpc::ServerContext* context, const v1::GetOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::OneTimeLinkName> name =
      ValidateOneTimeLinkName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.Get(name->location_id, name->calendar_id, name->link_id);
  if (!link.ok()) return ToGrpcStatus(link.status());
  OneTimeLinkToProto(link->link, clock_(), response);
  LinkOptionsToProto(link->link, response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::ListOneTimeLinks(
    grpc::ServerContext* context, const v1::ListOneTimeLinksRequest* request,
    v1::ListOneTimeLinksResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<ListLinksInput> input = ValidateListOneTimeLinks(*request);
  if (!input.ok()) return ToGrpcStatus(input.status());
  store::LinkListOptions options;
  options.location_id = input->calendar.location_id;
  options.calendar_id = input->calendar.calendar_id;
  options.state = input->state;
  options.contact_id = input->contact_id;
  options.page_size = input->page_size;
  options.before_pk = input->before_pk;
  const absl::Time now = clock_();
  absl::StatusOr<store::LinkPage> page = links_.List(options, now);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::OneTimeLink& link : page->links) {
    v1::OneTimeLink* out = response->add_one_time_links();
    OneTimeLinkToProto(link, now, out);
    LinkOptionsToProto(link, out);
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodeLinkPageToken(*request, page->links.back().pk));
  }
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::ListOneTimeLinkUses(
    grpc::ServerContext* context, const v1::ListOneTimeLinkUsesRequest* request,
    v1::ListOneTimeLinkUsesResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::OneTimeLinkName> name =
      ValidateOneTimeLinkName("parent", request->parent());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<std::vector<domain::LinkUse>> uses =
      links_.ListUses(name->location_id, name->calendar_id, name->link_id);
  if (!uses.ok()) return ToGrpcStatus(uses.status());
  domain::OneTimeLink link;
  link.location_id = name->location_id;
  link.calendar_id = name->calendar_id;
  for (const domain::LinkUse& use : *uses) {
    LinkUseToProto(link, use, response->add_uses());
  }
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::ListOneTimeLinkEvents(
    grpc::ServerContext* context,
    const v1::ListOneTimeLinkEventsRequest* request,
    v1::ListOneTimeLinkEventsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<EventsInput> input = ValidateListOneTimeLinkEvents(*request);
  if (!input.ok()) return ToGrpcStatus(input.status());
  // Read-your-writes: number what was committed before this call (any
  // server's) first. If that fails the list holds what is numbered, and
  // the rest follows in a later call (the sequencer's thread retries).
  if (!sequencer_.CatchUp(input->location_id).ok()) {
    metrics_.EventSequencerFailed();
  }
  absl::StatusOr<std::vector<domain::LinkEvent>> events =
      links_.ListEvents(input->location_id, input->after_seq, input->page_size);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (const domain::LinkEvent& event : *events) {
    LinkEventToProto(event, response->add_events());
  }
  response->set_next_cursor(
      events->empty()
          ? request->cursor()
          : EncodeEventCursor(input->location_id, events->back().seq));
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::WatchOneTimeLinkEvents(
    grpc::ServerContext* context,
    const v1::WatchOneTimeLinkEventsRequest* request,
    grpc::ServerWriter<v1::OneTimeLinkEvent>* writer) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<EventsInput> input = ValidateWatchOneTimeLinkEvents(*request);
  if (!input.ok()) return ToGrpcStatus(input.status());
  int64_t after = input->after_seq;
  metrics_.WatchStreamOpened();
  absl::Cleanup closed = [this] { metrics_.WatchStreamClosed(); };
  // Read the generation before the outbox: an event numbered after the
  // read below bumps it, so the wait cannot miss it.
  uint64_t generation = notifier_.Generation(input->location_id);
  // As ListOneTimeLinkEvents: what was committed before the call is in
  // the first read; later events come as the sequencer numbers them.
  if (!sequencer_.CatchUp(input->location_id).ok()) {
    metrics_.EventSequencerFailed();
  }
  while (!context->IsCancelled() && !notifier_.stopped()) {
    absl::StatusOr<std::vector<domain::LinkEvent>> events =
        links_.ListEvents(input->location_id, after, kWatchBatch);
    if (!events.ok()) return ToGrpcStatus(events.status());
    for (const domain::LinkEvent& event : *events) {
      v1::OneTimeLinkEvent message;
      LinkEventToProto(event, &message);
      if (!writer->Write(message)) return grpc::Status::OK;  // caller left
      after = event.seq;
    }
    if (events->size() == static_cast<size_t>(kWatchBatch)) continue;
    generation = notifier_.WaitForChange(input->location_id, generation,
                                         absl::Now() + kWatchPollInterval);
  }
  return grpc::Status::OK;
}

absl::StatusOr<store::LinkWithCalendar> OneTimeLinkServiceImpl::ResolveActive(
    absl::string_view token, absl::Time now, const auth::Caller& caller) {
  absl::Status valid = ValidateLinkToken("token", token);
  if (!valid.ok()) return valid;
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.GetByTokenHash(domain::HashLinkToken(token));
  if (!link.ok()) return link.status();
  if (!caller.MayBookOn(link->calendar.location_id)) {
    return domain::UnknownLinkToken();
  }
  absl::Status bookable =
      domain::CheckBookable(link->link, link->calendar.TakesBookings(), now);
  if (!bookable.ok()) return bookable;
  return link;
}

grpc::Status OneTimeLinkServiceImpl::ResolveOneTimeLink(
    grpc::ServerContext* context, const v1::ResolveOneTimeLinkRequest* request,
    v1::ResolveOneTimeLinkResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status valid = ValidateLinkToken("token", request->token());
  if (!valid.ok()) return ToGrpcStatus(valid);
  absl::StatusOr<store::ResolvedLink> link =
      links_.ResolveByTokenHash(domain::HashLinkToken(request->token()));
  if (!link.ok()) return ToGrpcStatus(link.status());
  if (!caller->MayBookOn(link->calendar.location_id)) {
    return ToGrpcStatus(domain::UnknownLinkToken());
  }
  absl::Status bookable = domain::CheckBookable(
      link->link, link->calendar.takes_bookings, clock_());
  if (!bookable.ok()) return ToGrpcStatus(bookable);
  const store::CalendarView& calendar = link->calendar;
  const domain::OneTimeLink& resolved = link->link;
  response->set_one_time_link(domain::OneTimeLinkResourceName(
      calendar.location_id, calendar.calendar_id, resolved.link_id));
  v1::CalendarPublicView* view = response->mutable_calendar();
  view->set_name(
      domain::CalendarResourceName(calendar.location_id, calendar.calendar_id));
  view->set_display_name(calendar.display_name);
  view->set_slug(calendar.slug);
  *view->mutable_duration() = DurationToProto(calendar.duration);
  view->set_time_zone(calendar.time_zone_name);
  if (resolved.expire_time.has_value()) {
    *response->mutable_expire_time() = ToProto(*resolved.expire_time);
  }
  v1::LinkInvitee* invitee = response->mutable_invitee();
  invitee->set_contact_id(resolved.invitee.contact_id);
  invitee->set_display_name(resolved.invitee.display_name);
  invitee->set_email(resolved.invitee.email);
  invitee->set_phone(resolved.invitee.phone);
  if (resolved.earliest_date) {
    *response->mutable_earliest_date() = DateToProto(*resolved.earliest_date);
  }
  if (resolved.latest_date) {
    *response->mutable_latest_date() = DateToProto(*resolved.latest_date);
  }
  *response->mutable_duration() =
      DurationToProto(resolved.duration.value_or(calendar.duration));
  response->set_remaining_uses(resolved.max_uses - resolved.use_count);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::ListOneTimeLinkFreeSlots(
    grpc::ServerContext* context,
    const v1::ListOneTimeLinkFreeSlotsRequest* request,
    v1::ListOneTimeLinkFreeSlotsResponse* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
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
      ResolveActive(request->token(), now, *caller);
  if (!link.ok()) return ToGrpcStatus(link.status());
  // The link's overrides: its date window narrows the range, its duration
  // replaces the calendar's.
  const domain::TimeInterval range = domain::ClampToLinkWindow(
      link->link, link->calendar.rules.zone, query->range);
  const absl::TimeZone zone = query->zone.value_or(link->calendar.rules.zone);
  const std::string zone_name = query->zone.has_value()
                                    ? query->zone_name
                                    : link->calendar.time_zone_name;
  if (range.start >= range.end) {
    FreeSlotsToProto({}, link->calendar.members, zone, zone_name, response);
    return grpc::Status::OK;
  }
  // The calendar came with the link: read only its bookings.
  absl::StatusOr<absl::Duration> duration =
      domain::ChooseDuration(link->calendar, link->link.duration);
  if (!duration.ok()) return ToGrpcStatus(duration.status());
  absl::StatusOr<std::shared_ptr<const domain::BookingContext>> bookings =
      bookings_.GetContext(link->calendar, *duration, range);
  if (!bookings.ok()) return ToGrpcStatus(bookings.status());
  FreeSlotsToProto(domain::ComputeFreeSlots(link->calendar, *duration, range,
                                            now, **bookings),
                   link->calendar.members, zone, zone_name, response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::BookOneTimeLink(
    grpc::ServerContext* context, const v1::BookOneTimeLinkRequest* request,
    v1::Booking* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::Time now = clock_();
  absl::StatusOr<BookLinkInput> input = ValidateBookOneTimeLink(*request, now);
  if (!input.ok()) return ToGrpcStatus(input.status());
  store::BookingRequest booking_request;
  booking_request.start = input->start_time;
  booking_request.invitee = input->invitee;
  booking_request.request_id = input->request_id;
  booking_request.manage_token_hash = ManageTokenHasher(token_secret_);
  absl::StatusOr<domain::Booking> booking = links_.BookThroughLink(
      domain::HashLinkToken(input->token), booking_request, ActorOf(*caller),
      [&](absl::string_view location) { return caller->MayBookOn(location); },
      now);
  if (!booking.ok()) {
    if (std::optional<std::string> reason =
            domain::ErrorReason(booking.status())) {
      metrics_.LinkBookingRefused(*reason);
    }
    return ToGrpcStatus(booking.status());
  }
  metrics_.LinkUsed();
  metrics_.BookingCreated("one_time_link");
  sequencer_.Wake(booking->location_id);
  NewBookingToProto(token_secret_, *booking, response);
  return grpc::Status::OK;
}

grpc::Status OneTimeLinkServiceImpl::RevokeOneTimeLink(
    grpc::ServerContext* context, const v1::RevokeOneTimeLinkRequest* request,
    v1::OneTimeLink* response) {
  absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<domain::OneTimeLinkName> name =
      ValidateOneTimeLinkName("name", request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  const absl::Time now = clock_();
  absl::StatusOr<store::LinkWithCalendar> link =
      links_.Revoke(name->location_id, name->calendar_id, name->link_id,
                    ActorOf(*caller), now);
  if (!link.ok()) return ToGrpcStatus(link.status());
  sequencer_.Wake(name->location_id);
  OneTimeLinkToProto(link->link, now, response);
  LinkOptionsToProto(link->link, response);
  return grpc::Status::OK;
}

}  // namespace scheduling::api
