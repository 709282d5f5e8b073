#include "client/cli/services.h"

namespace scheduling::cli {

absl::StatusOr<Services> Services::Connect(
    const client::ConnectionOptions& connection, absl::Duration timeout) {
  std::shared_ptr<grpc::Channel> channel;
  grpc::Status status = client::Connect(connection, &channel);
  if (!status.ok()) return absl::InvalidArgumentError(status.error_message());
  Services services;
  services.target = connection.target;
  services.timeout = timeout;
  services.calendars = scheduling::v1::CalendarService::NewStub(channel);
  services.links = scheduling::v1::OneTimeLinkService::NewStub(channel);
  services.health = grpc::health::v1::Health::NewStub(channel);
  return services;
}

void Services::SetDeadline(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

}  // namespace scheduling::cli
