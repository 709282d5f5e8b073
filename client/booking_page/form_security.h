// What makes the booking form safe to post: a signed per-form token against
// cross-site forgery, random keys, and the origin check.
//
// The page keeps no session and sets no cookie, so that it works the same
// embedded in another site's iframe (where browsers withhold SameSite
// cookies and, increasingly, all third-party cookies). Instead each form
// carries an HMAC, under the page's secret, of where it posts (its scope),
// its idempotency key and when it was issued; a POST is accepted only with
// a valid, unexpired one, and only from a page of this site (Origin and
// Sec-Fetch-Site, which browsers set and scripts cannot forge).
//
// Thread-safe: FormSigner is immutable after construction.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_FORM_SECURITY_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_FORM_SECURITY_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace scheduling::booking_page {

// `bytes` random bytes from OpenSSL's CSPRNG as URL-safe base64 without
// padding (16 bytes: 22 characters of A-Z a-z 0-9 - _, which the server
// also accepts as a request_id). Aborts if the CSPRNG fails: nothing the
// page could do without randomness would be safe.
std::string RandomUrlSafeKey(size_t bytes = 16);

// Issues and verifies form tokens.
class FormSigner {
 public:
  enum class Verdict { kValid, kMalformed, kForged, kExpired };

  // `secret`: at least 16 bytes, the same on every replica that may receive
  // the POST of a form another one rendered. `max_age`: how long a rendered
  // form stays postable.
  FormSigner(std::string secret, absl::Duration max_age);

  // The token for a form issued at `now` that posts to `scope` (e.g. the
  // link's path) with idempotency key `nonce`.
  std::string Issue(absl::string_view scope, absl::string_view nonce,
                    absl::Time now) const;

  // Whether `token` was issued by this secret for exactly this scope and
  // nonce, no longer than max_age before `now` (and not in the future
  // beyond a few minutes of clock skew between replicas).
  Verdict Verify(absl::string_view token, absl::string_view scope,
                 absl::string_view nonce, absl::Time now) const;

 private:
  std::string Mac(absl::string_view scope, absl::string_view nonce,
                  int64_t issued_seconds) const;

  std::string secret_;
  absl::Duration max_age_;
};

// Whether a POST came from a page of this site, judged by its headers
// (empty when absent): Sec-Fetch-Site first, else `origin` (Origin) against
// `host` (Host). Requests with neither, or with Origin "null" (what
// browsers send for the page's own posts under Referrer-Policy
// no-referrer, when they send no Sec-Fetch-Site), are left to the form
// token.
bool IsSameSitePost(absl::string_view origin, absl::string_view sec_fetch_site,
                    absl::string_view host);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_FORM_SECURITY_H_
