// OneTimeLinkService's request validators (all but the lists, which
// list_requests_fuzzer covers) on arbitrary request bytes: never a crash, a
// sanitizer report or a hang, whatever a caller sends.
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "fuzz/request_fuzzing.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/api/request_validation.h"

namespace scheduling::fuzz {
namespace {

void CreateOneTimeLink(absl::Span<const uint8_t> data) {
  WithRequest<v1::CreateOneTimeLinkRequest>(data, [](const auto& request) {
    Respond(api::ValidateCreateOneTimeLink(request, kNow));
  });
}

void BatchCreateOneTimeLinks(absl::Span<const uint8_t> data) {
  WithRequest<v1::BatchCreateOneTimeLinksRequest>(
      data, [](const auto& request) {
        Respond(api::ValidateBatchCreateOneTimeLinks(request, kNow));
      });
}

void BookOneTimeLink(absl::Span<const uint8_t> data) {
  WithRequest<v1::BookOneTimeLinkRequest>(data, [](const auto& request) {
    Respond(api::ValidateBookOneTimeLink(request, kNow));
  });
}

void ResolveOneTimeLink(absl::Span<const uint8_t> data) {
  WithRequest<v1::ResolveOneTimeLinkRequest>(data, [](const auto& request) {
    Respond(api::ValidateLinkToken("token", request.token()));
  });
}

// As OneTimeLinkServiceImpl::ListOneTimeLinkFreeSlots does it.
void ListOneTimeLinkFreeSlots(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListOneTimeLinkFreeSlotsRequest>(
      data, [](const auto& request) {
        absl::Status token = api::ValidateLinkToken("token", request.token());
        absl::StatusOr<api::FreeSlotsQuery> query = api::ValidateFreeSlotsRange(
            request.has_start_time() ? &request.start_time() : nullptr,
            request.has_end_time() ? &request.end_time() : nullptr,
            request.time_zone());
        Respond(api::CombineViolations({token, query.status()}));
      });
}

// Get and Revoke check only the name; ListOneTimeLinkUses its parent.
void GetOneTimeLink(absl::Span<const uint8_t> data) {
  WithRequest<v1::GetOneTimeLinkRequest>(data, [](const auto& request) {
    Respond(api::ValidateOneTimeLinkName("name", request.name()));
  });
}

void RevokeOneTimeLink(absl::Span<const uint8_t> data) {
  WithRequest<v1::RevokeOneTimeLinkRequest>(data, [](const auto& request) {
    Respond(api::ValidateOneTimeLinkName("name", request.name()));
  });
}

void ListOneTimeLinkUses(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListOneTimeLinkUsesRequest>(data, [](const auto& request) {
    Respond(api::ValidateOneTimeLinkName("parent", request.parent()));
  });
}

// Keep the order: the seeds (fuzz/make_seeds.sh) start with these indexes.
constexpr Target kTargets[] = {
    CreateOneTimeLink,         // 0
    BatchCreateOneTimeLinks,   // 1
    BookOneTimeLink,           // 2
    ResolveOneTimeLink,        // 3
    ListOneTimeLinkFreeSlots,  // 4
    GetOneTimeLink,            // 5
    RevokeOneTimeLink,         // 6
    ListOneTimeLinkUses,       // 7
};

}  // namespace
}  // namespace scheduling::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scheduling::fuzz::Dispatch(scheduling::fuzz::kTargets, data, size);
  return 0;
}
