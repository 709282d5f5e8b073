// scheduling.v1.CalendarService: validates each request, calls the store
// and the slot engine, and maps errors. No business rule lives here.
//
// Thread-safety: thread-safe; handlers run concurrently on gRPC's threads.
#ifndef SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_
#define SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "server/store/calendar_store.h"

namespace scheduling::api {

// The source of the current time; tests may pin it.
using Clock = std::function<absl::Time()>;

class CalendarServiceImpl final : public v1::CalendarService::Service {
 public:
  CalendarServiceImpl(store::CalendarStore& calendars, Clock clock);

  grpc::Status CreateCalendar(grpc::ServerContext* context,
                              const v1::CreateCalendarRequest* request,
                              v1::Calendar* response) override;
  grpc::Status GetCalendar(grpc::ServerContext* context,
                           const v1::GetCalendarRequest* request,
                           v1::Calendar* response) override;
  grpc::Status ListCalendars(grpc::ServerContext* context,
                             const v1::ListCalendarsRequest* request,
                             v1::ListCalendarsResponse* response) override;
  grpc::Status ActivateCalendar(grpc::ServerContext* context,
                                const v1::ActivateCalendarRequest* request,
                                v1::Calendar* response) override;
  grpc::Status DeactivateCalendar(grpc::ServerContext* context,
                                  const v1::DeactivateCalendarRequest* request,
                                  v1::Calendar* response) override;
  grpc::Status ListFreeSlots(grpc::ServerContext* context,
                             const v1::ListFreeSlotsRequest* request,
                             v1::ListFreeSlotsResponse* response) override;

 private:
  grpc::Status SetStatus(absl::string_view name, domain::CalendarStatus status,
                         v1::Calendar* response);

  store::CalendarStore& calendars_;
  Clock clock_;
};

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_CALENDAR_SERVICE_H_
