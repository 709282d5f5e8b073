// AccessPolicy::Parse on arbitrary text (the policy file is operator input,
// reloaded while the server runs, so a bad one must be refused, never
// crash it). Beyond that: a policy it accepts answers as written, i.e.
// every certificate identity proves its principal and every grant allows
// its role's permissions on its locations.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "scheduling/auth/v1/access_policy.pb.h"
#include "server/auth/access_policy.h"
#include "server/auth/permissions.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "accepted policy answers wrongly: %s\n", what.c_str());
  std::abort();
}

void CheckAnswersAsWritten(const scheduling::auth::AccessPolicy& policy,
                           const std::string& json) {
  namespace v1 = scheduling::auth::v1;
  v1::AccessPolicy written;
  if (!google::protobuf::util::JsonStringToMessage(json, &written).ok()) {
    Fail("the JSON does not parse a second time");
  }
  for (const v1::Principal& principal : written.principals()) {
    for (const std::string& identity : principal.certificate_identities()) {
      const scheduling::auth::PolicyPrincipal* who =
          policy.FindByCertificateIdentity(identity);
      if (who == nullptr || who->name() != principal.name()) {
        Fail("identity " + identity + " does not prove " + principal.name());
      }
      for (const v1::Grant& grant : principal.grants()) {
        for (const v1::Role& role : written.roles()) {
          if (role.name() != grant.role()) continue;
          for (const std::string& name : role.permissions()) {
            const scheduling::auth::Permission permission =
                *scheduling::auth::ParsePermission(name);
            for (const std::string& location : grant.locations()) {
              if (!who->Allows(permission, location) ||
                  !who->AllowsSomewhere(permission)) {
                Fail(principal.name() + " lacks " + name + " on " + location);
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::shared_ptr<const scheduling::auth::AccessPolicy>> policy =
      scheduling::auth::AccessPolicy::Parse(json);
  if (!policy.ok()) return 0;
  // Lookups with what a caller controls: the key and the identity it sends.
  (void)(*policy)->FindByApiKey(json);
  (void)(*policy)->FindByCertificateIdentity(json);
  CheckAnswersAsWritten(**policy, json);
  return 0;
}
