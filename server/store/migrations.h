// Versioned schema migrations, embedded in the binary from
// server/store/migrations/NNNN_name.sql at build time.
//
// Applied in version order, each recorded in `schema_migrations`; applying
// again is harmless. Servers starting at once, against one database or
// against different nodes of a multi-writer (Galera) cluster, take turns
// through a lease row in `schema_migration_lock` whose update replicates,
// and every step is idempotent and rerun after a race (deadlock,
// certification failure, a DDL statement that raced its twin), so they
// all end up serving one correct schema (see ApplyMigrations in
// migrations.cc).
#ifndef SCHEDULING_SERVER_STORE_MIGRATIONS_H_
#define SCHEDULING_SERVER_STORE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // statements separated by ";" at the end of a line
};

// The migrations compiled into this binary, in version order.
const std::vector<Migration>& EmbeddedMigrations();

// Applies the migrations that the database lacks; returns the versions it
// applied (empty when the schema was current).
absl::StatusOr<std::vector<int>> ApplyMigrations(ConnectionPool& pool);

// OK if the database has every migration this binary carries;
// FAILED_PRECONDITION naming the missing versions if not (a server that
// leaves migrating to `scheduling_server migrate` waits for this).
absl::Status CheckSchemaCurrent(ConnectionPool& pool);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_MIGRATIONS_H_
