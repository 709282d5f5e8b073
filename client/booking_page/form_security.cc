#include "client/booking_page/form_security.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace scheduling::booking_page {
namespace {

// Replicas' clocks may disagree a little; a token "from the future" within
// this is still accepted.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

}  // namespace

std::string RandomUrlSafeKey(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    std::cerr << "booking_page: the random generator failed\n";
    std::abort();
  }
  return absl::WebSafeBase64Escape(absl::string_view(
      reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

FormSigner::FormSigner(std::string secret, absl::Duration max_age)
    : secret_(std::move(secret)), max_age_(max_age) {}

std::string FormSigner::Mac(absl::string_view scope, absl::string_view nonce,
                            int64_t issued_seconds) const {
  // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
  const std::string message =
      absl::StrCat(scope.size(), ":", scope, ";", nonce.size(), ":", nonce, ";",
                   issued_seconds);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &mac_length);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), mac_length));
}

std::string FormSigner::Issue(absl::string_view scope, absl::string_view nonce,
                              absl::Time now) const {
  const int64_t issued = absl::ToUnixSeconds(now);
  return absl::StrCat(issued, ".", Mac(scope, nonce, issued));
}

FormSigner::Verdict FormSigner::Verify(absl::string_view token,
                                       absl::string_view scope,
                                       absl::string_view nonce,
                                       absl::Time now) const {
  const size_t dot = token.find('.');
  if (dot == absl::string_view::npos) return Verdict::kMalformed;
  int64_t issued = 0;
  if (!absl::SimpleAtoi(token.substr(0, dot), &issued)) {
    return Verdict::kMalformed;
  }
  const std::string expected = Mac(scope, nonce, issued);
  const absl::string_view given = token.substr(dot + 1);
  // Constant time: how much of a guess matched must not show in timing.
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Verdict::kForged;
  }
  const absl::Time issued_at = absl::FromUnixSeconds(issued);
  if (now - issued_at > max_age_ || issued_at - now > kClockSkew) {
    return Verdict::kExpired;
  }
  return Verdict::kValid;
}

bool IsSameSitePost(absl::string_view origin, absl::string_view sec_fetch_site,
                    absl::string_view host) {
  // Sec-Fetch-Site is the browser's own verdict (every current browser sends
  // it); only a navigation from this origin, or one the user started
  // ("none"), may post.
  if (!sec_fetch_site.empty()) {
    return sec_fetch_site == "same-origin" || sec_fetch_site == "none";
  }
  // Without it, Origin. The page's Referrer-Policy (no-referrer) makes
  // browsers send "null" with its own form posts, so "null" says nothing
  // and is left to the form token, like no Origin at all.
  if (origin.empty() || origin == "null") return true;
  // Origin is scheme://host[:port]. Compare host and port with Host, not the
  // scheme: behind a proxy that ends TLS the page itself sees plain HTTP.
  absl::string_view authority = origin;
  if (!absl::ConsumePrefix(&authority, "https://") &&
      !absl::ConsumePrefix(&authority, "http://")) {
    return false;
  }
  return !host.empty() && absl::EqualsIgnoreCase(authority, host);
}

}  // namespace scheduling::booking_page
