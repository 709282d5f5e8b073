// scheduling.v1.OneTimeLinkService: validates each request, calls the
// stores and the domain, and maps errors. Tokens are derived and hashed
// here, at the edge, so the layers below only ever see hashes.
//
// Thread-safety: thread-safe; handlers run concurrently on gRPC's threads.
#ifndef SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_
#define SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_

#include <string>
#include <vector>

#include "scheduling/v1/one_time_link_service.grpc.pb.h"
#include "server/api/calendar_service.h"
#include "server/api/event_notifier.h"
#include "server/auth/gate.h"
#include "server/domain/names.h"
#include "server/observability/metrics.h"
#include "server/store/booking_store.h"
#include "server/store/event_sequencer.h"
#include "server/store/link_store.h"

namespace scheduling::api {

// How often a watcher re-reads the outbox when this server numbered no new
// event: events that other replicas' sequencers number arrive this late
// at most (those this server's sequencer numbers wake it at once).
inline constexpr absl::Duration kWatchPollInterval = absl::Milliseconds(500);

class OneTimeLinkServiceImpl final : public v1::OneTimeLinkService::Service {
 public:
  // `public_base_url` prefixes every link URL, e.g. "https://book.example";
  // `token_secret` derives link tokens (secrets.h: DeriveLinkToken).
  // `sequencer` numbers the events that link writes leave as drafts; the
  // server runs it and calls EventsNumbered after each of its passes.
  OneTimeLinkServiceImpl(store::LinkStore& links, store::BookingStore& bookings,
                         store::EventSequencer& sequencer,
                         std::string public_base_url, std::string token_secret,
                         Clock clock, observability::Metrics& metrics,
                         const auth::Gate& gate);

  // Events of `location_id` got their seqs: wakes its watchers.
  void EventsNumbered(const std::string& location_id) {
    notifier_.Notify(location_id);
  }

  // Ends every WatchOneTimeLinkEvents stream promptly (server shutdown).
  void StopWatchers() { notifier_.Stop(); }

  grpc::Status CreateOneTimeLink(grpc::ServerContext* context,
                                 const v1::CreateOneTimeLinkRequest* request,
                                 v1::OneTimeLink* response) override;
  grpc::Status BatchCreateOneTimeLinks(
      grpc::ServerContext* context,
      const v1::BatchCreateOneTimeLinksRequest* request,
      v1::BatchCreateOneTimeLinksResponse* response) override;
  grpc::Status GetOneTimeLink(grpc::ServerContext* context,
                              const v1::GetOneTimeLinkRequest* request,
                              v1::OneTimeLink* response) override;
  grpc::Status ListOneTimeLinks(
      grpc::ServerContext* context, const v1::ListOneTimeLinksRequest* request,
      v1::ListOneTimeLinksResponse* response) override;
  grpc::Status ListOneTimeLinkUses(
      grpc::ServerContext* context,
      const v1::ListOneTimeLinkUsesRequest* request,
      v1::ListOneTimeLinkUsesResponse* response) override;
  grpc::Status ListOneTimeLinkEvents(
      grpc::ServerContext* context,
      const v1::ListOneTimeLinkEventsRequest* request,
      v1::ListOneTimeLinkEventsResponse* response) override;
  grpc::Status WatchOneTimeLinkEvents(
      grpc::ServerContext* context,
      const v1::WatchOneTimeLinkEventsRequest* request,
      grpc::ServerWriter<v1::OneTimeLinkEvent>* writer) override;
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
  // The active link behind `token`, or the status to answer with (an
  // unknown token's if `caller` may not book on its location).
  absl::StatusOr<store::LinkWithCalendar> ResolveActive(
      absl::string_view token, absl::Time now, const auth::Caller& caller);

  // Gives `link` a fresh id and the token hash derived from its name.
  void Identify(const domain::CalendarName& calendar,
                domain::OneTimeLink& link);

  // The link as CreateOneTimeLink returns it: with token and URL.
  void CreatedLinkToProto(const store::LinkWithCalendar& link, absl::Time now,
                          v1::OneTimeLink* out);

  store::LinkStore& links_;
  store::BookingStore& bookings_;
  store::EventSequencer& sequencer_;
  const std::string public_base_url_;
  const std::string token_secret_;
  Clock clock_;
  observability::Metrics& metrics_;
  const auth::Gate& gate_;
  EventNotifier notifier_;
};

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_ONE_TIME_LINK_SERVICE_H_
