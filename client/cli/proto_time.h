// Conversions between protobuf's well-known time types and absl's.
//
// Thread-safe: free functions over values.
#ifndef SCHEDULING_CLIENT_CLI_PROTO_TIME_H_
#define SCHEDULING_CLIENT_CLI_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace scheduling::cli {

inline absl::Time TimeFromProto(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixNanos(
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(timestamp));
}

inline google::protobuf::Timestamp TimeToProto(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(time));
}

inline absl::Duration DurationFromProto(
    const google::protobuf::Duration& duration) {
  return absl::Nanoseconds(
      google::protobuf::util::TimeUtil::DurationToNanoseconds(duration));
}

inline google::protobuf::Duration DurationToProto(absl::Duration duration) {
  return google::protobuf::util::TimeUtil::NanosecondsToDuration(
      absl::ToInt64Nanoseconds(duration));
}

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_PROTO_TIME_H_
