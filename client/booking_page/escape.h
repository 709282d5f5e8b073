// Escaping for the booking page's HTML and URLs.
//
// Every value that reaches a page (calendar names, invitee names and e-mail
// addresses, link metadata, query parameters) passes through one of these;
// the page templates never concatenate an unescaped value.
//
// Thread-safe: pure functions.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_ESCAPE_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::booking_page {

// `text` safe as HTML text content and as a double- or single-quoted
// attribute value: & < > " ' become character references. Control
// characters other than tab, newline and carriage return, and byte sequences
// that are not UTF-8, become U+FFFD, so that no value can end a page early
// or confuse the browser's decoder.
//
// Example:
//   absl::StrCat("<h1>", HtmlEscape(calendar.display_name()), "</h1>")
std::string HtmlEscape(absl::string_view text);

// `text` percent-encoded for one component of a URL (a query parameter's
// name or value, or a path segment): everything but A-Z a-z 0-9 - . _ ~.
std::string UrlEscape(absl::string_view text);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_ESCAPE_H_
