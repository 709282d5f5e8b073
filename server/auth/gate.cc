#include "server/auth/gate.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/grpc_security_constants.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/domain/names.h"

namespace scheduling::auth {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr const char* kServices[] = {
    "scheduling.v1.CalendarService",
    "scheduling.v1.OneTimeLinkService",
};
constexpr size_t kMaxOnBehalfOf = 200;

// Where a request names its resource: the first of these string fields;
// for an update, the `name` inside the resource it carries.
std::vector<const FieldDescriptor*> ResourcePath(const Descriptor& request) {
  for (const char* field : {"parent", "name", "calendar"}) {
    const FieldDescriptor* found = request.FindFieldByName(field);
    if (found != nullptr && found->type() == FieldDescriptor::TYPE_STRING &&
        !found->is_repeated()) {
      return {found};
    }
  }
  for (int i = 0; i < request.field_count(); ++i) {
    const FieldDescriptor* field = request.field(i);
    if (field->type() != FieldDescriptor::TYPE_MESSAGE ||
        field->is_repeated()) {
      continue;
    }
    const FieldDescriptor* name =
        field->message_type()->FindFieldByName("name");
    if (name != nullptr && name->type() == FieldDescriptor::TYPE_STRING &&
        absl::StartsWith(field->message_type()->full_name(), "scheduling.")) {
      return {field, name};
    }
  }
  return {};
}

std::string ResourceName(const google::protobuf::Message& request,
                         const std::vector<const FieldDescriptor*>& path) {
  const google::protobuf::Message* message = &request;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const google::protobuf::Reflection* reflection = message->GetReflection();
    if (!reflection->HasField(*message, path[i])) return "";
    message = &reflection->GetMessage(*message, path[i]);
  }
  return message->GetReflection()->GetString(*message, path.back());
}

// "locations/{id}/..." → id, if well formed.
std::optional<std::string> LocationOf(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2 || parts[0] != "locations" ||
      !domain::IsValidId(parts[1])) {
    return std::nullopt;
  }
  return std::string(parts[1]);
}

std::string Metadata(const grpc::ServerContextBase& context,
                     absl::string_view key) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (found == metadata.end()) return "";
  return std::string(found->second.data(), found->second.size());
}

std::string OnBehalfOf(const grpc::ServerContextBase& context) {
  std::string value = Metadata(context, kOnBehalfOfHeader);
  if (value.size() > kMaxOnBehalfOf) return "";
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return "";
  }
  return value;
}

// The identities a verified client certificate carries: SPIFFE id, URI
// and DNS SANs, then the subject's common name.
std::vector<std::string> CertificateIdentities(
    const grpc::ServerContextBase& context) {
  std::vector<std::string> identities;
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return identities;
  for (const char* property :
       {GRPC_PEER_SPIFFE_ID_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME,
        GRPC_PEER_DNS_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME,
        GRPC_X509_CN_PROPERTY_NAME}) {
    for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
      identities.emplace_back(value.data(), value.size());
    }
  }
  return identities;
}

}  // namespace

bool Caller::MayBookOn(absl::string_view location_id) const {
  return who_ == nullptr ? policy_ == nullptr
                         : who_->Allows(Permission::kLinksBook, location_id);
}

Gate::Gate(const PolicySource* policies, int max_in_flight)
    : policies_(policies), max_in_flight_(max_in_flight) {
  // The API's descriptors are in the pool once their files are linked in.
  (void)v1::CreateCalendarRequest::descriptor();
  (void)v1::CreateOneTimeLinkRequest::descriptor();
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const char* service_name : kServices) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(service_name);
    if (service == nullptr) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      auto permission = MethodPermissions().find(method->full_name());
      if (permission == MethodPermissions().end()) continue;
      Rule rule;
      rule.method = method->full_name();
      rule.permission = permission->second;
      if (method->input_type()->FindFieldByName("token") == nullptr &&
          method->input_type()->FindFieldByName("manage_token") == nullptr) {
        rule.resource_path = ResourcePath(*method->input_type());
      }
      rules_.emplace(method->input_type(), std::move(rule));
    }
  }
}

