// Builds against the installed headers and links the installed library.
#include <cstdio>

#include "grpcpp/grpcpp.h"
#include "scheduling/client/error_details.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"

int main() {
  auto channel =
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  auto stub = scheduling::v1::OneTimeLinkService::NewStub(channel);
  scheduling::v1::ResolveOneTimeLinkRequest request;
  request.set_token("x");
  std::printf("%s %s\n", request.GetTypeName().c_str(),
              scheduling::client::StatusCodeName(grpc::StatusCode::OK));
  return stub != nullptr ? 0 : 1;
}
