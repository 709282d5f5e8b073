#include "server/auth/access_policy.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "scheduling/auth/v1/access_policy.pb.h"
#include "server/domain/names.h"

namespace scheduling::auth {
namespace {

constexpr char kWildcard[] = "*";
constexpr size_t kMaxName = 200;

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::Status Invalid(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace

bool PolicyPrincipal::Allows(Permission permission,
                             absl::string_view location_id) const {
  for (absl::string_view where : {location_id, absl::string_view(kWildcard)}) {
    auto found = grants_.find(where);
    if (found != grants_.end() && found->second.count(permission) > 0) {
      return true;
    }
  }
  return false;
}

bool PolicyPrincipal::AllowsSomewhere(Permission permission) const {
  for (const auto& [location, permissions] : grants_) {
    if (permissions.count(permission) > 0) return true;
  }
  return false;
}

std::string ApiKeyHash(absl::string_view api_key) {
  return absl::BytesToHexString(Sha256(api_key));
}

absl::StatusOr<std::shared_ptr<const AccessPolicy>> AccessPolicy::Parse(
    absl::string_view json) {
  v1::AccessPolicy proto;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(std::string(json), &proto,
                                                  options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an access policy: ", parsed.message().as_string()));
  }

  std::map<std::string, std::set<Permission>> roles;
  for (int r = 0; r < proto.roles_size(); ++r) {
    const v1::Role& role = proto.roles(r);
    const std::string where = absl::StrCat("roles[", r, "]");
    if (role.name().empty() || role.name().size() > kMaxName) {
      return Invalid(where, "a role needs a name of 1 to 200 characters");
    }
    if (roles.count(role.name()) > 0) {
      return Invalid(
          where, absl::StrCat("role \"", role.name(), "\" is defined twice"));
    }
    if (role.permissions().empty()) {
      return Invalid(where, "a role needs at least one permission");
    }
    std::set<Permission>& permissions = roles[role.name()];
    for (int p = 0; p < role.permissions_size(); ++p) {
      std::optional<Permission> permission =
          ParsePermission(role.permissions(p));
      if (!permission.has_value()) {
        return Invalid(
            absl::StrCat(where, ".permissions[", p, "]"),
            absl::StrCat("no permission \"", role.permissions(p),
                         "\" (calendars.read, calendars.write, links.create, "
                         "links.read, links.revoke, links.book, "
                         "bookings.read, bookings.write, events.read)"));
      }
      permissions.insert(*permission);
    }
  }

  std::shared_ptr<AccessPolicy> policy(new AccessPolicy());
  std::set<std::string> names;
  std::map<std::string, std::string> key_owners;
  for (int i = 0; i < proto.principals_size(); ++i) {
    const v1::Principal& from = proto.principals(i);
    const std::string where = absl::StrCat("principals[", i, "]");
    if (from.name().empty() || from.name().size() > kMaxName) {
      return Invalid(where, "a principal needs a name of 1 to 200 characters");
    }
    if (!names.insert(from.name()).second) {
      return Invalid(where, absl::StrCat("principal \"", from.name(),
                                         "\" is defined twice"));
    }
    if (from.certificate_identities().empty() &&
        from.api_key_sha256().empty()) {
      return Invalid(where,
                     "a principal needs a certificate identity or an API key "
                     "hash to be recognised by");
    }
    auto principal = std::make_unique<PolicyPrincipal>();
    principal->name_ = from.name();
    for (int k = 0; k < from.api_key_sha256_size(); ++k) {
      const std::string& hex = from.api_key_sha256(k);
      const std::string at = absl::StrCat(where, ".api_key_sha256[", k, "]");
      if (hex.size() != 64 || !IsLowerHex(hex)) {
        return Invalid(at,
                       "not a SHA-256 in lowercase hex (64 characters); "
                       "make one with: printf %s \"$KEY\" | sha256sum");
      }
      if (!key_owners.emplace(hex, from.name()).second) {
        return Invalid(at, absl::StrCat("the same key hash is already given "
                                        "to principal \"",
                                        key_owners[hex], "\""));
      }
      policy->key_hashes_.emplace_back(absl::HexStringToBytes(hex),
                                       principal.get());
    }
    for (int c = 0; c < from.certificate_identities_size(); ++c) {
      const std::string& identity = from.certificate_identities(c);
      const std::string at =
          absl::StrCat(where, ".certificate_identities[", c, "]");
      if (identity.empty() || identity.size() > 1024) {
        return Invalid(at, "an identity is 1 to 1024 characters");
      }
      if (!policy->identities_.emplace(identity, principal.get()).second) {
        return Invalid(at, absl::StrCat("identity \"", identity,
                                        "\" already proves another "
                                        "principal"));
      }
    }
    for (int g = 0; g < from.grants_size(); ++g) {
      const v1::Grant& grant = from.grants(g);
      const std::string at = absl::StrCat(where, ".grants[", g, "]");
      auto role = roles.find(grant.role());
      if (role == roles.end()) {
        return Invalid(at, absl::StrCat("no role \"", grant.role(), "\""));
      }
      if (grant.locations().empty()) {
        return Invalid(at, "a grant needs locations (ids, or \"*\" for all)");
      }
      for (int l = 0; l < grant.locations_size(); ++l) {
        const std::string& location = grant.locations(l);
        if (location != kWildcard && !domain::IsValidId(location)) {
          return Invalid(
              absl::StrCat(at, ".locations[", l, "]"),
              absl::StrCat("not a location id or \"*\": \"", location, "\""));
        }
        principal->grants_[location].insert(role->second.begin(),
                                            role->second.end());
      }
    }
    policy->principals_.push_back(std::move(principal));
  }
  return std::shared_ptr<const AccessPolicy>(std::move(policy));
}

absl::StatusOr<std::shared_ptr<const AccessPolicy>> AccessPolicy::Load(
    const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("access policy ", path, ": cannot read the file"));
  }
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy =
      Parse(text.str());
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("access policy ", path, ": ", policy.status().message()));
  }
  return policy;
}

const PolicyPrincipal* AccessPolicy::FindByApiKey(
    absl::string_view api_key) const {
  const std::string digest = Sha256(api_key);
  const PolicyPrincipal* found = nullptr;
  // No early exit: every hash is compared.
  for (const auto& [hash, principal] : key_hashes_) {
    if (CRYPTO_memcmp(hash.data(), digest.data(), digest.size()) == 0) {
      found = principal;
    }
  }
  return found;
}

const PolicyPrincipal* AccessPolicy::FindByCertificateIdentity(
    absl::string_view identity) const {
  auto found = identities_.find(identity);
  return found == identities_.end() ? nullptr : found->second;
}

}  // namespace scheduling::auth
