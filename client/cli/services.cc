#include "client/cli/services.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace scheduling::cli {

Services Services::Connect(const std::string& target, absl::Duration timeout) {
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  Services services;
  services.target = target;
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
