// The workloads as a client of the service sees them: one Operation per
// workload, each a call (or, for the workflow, three calls) through the
// generated client stubs, labelled by how it ended.
//
// Thread-safety: the Operations are safe to run from many workers at once;
// ServiceStubs is immutable after construction.
#ifndef SCHEDULING_BENCH_SERVICE_WORKLOADS_H_
#define SCHEDULING_BENCH_SERVICE_WORKLOADS_H_

#include <memory>
#include <string>
#include <vector>

#include "bench/fixtures.h"
#include "bench/load_generator.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"

namespace scheduling::bench {

// Stubs over `channels` separate channels to the service; worker w uses
// channel w % channels, as a fleet of client processes would spread over
// several connections rather than share one. `target` is "host:port",
// or several servers ("ipv4:127.0.0.1:P1,127.0.0.1:P2" or a "dns:///" name
// with several addresses); `load_balancing_policy` ("round_robin") then
// spreads each channel's calls over all of them, one connection each.
class ServiceStubs {
 public:
  ServiceStubs(const std::string& target, int channels,
               const std::string& load_balancing_policy = "");

  v1::OneTimeLinkService::Stub& links(int worker) const;
  v1::CalendarService::Stub& calendars(int worker) const;
  grpc::health::v1::Health::Stub& health(int worker) const;

 private:
  struct Connection {
    std::unique_ptr<v1::OneTimeLinkService::Stub> links;
    std::unique_ptr<v1::CalendarService::Stub> calendars;
    std::unique_ptr<grpc::health::v1::Health::Stub> health;
  };
  std::vector<Connection> connections_;
};

// The label of a finished call: "OK", or the status code's name followed
// by the ErrorInfo reason if there is one ("FAILED_PRECONDITION/LINK_USED").
std::string LabelOf(const grpc::Status& status);

// CreateOneTimeLink on the worker's calendars. The links made are handed
// to their calendar's fresh links, for the booking workloads.
Operation CreateLinkCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                          int concurrency);
// ResolveOneTimeLink on existing, unused links.
Operation ResolveLinkCalls(const ServiceStubs& stubs, const Fixtures& fixtures,
                           int concurrency);
// BookOneTimeLink, each call on a fresh link and a slot of its own.
Operation BookFreshLinkCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                             int concurrency);
// BookOneTimeLink, many callers per link (see ContendedLinks).
Operation BookContendedCalls(const ServiceStubs& stubs, ContendedLinks& links);
// CalendarService.ListFreeSlots over 31 days of the slots calendar.
Operation ListFreeSlotsCalls(const ServiceStubs& stubs,
                             const Fixtures& fixtures);
// What a workflow engine and an invitee do: create a link, resolve it,
// book through it. One operation is the three calls.
Operation WorkflowCalls(const ServiceStubs& stubs, Fixtures& fixtures,
                        int concurrency);
// grpc.health.v1.Health/Check: the RPC path alone, no database.
Operation HealthCheckCalls(const ServiceStubs& stubs);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_SERVICE_WORKLOADS_H_
