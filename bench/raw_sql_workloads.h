// The raw-SQL baselines: for each workload, the statements and
// transactions the service's store runs for it (server/store/*.cc at the
// commit measured), issued from the benchmark process through
// Connector/C++, with no gRPC, no validation and no domain logic.
//
// They run on a store::ConnectionPool, so sessions are set up exactly as
// the server's (UTC, READ COMMITTED, lock wait timeout, utf8mb4) and
// statements are prepared once per connection, as the server's are. The
// pool is as large as the concurrency, so no call ever waits for a
// connection: this is what the database itself sustains at that many
// calls in flight.
//
// When the store changes its statements, change these too. The report
// shows SQL statements per operation for both sides, so a baseline that
// has drifted from the service is visible there.
//
// Thread-safety: the Operations are safe to run from many workers at once.
#ifndef SCHEDULING_BENCH_RAW_SQL_WORKLOADS_H_
#define SCHEDULING_BENCH_RAW_SQL_WORKLOADS_H_

#include "bench/fixtures.h"
#include "bench/load_generator.h"
#include "server/store/connection_pool.h"

namespace scheduling::bench {

// LinkStore::Create for one plain link: START TRANSACTION; read the
// calendar; insert the link; append its CREATED event to the location's
// outbox (bump and read the head row, insert the event); COMMIT.
Operation RawCreateLink(store::ConnectionPool& pool, Fixtures& fixtures,
                        int concurrency);
// LinkStore::GetByTokenHash: one point lookup joining link and calendar.
Operation RawResolveLink(store::ConnectionPool& pool, const Fixtures& fixtures,
                         int concurrency);
// LinkStore::BookThroughLink on a fresh link and slot: START TRANSACTION;
// lock the link by token hash; lock and read the calendar; read the
// bookings around the slot; insert the booking; bump the calendar's
// booking revision; record the link's use and its audit row; append the
// USED event; COMMIT.
Operation RawBookFreshLink(store::ConnectionPool& pool, Fixtures& fixtures,
                           int concurrency);
// The same transaction on contended links; a link found used is rolled
// back, as the service does.
Operation RawBookContended(store::ConnectionPool& pool, ContendedLinks& links);
// BookingStore::GetWithContext for 31 days once the calendar's bookings
// are cached: the calendar's row alone.
Operation RawListFreeSlots(store::ConnectionPool& pool,
                           const Fixtures& fixtures);
// Create, resolve and book, as the workflow workload does.
Operation RawWorkflow(store::ConnectionPool& pool, Fixtures& fixtures,
                      int concurrency);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_RAW_SQL_WORKLOADS_H_
