// The booking page's public addresses, shared by the page and by the tools
// that hand them out (schedctl share), so that both agree on one shape:
//
//   /widget/otl/{token}?slug={slug}            a one-time link (the server
//                                              builds these URLs itself from
//                                              its --public_base_url)
//   /widget/booking/{location}/{slug}          a calendar's permanent
//                                              scheduling link
//
// The permanent link carries the location because a slug is unique only
// within its location and the API finds calendars by location (see
// README.md, "The booking page").
//
// Thread-safe: pure functions.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_ROUTES_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_ROUTES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::booking_page {

// httplib route patterns (std::regex, matched against the whole path).
// Tokens are URL-safe base64; ids and slugs are a-z, 0-9 and -, as the
// server's resource names are.
// What every link's address starts with.
inline constexpr char kLinkPathPrefix[] = "/widget/";
inline constexpr char kOneTimeLinkRoute[] = R"(/widget/otl/([A-Za-z0-9_-]+))";
inline constexpr char kPermanentLinkRoute[] =
    R"(/widget/booking/([a-z0-9][a-z0-9-]{0,62})/([a-z0-9][a-z0-9-]{0,62}))";

// "/widget/booking/{location_id}/{slug}".
std::string PermanentLinkPath(absl::string_view location_id,
                              absl::string_view slug);

// `path` with the token of a one-time link replaced by "[token]", for access
// logs: whoever holds a token can book with it.
std::string RedactedPath(absl::string_view path);

// The HTML an owner pastes into their site to embed a booking page: an
// iframe of `url` titled `title` (both escaped).
//
// Example:
//   EmbedSnippet("https://book.example/widget/booking/acme/intro", "Intro")
//   => <iframe src="https://book.example/widget/booking/acme/intro" ...>
std::string EmbedSnippet(absl::string_view url, absl::string_view title);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_ROUTES_H_
