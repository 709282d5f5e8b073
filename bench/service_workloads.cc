#include "bench/service_workloads.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/proto_time.h"
#include "scheduling/client/connection.h"
#include "scheduling/client/error_details.h"
#include "server/domain/secrets.h"

namespace scheduling::bench {
namespace {

// Long enough never to cut a call short under load on this machine; a
// call that takes this long shows up as DEADLINE_EXCEEDED, not a hang.
constexpr std::chrono::seconds kCallDeadline(30);

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
}

void SetInvitee(v1::BookOneTimeLinkRequest& request) {
  v1::Invitee* invitee = request.mutable_invitee();
  invitee->set_display_name(kInviteeName);
  invitee->set_email(kInviteeEmail);
}

grpc::Status Book(const ServiceStubs& stubs, int worker,
                  const std::string& token, absl::Time slot) {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = ToTimestamp(slot);
  SetInvitee(request);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::Booking booking;
  return stubs.links(worker).BookOneTimeLink(&context, request, &booking);
}

}  // namespace

ServiceStubs::ServiceStubs(const std::string& target, int channels,
                           const std::string& load_balancing_policy) {
  for (int i = 0; i < std::max(1, channels); ++i) {
    client::ConnectionOptions options;
    options.target = target;
    options.load_balancing_policy = load_balancing_policy;
    // Plain text and the API key from the environment, as bench.sh starts
    // the server (SCHEDULING_INSECURE, SCHEDULING_API_KEY).
    options.ApplyEnvironment();
    // Without this, channels with equal arguments share one subchannel,
    // i.e. one TCP connection.
    options.own_connection = true;
    std::shared_ptr<grpc::Channel> channel;
    grpc::Status connected = client::Connect(options, &channel);
    if (!connected.ok()) {
      std::fprintf(stderr, "loadgen: %s\n", connected.error_message().c_str());
      std::exit(2);
    }
    connections_.push_back({v1::OneTimeLinkService::NewStub(channel),
                            v1::CalendarService::NewStub(channel),
                            grpc::health::v1::Health::NewStub(channel)});
  }
}

v1::OneTimeLinkService::Stub& ServiceStubs::links(int worker) const {
  return *connections_[worker % connections_.size()].links;
}

v1::CalendarService::Stub& ServiceStubs::calendars(int worker) const {
  return *connections_[worker % connections_.size()].calendars;
}

grpc::health::v1::Health::Stub& ServiceStubs::health(int worker) const {
  return *connections_[worker % connections_.size()].health;
}

std::string LabelOf(const grpc::Status& status) {
  if (status.ok()) return kOk;
  std::string label = client::StatusCodeName(status.error_code());
  const std::string reason = client::ErrorReason(status);
  if (!reason.empty()) absl::StrAppend(&label, "/", reason);
  return label;
}

Operation CreateLinkCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                          int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&stubs, &fixtures, concurrency, turns](int worker) {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    v1::CreateOneTimeLinkRequest request;
    request.set_parent(calendar.name());
    grpc::ClientContext context;
    SetDeadline(context);
    v1::OneTimeLink link;
    grpc::Status status =
        stubs.links(worker).CreateOneTimeLink(&context, request, &link);
    if (status.ok()) {
      calendar.AddFreshLink(
          {link.token(), domain::HashLinkToken(link.token())});
    }
    return LabelOf(status);
  };
}

Operation ResolveLinkCalls(const ServiceStubs& stubs, const Fixtures& fixtures,
                           int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&stubs, &fixtures, turns](int worker) {
    const LinkToken& link =
        fixtures.ResolvableLink(worker, turns->Next(worker));
    v1::ResolveOneTimeLinkRequest request;
    request.set_token(link.token);
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ResolveOneTimeLinkResponse response;
    return LabelOf(
        stubs.links(worker).ResolveOneTimeLink(&context, request, &response));
  };
}

Operation BookFreshLinkCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                             int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&stubs, &fixtures, concurrency, turns](int worker) -> std::string {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    std::optional<LinkToken> link = calendar.TakeFreshLink();
    if (!link.has_value()) return kOutOfInput;
    return LabelOf(Book(stubs, worker, link->token, calendar.TakeSlot()));
  };
}

Operation BookContendedCalls(const ServiceStubs& stubs, ContendedLinks& links) {
  return [&stubs, &links](int worker) -> std::string {
    auto attempt = links.NextAttempt();
    if (!attempt.has_value()) return kOutOfInput;
    const auto& [target, index] = *attempt;
    grpc::Status status = Book(stubs, worker, target->link.token, target->slot);
    if (status.ok()) links.RecordWin(index);
    return LabelOf(status);
  };
}

Operation ListFreeSlotsCalls(const ServiceStubs& stubs,
                             const Fixtures& fixtures) {
  v1::ListFreeSlotsRequest request;
  request.set_calendar(fixtures.slots_calendar_name());
  *request.mutable_start_time() = ToTimestamp(fixtures.slots_range().start);
  *request.mutable_end_time() = ToTimestamp(fixtures.slots_range().end);
  return [&stubs, request](int worker) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListFreeSlotsResponse response;
    return LabelOf(
        stubs.calendars(worker).ListFreeSlots(&context, request, &response));
  };
}

Operation WorkflowCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                        int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&stubs, &fixtures, concurrency, turns](int worker) -> std::string {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    v1::CreateOneTimeLinkRequest create;
    create.set_parent(calendar.name());
    v1::OneTimeLink link;
    grpc::ClientContext create_context;
    SetDeadline(create_context);
    grpc::Status status =
        stubs.links(worker).CreateOneTimeLink(&create_context, create, &link);
    if (!status.ok()) return "create:" + LabelOf(status);

    v1::ResolveOneTimeLinkRequest resolve;
    resolve.set_token(link.token());
    v1::ResolveOneTimeLinkResponse resolved;
    grpc::ClientContext resolve_context;
    SetDeadline(resolve_context);
    status = stubs.links(worker).ResolveOneTimeLink(&resolve_context, resolve,
                                                    &resolved);
    if (!status.ok()) return "resolve:" + LabelOf(status);

    status = Book(stubs, worker, link.token(), calendar.TakeSlot());
    if (!status.ok()) return "book:" + LabelOf(status);
    return kOk;
  };
}

Operation HealthCheckCalls(const ServiceStubs& stubs) {
  return [&stubs](int worker) {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    return LabelOf(stubs.health(worker).Check(&context, request, &response));
  };
}

}  // namespace scheduling::bench
