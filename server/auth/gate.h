// Who is calling and whether they may, and whether the call is still
// worth serving: the one call every handler makes first.
//
//   absl::StatusOr<auth::Caller> caller = gate_.Admit(*context, *request);
//   if (!caller.ok()) return ToGrpcStatus(caller.status());
//
// Admit authenticates the call (a client certificate identity from mTLS,
// else an API key in `authorization: Bearer <key>`), finds the method's
// permission from the request's type (permissions.h), reads the location
// from the request's resource name (`parent`, `name`, `calendar`, or the
// `name` of the resource an update carries), and checks the access policy.
// No credentials or unknown ones: UNAUTHENTICATED. A known principal
// without the permission there: PERMISSION_DENIED. Either way nothing has
// reached the store.
//
// Methods that take a link token (resolve, link free slots, book) or a
// booking's manage token (view, cancel, reschedule by the invitee) name no
// location: Admit checks that the caller holds links.book somewhere, and
// the handler asks Caller::MayBookOn once it knows the location. A token
// of a location the caller may not book on is answered exactly like an
// unknown token (NOT_FOUND), so a token reveals nothing across tenants.
//
// A resource name that does not parse is let through to validation, which
// refuses it (INVALID_ARGUMENT) without touching the store.
//
// A call whose deadline has passed is answered DEADLINE_EXCEEDED before
// anything else; an admitted call's deadline bounds the store's waits and
// its COMMIT for as long as the Caller lives (store/call_deadline.h).
//
// At most `max_in_flight` calls are admitted at once (a Caller holds its
// place until it goes away); one more is answered RESOURCE_EXHAUSTED at
// once, with RetryInfo, rather than queued: under a storm the server keeps
// its threads and memory and stays fast for the calls it takes.
//
// Without a policy (authentication switched off, for tests and local
// experiments only) every call is admitted and the caller is named by its
// `x-scheduling-caller` header or its address, as before.
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_AUTH_GATE_H_
#define SCHEDULING_SERVER_AUTH_GATE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "server/auth/access_policy.h"
#include "server/auth/permissions.h"
#include "server/auth/policy_source.h"
#include "server/store/call_deadline.h"

namespace scheduling::auth {

// The metadata header a calling service may set to say on whose behalf it
// calls (a user, a workflow run); recorded beside the principal, never
// trusted as an identity.
inline constexpr char kOnBehalfOfHeader[] = "x-scheduling-caller";

// An admitted call's caller.
class Caller {
 public:
  // The principal's name from the policy (what the audit trail records).
  const std::string& principal() const { return principal_; }
  // The `x-scheduling-caller` header, if sent (at most 200 printable
  // characters; anything else is dropped).
  const std::string& on_behalf_of() const { return on_behalf_of_; }

  // Whether the caller may book through links of `location_id`.
  bool MayBookOn(absl::string_view location_id) const;

 private:
  friend class Gate;
  std::string principal_;
  std::string on_behalf_of_;
  // The policy the call was admitted under, and the principal in it; null
  // when authentication is off.
  std::shared_ptr<const AccessPolicy> policy_;
  const PolicyPrincipal* who_ = nullptr;
  store::CallDeadlineScope deadline_;
  // The admitted call's place among those in flight; released on
  // destruction.
  std::unique_ptr<std::atomic<int>, void (*)(std::atomic<int>*)> place_{
      nullptr, [](std::atomic<int>* in_flight) { --*in_flight; }};
};

class Gate {
 public:
  // `policies` null switches authentication off (see above); 0 for
  // `max_in_flight` means no limit.
  explicit Gate(const PolicySource* policies, int max_in_flight = 0);

  absl::StatusOr<Caller> Admit(const grpc::ServerContextBase& context,
                               const google::protobuf::Message& request) const;

  // For the test that no method lacks a rule: the request types Admit
  // knows, by full method name.
  std::vector<std::string> KnownMethods() const;

 private:
  struct Rule {
    std::string method;
    Permission permission;
    // Fields leading to the resource name; empty for token methods.
    std::vector<const google::protobuf::FieldDescriptor*> resource_path;
  };

  const PolicySource* const policies_;
  const int max_in_flight_;
  mutable std::atomic<int> in_flight_{0};
  std::map<const google::protobuf::Descriptor*, Rule> rules_;
};

}  // namespace scheduling::auth

#endif  // SCHEDULING_SERVER_AUTH_GATE_H_
