// The booking page's static files (assets/page.js, assets/page.css),
// compiled into the binary by embed_assets.cmake and served under /static/.
//
// Thread-safe: constant data.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_ASSETS_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_ASSETS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::booking_page {

// One embedded file, as embed_assets.cmake writes it.
struct EmbeddedFile {
  const char* name;  // "page.js"
  const unsigned char* data;
  size_t size;
  const char* version;  // start of the SHA-256 of its content
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

// A static file as served.
struct Asset {
  absl::string_view content_type;
  absl::string_view body;
  absl::string_view version;
};

// The file served at /static/`name`, or nullptr.
const Asset* FindAsset(absl::string_view name);

// Where pages link `name`: "/static/page.js?v=<version>". Aborts if there is
// no such file (a page naming a missing asset is a build mistake).
std::string AssetUrl(absl::string_view name);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_ASSETS_H_
