// absl::Time to google.protobuf.Timestamp, for building requests.
#ifndef SCHEDULING_BENCH_PROTO_TIME_H_
#define SCHEDULING_BENCH_PROTO_TIME_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

#include "absl/time/time.h"

namespace scheduling::bench {

inline google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(nanos / 1000000000);
  timestamp.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return timestamp;
}

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_PROTO_TIME_H_
