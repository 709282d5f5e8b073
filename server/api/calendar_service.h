// scheduling.v1.CalendarService: validates each request, calls the store
// and the slot engine, and maps errors. No business rule lives here.
//
// Thread-safety: thread-safe; handlers run concurrently on gRPC's threads.
#ifndef SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_
#define SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "server/auth/gate.h"
#include "server/observability/metrics.h"
#include "server/store/booking_store.h"
#include "server/store/calendar_store.h"
#include "server/store/event_sequencer.h"

namespace scheduling::api {

// The source of the current time; tests may pin it.
using Clock = std::function<absl::Time()>;

class CalendarServiceImpl final : public v1::CalendarService::Service {
 public:
  // `token_secret` derives bookings' manage tokens (secrets.h:
  // DeriveManageToken); `sequencer` numbers the link events a cancel that
  // gives a link's use back leaves as drafts.
  CalendarServiceImpl(store::CalendarStore& calendars,
                      store::BookingStore& bookings,
                      store::EventSequencer& sequencer,
                      std::string token_secret, Clock clock,
                      observability::Metrics& metrics, const auth::Gate& gate);

  grpc::Status CreateCalendar(grpc::ServerContext* context,
                              const v1::CreateCalendarRequest* request,
                              v1::Calendar* response) override;
  grpc::Status GetCalendar(grpc::ServerContext* context,
                           const v1::GetCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status ListCalendars(grpc::ServerContext* context,
                             const v1::ListCalendarsRequest* request,
                             v1::ListCalendarsResponse* response) override;
  grpc::Status UpdateCalendar(grpc::ServerContext* context,
                              const v1::UpdateCalendarRequest* request,
                              v1::Calendar* response) override;
  grpc::Status DeleteCalendar(grpc::ServerContext* context,
                              const v1::DeleteCalendarRequest* request,
                              google::protobuf::Empty* response) override;
  grpc::Status DuplicateCalendar(grpc::ServerContext* context,
                                 const v1::DuplicateCalendarRequest* request,
                                 v1::Calendar* response) override;
  grpc::Status MoveCalendarToGroup(
      grpc::ServerContext* context,
      const v1::MoveCalendarToGroupRequest* request,
      v1::Calendar* response) override;
  grpc::Status ActivateCalendar(grpc::ServerContext* context,
                                const v1::ActivateCalendarRequest* request,
                                v1::Calendar* response) override;
  grpc::Status DeactivateCalendar(grpc::ServerContext* context,
                                  const v1::DeactivateCalendarRequest* request,
                                  v1::Calendar* response) override;
  grpc::Status ListFreeSlots(grpc::ServerContext* context,
                             const v1::ListFreeSlotsRequest* request,
                             v1::ListFreeSlotsResponse* response) override;

  grpc::Status CreateGroup(grpc::ServerContext* context,
                           const v1::CreateGroupRequest* request,
                           v1::Group* response) override;
  grpc::Status GetGroup(grpc::ServerContext* context,
                        const v1::GetGroupRequest* request,
                        v1::Group* response) override;
  grpc::Status ListGroups(grpc::ServerContext* context,
                          const v1::ListGroupsRequest* request,
                          v1::ListGroupsResponse* response) override;
  grpc::Status UpdateGroup(grpc::ServerContext* context,
                           const v1::UpdateGroupRequest* request,
                           v1::Group* response) override;
  grpc::Status DeleteGroup(grpc::ServerContext* context,
                           const v1::DeleteGroupRequest* request,
                           google::protobuf::Empty* response) override;
  grpc::Status EnableGroup(grpc::ServerContext* context,
                           const v1::EnableGroupRequest* request,
                           v1::Group* response) override;
  grpc::Status DisableGroup(grpc::ServerContext* context,
                            const v1::DisableGroupRequest* request,
                            v1::Group* response) override;

  grpc::Status CreateBooking(grpc::ServerContext* context,
                             const v1::CreateBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status GetBooking(grpc::ServerContext* context,
                          const v1::GetBookingRequest* request,
                          v1::Booking* response) override;
  grpc::Status ListBookings(grpc::ServerContext* context,
                            const v1::ListBookingsRequest* request,
                            v1::ListBookingsResponse* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context,
                             const v1::CancelBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status RescheduleBooking(grpc::ServerContext* context,
                                 const v1::RescheduleBookingRequest* request,
                                 v1::Booking* response) override;
  grpc::Status GetBookingByManageToken(
      grpc::ServerContext* context,
      const v1::GetBookingByManageTokenRequest* request,
      v1::Booking* response) override;
  grpc::Status CancelBookingByManageToken(
      grpc::ServerContext* context,
      const v1::CancelBookingByManageTokenRequest* request,
      v1::Booking* response) override;
  grpc::Status RescheduleBookingByManageToken(
      grpc::ServerContext* context,
      const v1::RescheduleBookingByManageTokenRequest* request,
      v1::Booking* response) override;

 private:
  grpc::Status SetStatus(absl::string_view name, domain::CalendarStatus status,
                         v1::Calendar* response);
  grpc::Status SetGroupEnabled(absl::string_view name, bool enabled,
                               v1::Group* response);
  // After a cancel: counts it, and wakes the sequencer for the link event
  // a use given back may have left.
  void Cancelled(const domain::Booking& booking);

  store::CalendarStore& calendars_;
  store::BookingStore& bookings_;
  store::EventSequencer& sequencer_;
  const std::string token_secret_;
  Clock clock_;
  observability::Metrics& metrics_;
  const auth::Gate& gate_;
};

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_
