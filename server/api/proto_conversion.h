// Domain values ↔ API messages. No validation here: requests are checked
// (calendar_validation.h, calendar_query.h, request_validation.h) before
// anything is converted.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_API_PROTO_CONVERSION_H_
#define SCHEDULING_SERVER_API_PROTO_CONVERSION_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "google/type/dayofweek.pb.h"
#include "google/type/timeofday.pb.h"
#include "scheduling/v1/booking.pb.h"
#include "scheduling/v1/calendar.pb.h"
#include "scheduling/v1/group.pb.h"
#include "scheduling/v1/one_time_link.pb.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"
#include "server/domain/slots.h"

namespace scheduling::api {

absl::Time FromProto(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToProto(absl::Time time);
absl::Duration DurationFromProto(const google::protobuf::Duration& duration);
// Whole seconds: every duration of the API is whole minutes.
google::protobuf::Duration DurationToProto(absl::Duration duration);

absl::Weekday WeekdayFromProto(google::type::DayOfWeek day);
google::type::DayOfWeek WeekdayToProto(absl::Weekday weekday);

google::type::Date DateToProto(absl::CivilDay day);
// Minutes since midnight, 0 to 1440, as a TimeOfDay (1440 is 24:00).
google::type::TimeOfDay MinuteOfDayToProto(int minute);

v1::Calendar::Type CalendarTypeToProto(domain::CalendarType type);
// UNSPECIFIED and unknown values are nullopt.
std::optional<domain::CalendarType> CalendarTypeFromProto(
    v1::Calendar::Type type);

// A group's resource name, `locations/{location}/groups/{group}`.
struct GroupName {
  std::string location_id;
  std::string group_id;
};
std::string GroupResourceName(absl::string_view location_id,
                              absl::string_view group_id);
std::optional<GroupName> ParseGroupName(absl::string_view name);

// The etag of a calendar version.
std::string CalendarEtag(const domain::Calendar& calendar);
// The etag of a group version.
std::string GroupEtag(const domain::Group& group);

void CalendarToProto(const domain::Calendar& calendar, v1::Calendar* out);

void GroupToProto(const domain::Group& group, v1::Group* out);

// A link as GetOneTimeLink shows it (no token, no URL), with its state at
// `now`.
void OneTimeLinkToProto(const domain::OneTimeLink& link, absl::Time now,
                        v1::OneTimeLink* out);

void BookingToProto(const domain::Booking& booking, v1::Booking* out);

// What BookingRequest::manage_token_hash stores for a new booking: the
// hash of its manage token under the server's token `secret`.
std::function<std::string(const domain::Booking&)> ManageTokenHasher(
    std::string secret);

// A booking as the call that made it answers: with its manage token (if
// it has one), derived again under `secret`, so a retry gets it too.
void NewBookingToProto(absl::string_view secret, const domain::Booking& booking,
                       v1::Booking* out);

// A free slot with its local times in `zone`, its seats and free members.
// `members` is the calendar's member list, which the slot's free members
// index.
void SlotToProto(const domain::FreeSlot& slot,
                 const std::vector<std::string>& members, absl::TimeZone zone,
                 v1::Slot* out);

// Fills a response that lists free slots (ListFreeSlotsResponse,
// ListOneTimeLinkFreeSlotsResponse) of a calendar whose member list is
// `members`: every slot with local times in `zone`, and `zone_name`, the
// name the local times are in.
//
// Example:
//   FreeSlotsToProto(slots, calendar.members, zone, zone_name, response);
template <typename FreeSlotsResponse>
void FreeSlotsToProto(absl::Span<const domain::FreeSlot> slots,
                      const std::vector<std::string>& members,
                      absl::TimeZone zone, absl::string_view zone_name,
                      FreeSlotsResponse* out) {
  out->set_time_zone(std::string(zone_name));
  out->mutable_slots()->Reserve(static_cast<int>(slots.size()));
  for (const domain::FreeSlot& slot : slots) {
    SlotToProto(slot, members, zone, out->add_slots());
  }
}

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_PROTO_CONVERSION_H_
