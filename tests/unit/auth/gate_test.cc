// Every RPC has exactly one permission and a way to find its location;
// Admit's decisions without a network (a fake context is not possible with
// gRPC's ServerContext, so the integration tests cover credentials).
#include "server/auth/gate.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"
#include "server/auth/permissions.h"

namespace scheduling::auth {
namespace {

// The API's services, from the descriptors linked into this binary.
std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  (void)v1::CreateCalendarRequest::descriptor();
  (void)v1::CreateOneTimeLinkRequest::descriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  return {pool->FindServiceByName("scheduling.v1.CalendarService"),
          pool->FindServiceByName("scheduling.v1.OneTimeLinkService")};
}

std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const google::protobuf::ServiceDescriptor* service : Services()) {
    for (int m = 0; m < service->method_count(); ++m) {
      methods.push_back(service->method(m));
    }
  }
  return methods;
}

TEST(MethodPermissionsTest, EveryMethodHasExactlyOnePermission) {
  std::set<std::string> methods;
  for (const auto* method : AllMethods()) {
    methods.insert(method->full_name());
    EXPECT_EQ(MethodPermissions().count(method->full_name()), 1u)
        << method->full_name() << " has no permission in permissions.cc";
  }
  for (const auto& [method, permission] : MethodPermissions()) {
    EXPECT_EQ(methods.count(method), 1u)
        << method << " in permissions.cc is no method of the API";
  }
}

TEST(MethodPermissionsTest, EveryMethodHasARequestTypeOfItsOwn) {
  // The gate knows the method from the request's type.
  std::set<std::string> types;
  for (const auto* method : AllMethods()) {
    EXPECT_TRUE(types.insert(method->input_type()->full_name()).second)
        << method->input_type()->full_name() << " serves two methods";
  }
}

TEST(GateTest, EveryMethodCanFindItsLocationOrTakesAToken) {
  Gate gate(nullptr);
  std::vector<std::string> known = gate.KnownMethods();
  std::set<std::string> known_set(known.begin(), known.end());
  for (const auto* method : AllMethods()) {
    EXPECT_EQ(known_set.count(method->full_name()), 1u)
        << method->full_name()
        << ": no resource name field (parent, name, calendar, or an "
           "update's resource) and no token";
  }
}

TEST(PermissionsTest, NamesRoundTrip) {
  for (const auto& [method, permission] : MethodPermissions()) {
    std::optional<Permission> parsed =
        ParsePermission(PermissionName(permission));
    ASSERT_TRUE(parsed.has_value()) << method;
    EXPECT_EQ(*parsed, permission);
  }
  EXPECT_FALSE(ParsePermission("links.*").has_value());
}

}  // namespace
}  // namespace scheduling::auth
