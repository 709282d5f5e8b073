#include "client/booking_page/connection.h"

#include <utility>

namespace scheduling::booking_page {

grpc::Status Connection::Open(scheduling::client::ConnectionOptions options,
                              absl::Duration timeout,
                              std::unique_ptr<Connection>* connection) {
  // Per-call balancing when the target resolves to several servers; one
  // address behaves as pick_first would.
  if (options.load_balancing_policy.empty()) {
    options.load_balancing_policy = "round_robin";
  }
  std::shared_ptr<grpc::Channel> channel;
  const grpc::Status status = scheduling::client::Connect(options, &channel);
  if (!status.ok()) return status;
  connection->reset(new Connection(std::move(channel), timeout));
  return grpc::Status::OK;
}

Connection::Connection(std::shared_ptr<grpc::Channel> channel,
                       absl::Duration timeout)
    : timeout_(timeout),
      channel_(std::move(channel)),
      calendars_(scheduling::v1::CalendarService::NewStub(channel_)),
      links_(scheduling::v1::OneTimeLinkService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewCallContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  context->AddMetadata("x-scheduling-caller", "booking-page");
  return context;
}

}  // namespace scheduling::booking_page
