#include "client/booking_page/routes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/booking_page/escape.h"

namespace scheduling::booking_page {
namespace {

constexpr absl::string_view kOneTimeLinkPrefix = "/widget/otl/";

}  // namespace

std::string PermanentLinkPath(absl::string_view location_id,
                              absl::string_view slug) {
  return absl::StrCat("/widget/booking/", UrlEscape(location_id), "/",
                      UrlEscape(slug));
}

std::string RedactedPath(absl::string_view path) {
  if (!absl::StartsWith(path, kOneTimeLinkPrefix)) return std::string(path);
  // Whatever follows the prefix up to the next slash is (or pretends to be)
  // a token; an attempt with a mistyped token is no less secret.
  const size_t end = path.find('/', kOneTimeLinkPrefix.size());
  return absl::StrCat(kOneTimeLinkPrefix, "[token]",
                      end == absl::string_view::npos ? "" : path.substr(end));
}

std::string EmbedSnippet(absl::string_view url, absl::string_view title) {
  // The height fits a week of slots and the form without an inner scroll
  // bar on most screens; the owner may change it. No sandbox attribute: the
  // page needs its script and its form, and sandboxing would send the form's
  // POST with Origin "null", which the page refuses.
  return absl::StrCat("<iframe src=\"", HtmlEscape(url), "\" title=\"",
                      HtmlEscape(title),
                      "\" width=\"100%\" height=\"760\" loading=\"lazy\" "
                      "style=\"border:0;max-width:720px\"></iframe>");
}

}  // namespace scheduling::booking_page
