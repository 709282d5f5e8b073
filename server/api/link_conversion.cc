#include "server/api/link_conversion.h"

#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/domain/names.h"

namespace scheduling::api {
namespace {

v1::OneTimeLink::State StateToProto(domain::LinkState state) {
  switch (state) {
    case domain::LinkState::kActive:
      return v1::OneTimeLink::ACTIVE;
    case domain::LinkState::kUsed:
      return v1::OneTimeLink::USED;
    case domain::LinkState::kExpired:
      return v1::OneTimeLink::EXPIRED;
    case domain::LinkState::kRevoked:
      return v1::OneTimeLink::REVOKED;
  }
  return v1::OneTimeLink::STATE_UNSPECIFIED;
}

}  // namespace

void LinkOptionsToProto(const domain::OneTimeLink& link, v1::OneTimeLink* out) {
  out->set_max_uses(link.max_uses);
  out->set_use_count(link.use_count);
  v1::LinkInvitee* invitee = out->mutable_invitee();
  invitee->set_contact_id(link.invitee.contact_id);
  invitee->set_display_name(link.invitee.display_name);
  invitee->set_email(link.invitee.email);
  invitee->set_phone(link.invitee.phone);
  out->set_enforce_invitee(link.enforce_invitee);
  for (const auto& [key, value] : link.metadata) {
    (*out->mutable_metadata())[key] = value;
  }
  if (link.earliest_date)
    *out->mutable_earliest_date() = DateToProto(*link.earliest_date);
  if (link.latest_date)
    *out->mutable_latest_date() = DateToProto(*link.latest_date);
  if (link.duration) *out->mutable_duration() = DurationToProto(*link.duration);
  out->set_return_use_on_cancel(link.return_use_on_cancel);
}

void LinkUseToProto(const domain::OneTimeLink& link, const domain::LinkUse& use,
                    v1::OneTimeLinkUse* out) {
  out->set_booking(domain::BookingResourceName(
      link.location_id, link.calendar_id, use.booking_id));
  *out->mutable_use_time() = ToProto(use.use_time);
  out->set_invitee_display_name(use.invitee_name);
  out->set_invitee_email(use.invitee_email);
  out->set_caller(use.caller);
  out->set_on_behalf_of(use.on_behalf_of);
}

void LinkEventToProto(const domain::LinkEvent& event,
                      v1::OneTimeLinkEvent* out) {
  out->set_cursor(EncodeEventCursor(event.location_id, event.seq));
  out->set_type(static_cast<v1::OneTimeLinkEvent::Type>(event.type));
  out->set_one_time_link(domain::OneTimeLinkResourceName(
      event.location_id, event.calendar_id, event.link_id));
  *out->mutable_event_time() = ToProto(event.event_time);
  if (!event.booking_id.empty()) {
    out->set_booking(domain::BookingResourceName(
        event.location_id, event.calendar_id, event.booking_id));
  }
  out->set_contact_id(event.contact_id);
  for (const auto& [key, value] : event.metadata) {
    (*out->mutable_metadata())[key] = value;
  }
  out->set_state(StateToProto(event.state));
  out->set_principal(event.principal);
}

}  // namespace scheduling::api
