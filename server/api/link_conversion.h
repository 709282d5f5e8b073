// Issue-4 link values ↔ API messages: link options, uses and events.
#ifndef SCHEDULING_SERVER_API_LINK_CONVERSION_H_
#define SCHEDULING_SERVER_API_LINK_CONVERSION_H_

#include "scheduling/v1/one_time_link.pb.h"
#include "server/domain/one_time_link.h"

namespace scheduling::api {

// Fills the link's options and counters (max_uses, use_count, invitee,
// enforce_invitee, metadata, date window, duration).
void LinkOptionsToProto(const domain::OneTimeLink& link, v1::OneTimeLink* out);

void LinkUseToProto(const domain::OneTimeLink& link, const domain::LinkUse& use,
                    v1::OneTimeLinkUse* out);

void LinkEventToProto(const domain::LinkEvent& event,
                      v1::OneTimeLinkEvent* out);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_LINK_CONVERSION_H_
