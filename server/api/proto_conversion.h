// Domain values ↔ API messages. No validation here: requests are checked
// by request_validation.h before anything is converted.
#ifndef SCHEDULING_SERVER_API_PROTO_CONVERSION_H_
#define SCHEDULING_SERVER_API_PROTO_CONVERSION_H_

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/dayofweek.pb.h"
#include "scheduling/v1/booking.pb.h"
#include "scheduling/v1/calendar.pb.h"
#include "scheduling/v1/one_time_link.pb.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"
#include "server/domain/slots.h"

namespace scheduling::api {

absl::Time FromProto(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToProto(absl::Time time);
google::protobuf::Duration DurationToProto(absl::Duration duration);

absl::Weekday WeekdayFromProto(google::type::DayOfWeek day);
google::type::DayOfWeek WeekdayToProto(absl::Weekday weekday);

// The etag of a calendar version.
std::string CalendarEtag(const domain::Calendar& calendar);

void CalendarToProto(const domain::Calendar& calendar, v1::Calendar* out);

// A link as GetOneTimeLink shows it (no token, no URL), with its state at
// `now`.
void OneTimeLinkToProto(const domain::OneTimeLink& link, absl::Time now,
                        v1::OneTimeLink* out);

void BookingToProto(const domain::Booking& booking, v1::Booking* out);

// A slot with its local times in `zone`.
void SlotToProto(const domain::TimeInterval& slot, absl::TimeZone zone,
                 v1::Slot* out);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_PROTO_CONVERSION_H_
