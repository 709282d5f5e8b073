// Link tokens and random resource ids, from the operating system's CSPRNG
// (OpenSSL's RAND_bytes).
//
// A link token is 192 secret bits in unpadded URL-safe base64 (32
// characters of [A-Za-z0-9_-]); only its SHA-256 is stored, so a database
// leak does not reveal bookable links. Two forms resolve:
//   version 2 (what the server hands out): "2", then the location's routing
//     key (8 bytes, 11 characters), then the 32 secret characters; 44 in
//     all. The routing key is what a sharded deployment routes a
//     token-only call (resolve, book) by: docs/scaling.md.
//   version 1 (links made before version 2): the 32 secret characters.
// The lengths tell them apart; a later version takes another leading digit.
//
// Thread-safety: all functions are thread-safe.
#ifndef SCHEDULING_SERVER_DOMAIN_SECRETS_H_
#define SCHEDULING_SERVER_DOMAIN_SECRETS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::domain {

inline constexpr int kLinkTokenLength = 44;        // version 2
inline constexpr int kLegacyLinkTokenLength = 32;  // version 1
// Bytes of a location's routing key.
inline constexpr int kRoutingKeyBytes = 8;

// A fresh random token in the version 1 form (192 secret bits, 32
// characters), for tools that write links without a server. Aborts the process
// if the CSPRNG fails, which only happens when the system has no entropy source
// at all.
std::string GenerateLinkToken();

// The version 2 token of the link named `link_name` in `location_id` under
// the server secret `secret`: "2", the location's routing key, and
// HMAC-SHA256(secret, link_name), first 24 bytes. Deriving instead of
// drawing tokens lets a retried CreateOneTimeLink return the same token
// while only its hash is stored; without the secret the token cannot be
// computed from anything in the database.
std::string DeriveLinkToken(absl::string_view secret,
                            absl::string_view location_id,
                            absl::string_view link_name);

// The version 1 token of the same link (its secret part alone), which
// links made before version 2 were given and still answer to.
std::string DeriveLegacyLinkToken(absl::string_view secret,
                                  absl::string_view link_name);

// The routing key of `location_id`: the first 8 bytes of its SHA-256. A
// sharded deployment keeps a location's rows on the shard this key maps to
// (a Vitess `binary` vindex over a column holding it).
std::string LocationRoutingKey(absl::string_view location_id);

// The routing key a well-formed version 2 token carries (8 bytes), or ""
// for a version 1 token, which carries none.
std::string TokenRoutingKey(absl::string_view token);

// A random secret for DeriveLinkToken (32 bytes, hex), for servers started
// without one.
std::string GenerateSecret();

// Whether `token` has the shape of a link token of either version (length,
// alphabet, version digit).
bool IsWellFormedLinkToken(absl::string_view token);

// A booking's manage token: "m", the location's routing key (11
// characters), then HMAC-SHA256(secret, "manage " + booking_name), first 24
// bytes (32 characters); 44 in all. Derived like link tokens, so that a
// retried booking call (same request_id) returns the same token while only
// its hash is stored; the prefix keeps it apart from every link token.
inline constexpr int kManageTokenLength = 44;
std::string DeriveManageToken(absl::string_view secret,
                              absl::string_view location_id,
                              absl::string_view booking_name);

// Whether `token` has the shape of a manage token (length, alphabet, "m"
// and a well-formed routing key).
bool IsWellFormedManageToken(absl::string_view token);

// Lowercase hex SHA-256 of `token` (a link token or a manage token): the
// only form that is stored.
std::string HashLinkToken(absl::string_view token);

// A fresh resource id: 20 characters of [a-z0-9], starting with a letter
// (about 103 bits of randomness).
std::string GenerateResourceId();

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_SECRETS_H_
