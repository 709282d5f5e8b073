#include "server/auth/policy_source.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/observability/log.h"

namespace scheduling::auth {
namespace {

using observability::Log;
using observability::LogLevel;

// What identifies a version of the file: a ConfigMap update swaps a
// symlink, an editor rewrites in place; either changes one of these.
std::string FileStamp(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return "";
  return absl::StrCat(info.st_ino, ":", info.st_size, ":", info.st_mtim.tv_sec,
                      ".", info.st_mtim.tv_nsec);
}

}  // namespace

PolicySource::PolicySource(std::string path, absl::Duration reload_interval)
    : path_(std::move(path)), reload_interval_(reload_interval) {}

absl::StatusOr<std::unique_ptr<PolicySource>> PolicySource::Open(
    const std::string& path, absl::Duration reload_interval) {
  std::unique_ptr<PolicySource> source(new PolicySource(path, reload_interval));
  source->stamp_ = FileStamp(path);
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy =
      AccessPolicy::Load(path);
  if (!policy.ok()) return policy.status();
  Log(LogLevel::kInfo, "access policy loaded")
      .Add("path", path)
      .Add("principals", static_cast<int64_t>((*policy)->principal_count()));
  {
    absl::MutexLock lock(&source->mu_);
    source->current_ = *std::move(policy);
  }
  source->thread_ = std::thread([s = source.get()] { s->Watch(); });
  return source;
}

PolicySource::~PolicySource() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const AccessPolicy> PolicySource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

int PolicySource::reloads() const {
  absl::MutexLock lock(&mu_);
  return reloads_;
}

void PolicySource::Watch() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_), reload_interval_)) {
        return;
      }
    }
    const std::string stamp = FileStamp(path_);
    if (stamp.empty() || stamp == stamp_) continue;
    stamp_ = stamp;
    absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy =
        AccessPolicy::Load(path_);
    if (!policy.ok()) {
      Log(LogLevel::kError,
          "access policy not reloaded; the previous one stays")
          .Add("reason", policy.status().ToString());
      continue;
    }
    Log(LogLevel::kInfo, "access policy reloaded")
        .Add("path", path_)
        .Add("principals", static_cast<int64_t>((*policy)->principal_count()));
    absl::MutexLock lock(&mu_);
    current_ = *std::move(policy);
    ++reloads_;
  }
}

}  // namespace scheduling::auth