std::vector<std::string> Gate::KnownMethods() const {
  std::vector<std::string> methods;
  for (const auto& [type, rule] : rules_) {
    if (rule.permission != Permission::kLinksBook &&
        rule.resource_path.empty()) {
      continue;  // a rule that could never find its location
    }
    methods.push_back(rule.method);
  }
  return methods;
}

absl::StatusOr<Caller> Gate::Admit(
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request) const {
  const absl::Time deadline = absl::FromChrono(context.deadline());
  if (deadline <= absl::Now()) {
    return absl::DeadlineExceededError(
        "the call's deadline passed before it was served");
  }
  Caller caller;
  if (++in_flight_ > max_in_flight_ && max_in_flight_ > 0) {
    --in_flight_;
    return absl::ResourceExhaustedError(
        "the server is at its limit of calls in flight; retry after the "
        "delay in RetryInfo");
  }
  caller.place_.reset(&in_flight_);
  caller.deadline_ = store::CallDeadlineScope(deadline);
  caller.on_behalf_of_ = OnBehalfOf(context);
  if (policies_ == nullptr) {
    caller.principal_ = !caller.on_behalf_of_.empty()
                            ? caller.on_behalf_of_
                            : std::string(context.peer());
    return caller;
  }
  auto rule = rules_.find(request.GetDescriptor());
  if (rule == rules_.end()) {
    // Every method has a rule (tests/unit/auth checks the table); a request
    // type without one is a programming error, refused rather than let by.
    return absl::PermissionDeniedError("this method has no access rule");
  }

  caller.policy_ = policies_->Current();
  const AccessPolicy& policy = *caller.policy_;
  const std::vector<std::string> identities = CertificateIdentities(context);
  for (const std::string& identity : identities) {
    caller.who_ = policy.FindByCertificateIdentity(identity);
    if (caller.who_ != nullptr) break;
  }
  if (caller.who_ == nullptr) {
    const std::string authorization = Metadata(context, "authorization");
    constexpr absl::string_view kBearer = "bearer ";
    if (authorization.size() > kBearer.size() &&
        absl::EqualsIgnoreCase(authorization.substr(0, kBearer.size()),
                               kBearer)) {
      caller.who_ = policy.FindByApiKey(
          absl::string_view(authorization).substr(kBearer.size()));
      if (caller.who_ == nullptr) {
        return absl::UnauthenticatedError("unknown API key");
      }
    } else if (!identities.empty()) {
      return absl::UnauthenticatedError(
          "the client certificate's identities are not in the access policy");
    } else {
      return absl::UnauthenticatedError(
          "no credentials: present a client certificate or an API key "
          "(authorization: Bearer <key>)");
    }
  }
  caller.principal_ = caller.who_->name();

  const Permission permission = rule->second.permission;
  if (rule->second.resource_path.empty()) {
    // A token method: the link's location is checked by the handler.
    if (!caller.who_->AllowsSomewhere(permission)) {
      return absl::PermissionDeniedError(
          absl::StrCat("principal \"", caller.principal_, "\" may not ",
                       PermissionName(permission), " anywhere"));
    }
    return caller;
  }
  std::optional<std::string> location =
      LocationOf(ResourceName(request, rule->second.resource_path));
  if (!location.has_value()) {
    // Malformed: validation refuses it before anything reaches the store,
    // but only for a caller who could call this method somewhere.
    if (!caller.who_->AllowsSomewhere(permission)) {
      return absl::PermissionDeniedError(
          absl::StrCat("principal \"", caller.principal_, "\" may not ",
                       PermissionName(permission), " anywhere"));
    }
    return caller;
  }
  if (!caller.who_->Allows(permission, *location)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "principal \"", caller.principal_, "\" may not ",
        PermissionName(permission), " on location \"", *location, "\""));
  }
  return caller;
}

}  // namespace scheduling::auth
