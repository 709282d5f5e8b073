// What the request fuzzers share: a fixed clock, parsing the input as a
// request, and handling a validator's result the way the handlers do.
//
// A request fuzzer's input is one selector byte followed by the serialized
// request: the byte picks the request type from the fuzzer's table (modulo
// its size), so one target covers every request of a service and libFuzzer
// can carry a mutation that helps one request over to the others.
#ifndef SCHEDULING_FUZZ_REQUEST_FUZZING_H_
#define SCHEDULING_FUZZ_REQUEST_FUZZING_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/api/status_mapping.h"

namespace scheduling::fuzz {

// The validators take `now` as an argument; a fixed instant keeps every
// input reproducible (2026-01-01T00:00:00Z).
inline const absl::Time kNow = absl::FromUnixSeconds(1767225600);

// Runs `check` on `data` parsed as a Request. Bytes that do not parse are
// skipped: gRPC refuses them before any handler runs.
template <typename Request, typename Check>
void WithRequest(absl::Span<const uint8_t> data, Check check) {
  Request request;
  if (!request.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return;
  }
  check(request);
}

// What every handler does with a refusal: map it to a grpc::Status with its
// BadRequest details, so the violation texts a validator builds from the
// input are serialized too.
inline void Respond(const absl::Status& status) {
  if (!status.ok()) (void)api::ToGrpcStatus(status);
}
template <typename T>
void Respond(const absl::StatusOr<T>& result) {
  Respond(result.status());
}

// Calls table[data[0] % size] with the rest of the input.
using Target = void (*)(absl::Span<const uint8_t>);
template <size_t N>
void Dispatch(const Target (&table)[N], const uint8_t* data, size_t size) {
  if (size == 0) return;
  table[data[0] % N](absl::MakeConstSpan(data + 1, size - 1));
}

}  // namespace scheduling::fuzz

#endif  // SCHEDULING_FUZZ_REQUEST_FUZZING_H_
