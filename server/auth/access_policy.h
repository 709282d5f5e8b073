// The access policy (protos/scheduling/auth/v1/access_policy.proto),
// parsed from JSON, validated, and indexed for the checks every call makes:
// which principal an API key or a certificate identity proves, and whether
// that principal holds a permission on a location.
//
// Example:
//   absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy =
//       AccessPolicy::Load("/etc/scheduling/policy.json");
//   const PolicyPrincipal* who = (*policy)->FindByApiKey(key);
//   if (who != nullptr && who->Allows(Permission::kLinksBook, "acme")) ...
//
// Thread-safety: an AccessPolicy is immutable once built; share it freely.
#ifndef SCHEDULING_SERVER_AUTH_ACCESS_POLICY_H_
#define SCHEDULING_SERVER_AUTH_ACCESS_POLICY_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/permissions.h"

namespace scheduling::auth {

// A principal with its grants resolved to permissions per location.
class PolicyPrincipal {
 public:
  const std::string& name() const { return name_; }

  // Whether the principal holds `permission` on `location_id`.
  bool Allows(Permission permission, absl::string_view location_id) const;
  // Whether it holds `permission` on any location at all.
  bool AllowsSomewhere(Permission permission) const;

 private:
  friend class AccessPolicy;
  std::string name_;
  // Location id ("*" for all) → permissions there.
  std::map<std::string, std::set<Permission>, std::less<>> grants_;
};

class AccessPolicy {
 public:
  // Parses and validates `json`; INVALID_ARGUMENT naming the first problem
  // ("principals[1].grants[0].role: no role \"x\"").
  static absl::StatusOr<std::shared_ptr<const AccessPolicy>> Parse(
      absl::string_view json);
  // The same for the file at `path` (its errors name the path).
  static absl::StatusOr<std::shared_ptr<const AccessPolicy>> Load(
      const std::string& path);

  // The principal whose API key is `api_key`, or null. Compares the key's
  // SHA-256 with every known hash in constant time, so neither timing nor
  // the order of the policy reveals which keys are close.
  const PolicyPrincipal* FindByApiKey(absl::string_view api_key) const;
  // The principal a certificate identity (URI or DNS SAN) proves, or null.
  const PolicyPrincipal* FindByCertificateIdentity(
      absl::string_view identity) const;

  size_t principal_count() const { return principals_.size(); }

 private:
  AccessPolicy() = default;
  std::vector<std::unique_ptr<PolicyPrincipal>> principals_;
  // SHA-256 digests (32 bytes) of API keys and their principals.
  std::vector<std::pair<std::string, const PolicyPrincipal*>> key_hashes_;
  std::map<std::string, const PolicyPrincipal*, std::less<>> identities_;
};

// The SHA-256 of `api_key` in lowercase hex: what a policy stores.
std::string ApiKeyHash(absl::string_view api_key);

}  // namespace scheduling::auth

#endif  // SCHEDULING_SERVER_AUTH_ACCESS_POLICY_H_
