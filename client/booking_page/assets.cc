#include "client/booking_page/assets.h"

#include <cstdlib>
#include <iostream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace scheduling::booking_page {
namespace {

absl::string_view ContentTypeOf(absl::string_view name) {
  if (absl::EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (absl::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

struct NamedAsset {
  absl::string_view name;
  Asset asset;
};

const std::vector<NamedAsset>& AllAssets() {
  static const auto* const assets = [] {
    auto* list = new std::vector<NamedAsset>();
    for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const EmbeddedFile& file = kEmbeddedFiles[i];
      list->push_back(
          {file.name,
           {ContentTypeOf(file.name),
            absl::string_view(reinterpret_cast<const char*>(file.data),
                              file.size),
            file.version}});
    }
    return list;
  }();
  return *assets;
}

}  // namespace

const Asset* FindAsset(absl::string_view name) {
  for (const NamedAsset& named : AllAssets()) {
    if (named.name == name) return &named.asset;
  }
  return nullptr;
}

std::string AssetUrl(absl::string_view name) {
  const Asset* asset = FindAsset(name);
  if (asset == nullptr) {
    std::cerr << "booking_page: no embedded asset " << name << "\n";
    std::abort();
  }
  return absl::StrCat("/static/", name, "?v=", asset->version);
}

}  // namespace scheduling::booking_page
