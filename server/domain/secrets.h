// Link tokens and random resource ids, from the operating system's CSPRNG
// (OpenSSL's RAND_bytes).
//
// A link token is 24 random bytes (192 bits) in unpadded URL-safe base64:
// exactly 32 characters of [A-Za-z0-9_-]. Only its SHA-256 is stored, so a
// database leak does not reveal bookable links.
//
// Thread-safety: all functions are thread-safe.
#ifndef SCHEDULING_SERVER_DOMAIN_SECRETS_H_
#define SCHEDULING_SERVER_DOMAIN_SECRETS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::domain {

inline constexpr int kLinkTokenLength = 32;

// A fresh link token. Aborts the process if the CSPRNG fails, which only
// happens when the system has no entropy source at all.
std::string GenerateLinkToken();

// The token of the link named `link_name` under the server secret `secret`:
// HMAC-SHA256(secret, link_name), first 24 bytes, in the link token form.
// Deriving instead of drawing tokens lets a retried CreateOneTimeLink
// return the same token while only its hash is stored; without the secret
// the token cannot be computed from anything in the database.
std::string DeriveLinkToken(absl::string_view secret,
                            absl::string_view link_name);

// A random secret for DeriveLinkToken (32 bytes, hex), for servers started
// without one.
std::string GenerateSecret();

// Whether `token` has the shape of a link token (length and alphabet).
bool IsWellFormedLinkToken(absl::string_view token);

// Lowercase hex SHA-256 of `token`: the only form that is stored.
std::string HashLinkToken(absl::string_view token);

// A fresh resource id: 20 characters of [a-z0-9], starting with a letter
// (about 103 bits of randomness).
std::string GenerateResourceId();

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_SECRETS_H_
