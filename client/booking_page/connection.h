// How the booking page reaches the scheduling server: the one place that
// opens the channel (through the client library's Connect: TLS or plain
// text, the API key on every call) and prepares each call's context.
//
// Thread-safe: the stubs are, and Connection is immutable after Open.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_CONNECTION_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_CONNECTION_H_

#include <memory>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "scheduling/client/connection.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"

namespace scheduling::booking_page {

class Connection {
 public:
  // Opens a channel as `options` say, balancing calls over every address
  // the target resolves to (the headless Service in k8s/). Calls fail fast
  // with UNAVAILABLE while the server cannot be reached. Each call's
  // deadline is `timeout`. INVALID_ARGUMENT if the options are unusable
  // (a TLS file that cannot be read, ...).
  static grpc::Status Open(scheduling::client::ConnectionOptions options,
                           absl::Duration timeout,
                           std::unique_ptr<Connection>* connection);

  // A context for one call: the deadline, and `x-scheduling-caller:
  // booking-page` (recorded with each link use). The API key travels with
  // the channel.
  std::unique_ptr<grpc::ClientContext> NewCallContext() const;

  scheduling::v1::CalendarService::Stub& calendars() const {
    return *calendars_;
  }
  scheduling::v1::OneTimeLinkService::Stub& links() const { return *links_; }

 private:
  Connection(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

  const absl::Duration timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<scheduling::v1::CalendarService::Stub> calendars_;
  std::unique_ptr<scheduling::v1::OneTimeLinkService::Stub> links_;
};

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_CONNECTION_H_
