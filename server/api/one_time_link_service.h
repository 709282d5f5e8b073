// scheduling.v1.OneTimeLinkService: validates each request, calls the
// stores and the domain, and maps errors. Tokens are hashed here, at the
// edge, so the layers below only ever see hashes.
//
// Thread-safety: thread-safe; handlers run concurrently on gRPC's threads.
#ifndef SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_
#define SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_

#include <string>

#include "scheduling/v1/one_time_link_service.grpc.pb.h"
#include "server/api/calendar_service.h"
#include "server/store/booking_store.h"
#include "server/store/link_store.h"

namespace scheduling::api {

class OneTimeLinkServiceImpl final : public v1::OneTimeLinkService::Service {
 public:
  // `public_base_url` prefixes every link URL, e.g. "https://book.example".
  OneTimeLinkServiceImpl(store::LinkStore& links, store::BookingStore& bookings,
                         std::string public_base_url, Clock clock);

  grpc::Status CreateOneTimeLink(grpc::ServerContext* context,
                                 const v1::CreateOneTimeLinkRequest* request,
                                 v1::OneTimeLink* response) override;
  grpc::Status GetOneTimeLink(grpc::ServerContext* context,
                              const v1::GetOneTimeLinkRequest* request,
                              v1::OneTimeLink* response) override;
  grpc::Status ResolveOneTimeLink(
      grpc::ServerContext* context,
      const v1::ResolveOneTimeLinkRequest* request,
      v1::ResolveOneTimeLinkResponse* response) override;
  grpc::Status ListOneTimeLinkFreeSlots(
      grpc::ServerContext* context,
      const v1::ListOneTimeLinkFreeSlotsRequest* request,
      v1::ListOneTimeLinkFreeSlotsResponse* response) override;
  grpc::Status BookOneTimeLink(grpc::ServerContext* context,
                               const v1::BookOneTimeLinkRequest* request,
                               v1::Booking* response) override;
  grpc::Status RevokeOneTimeLink(grpc::ServerContext* context,
                                 const v1::RevokeOneTimeLinkRequest* request,
                                 v1::OneTimeLink* response) override;

 private:
  // The active link behind `token`, or the status to answer with.
  absl::StatusOr<store::LinkWithCalendar> ResolveActive(absl::string_view token,
                                                        absl::Time now);

  store::LinkStore& links_;
  store::BookingStore& bookings_;
  const std::string public_base_url_;
  Clock clock_;
};

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_
