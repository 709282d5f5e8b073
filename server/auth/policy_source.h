// The access policy in force: loaded from a file at start (a bad file is a
// start-up error) and reloaded when the file changes (a ConfigMap update,
// say). A reload that fails to parse or validate is logged and the policy
// in force stays.
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_AUTH_POLICY_SOURCE_H_
#define SCHEDULING_SERVER_AUTH_POLICY_SOURCE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/access_policy.h"

namespace scheduling::auth {

class PolicySource {
 public:
  // Loads `path` and checks it for changes every `reload_interval`.
  static absl::StatusOr<std::unique_ptr<PolicySource>> Open(
      const std::string& path, absl::Duration reload_interval);
  ~PolicySource();

  std::shared_ptr<const AccessPolicy> Current() const;

  // How many times a changed file was loaded (for tests and logs).
  int reloads() const;

 private:
  PolicySource(std::string path, absl::Duration reload_interval);
  void Watch();

  const std::string path_;
  const absl::Duration reload_interval_;
  std::string stamp_;  // the file's identity last loaded; Watch's own

  mutable absl::Mutex mu_;
  std::shared_ptr<const AccessPolicy> current_ ABSL_GUARDED_BY(mu_);
  int reloads_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace scheduling::auth

#endif  // SCHEDULING_SERVER_AUTH_POLICY_SOURCE_H_
