#include "server/domain/secrets.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace scheduling::domain {
namespace {

template <size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(N)) != 1) {
    std::fputs("fatal: CSPRNG failed\n", stderr);
    std::abort();
  }
  return bytes;
}

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string GenerateLinkToken() {
  const auto bytes = RandomBytes<24>();
  return absl::WebSafeBase64Escape(absl::string_view(
      reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string DeriveLegacyLinkToken(absl::string_view secret,
                                  absl::string_view link_name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(link_name.data()),
       link_name.size(), digest, &digest_size);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), 24));
}

std::string LocationRoutingKey(absl::string_view location_id) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(location_id.data()),
         location_id.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), kRoutingKeyBytes);
}

std::string DeriveLinkToken(absl::string_view secret,
                            absl::string_view location_id,
                            absl::string_view link_name) {
  return absl::StrCat(
      "2", absl::WebSafeBase64Escape(LocationRoutingKey(location_id)),
      DeriveLegacyLinkToken(secret, link_name));
}

namespace {

// The routing key in characters 1 to 11 of a 44-character token, or "".
std::string RoutingKeyAfterVersion(absl::string_view token) {
  const absl::string_view encoded =
      token.substr(1, kLinkTokenLength - kLegacyLinkTokenLength - 1);
  std::string key;
  // Only the one spelling of each key: 11 characters hold 66 bits, and a
  // decoder would ignore the last character's two unused ones.
  if (!absl::WebSafeBase64Unescape(encoded, &key) ||
      key.size() != static_cast<size_t>(kRoutingKeyBytes) ||
      absl::WebSafeBase64Escape(key) != encoded) {
    return "";
  }
  return key;
}

}  // namespace

std::string TokenRoutingKey(absl::string_view token) {
  if (token.size() != static_cast<size_t>(kLinkTokenLength) ||
      token[0] != '2') {
    return "";
  }
  return RoutingKeyAfterVersion(token);
}

std::string DeriveManageToken(absl::string_view secret,
                              absl::string_view location_id,
                              absl::string_view booking_name) {
  return absl::StrCat(
      "m", absl::WebSafeBase64Escape(LocationRoutingKey(location_id)),
      DeriveLegacyLinkToken(secret, absl::StrCat("manage ", booking_name)));
}

bool IsWellFormedManageToken(absl::string_view token) {
  if (token.size() != static_cast<size_t>(kManageTokenLength) ||
      token[0] != 'm' || RoutingKeyAfterVersion(token).empty()) {
    return false;
  }
  for (char c : token) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string GenerateSecret() {
  const auto bytes = RandomBytes<32>();
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool IsWellFormedLinkToken(absl::string_view token) {
  if (token.size() == static_cast<size_t>(kLinkTokenLength)) {
    if (TokenRoutingKey(token).empty()) return false;
  } else if (token.size() != static_cast<size_t>(kLegacyLinkTokenLength)) {
    return false;
  }
  for (char c : token) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string HashLinkToken(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string GenerateResourceId() {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  const auto bytes = RandomBytes<20>();
  std::string id;
  id.reserve(bytes.size());
  // Modulo bias is irrelevant here: ids need uniqueness, not secrecy.
  id.push_back(kLetters[bytes[0] % 26]);
  for (size_t i = 1; i < bytes.size(); ++i)
    id.push_back(kAlphabet[bytes[i] % 36]);
  return id;
}

}  // namespace scheduling::domain
