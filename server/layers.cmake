# Store, API and server targets (included from server/CMakeLists.txt).

# Embed the SQL migrations into the binary so a deployed server needs no
# files beside it. Re-runs when a migration changes or is added.
file(GLOB SCHEDULING_MIGRATION_FILES CONFIGURE_DEPENDS
  "${CMAKE_CURRENT_SOURCE_DIR}/store/migrations/*.sql")
list(SORT SCHEDULING_MIGRATION_FILES)
set(EMBEDDED_MIGRATIONS "${CMAKE_CURRENT_BINARY_DIR}/embedded_migrations.cc")
set(_migrations_body "")
foreach(_file IN LISTS SCHEDULING_MIGRATION_FILES)
  get_filename_component(_name "${_file}" NAME_WE)
  string(REGEX MATCH "^[0-9]+" _version "${_name}")
  math(EXPR _version "${_version} + 0")
  file(READ "${_file}" _sql)
  string(APPEND _migrations_body
    "      {${_version}, \"${_name}\", R\"scheduling_sql(${_sql})scheduling_sql\"},\n")
endforeach()
file(CONFIGURE OUTPUT "${EMBEDDED_MIGRATIONS}" CONTENT [=[
// Generated from server/store/migrations/*.sql by server/layers.cmake.
#include "server/store/migrations.h"

namespace scheduling::store {

const std::vector<Migration>& EmbeddedMigrations() {
  static const auto* migrations = new std::vector<Migration>{
@_migrations_body@  };
  return *migrations;
}

}  // namespace scheduling::store
]=] @ONLY)

# Metrics, log lines and the per-RPC interceptor: one leaf that every layer
# may count and log through (its headers name no Prometheus type).
add_library(scheduling_observability
  observability/log.cc
  observability/metrics.cc
  observability/rpc_interceptor.cc
)
target_include_directories(scheduling_observability PUBLIC "${PROJECT_SOURCE_DIR}")
target_link_libraries(scheduling_observability
  PUBLIC absl::status absl::statusor absl::strings absl::time gRPC::grpc++
  PRIVATE prometheus-cpp::core prometheus-cpp::pull nlohmann_json::nlohmann_json
    absl::random_random absl::synchronization)
target_compile_options(scheduling_observability PRIVATE ${SCHEDULING_WARNINGS})

# Who is calling and what they may do: the access policy, its reloading,
# the method → permission table, and the gate every handler passes first.
add_library(scheduling_auth
  auth/access_policy.cc
  auth/gate.cc
  auth/permissions.cc
  auth/policy_source.cc
  auth/transport.cc
)
target_include_directories(scheduling_auth PUBLIC "${PROJECT_SOURCE_DIR}")
target_link_libraries(scheduling_auth PUBLIC scheduling_domain
  scheduling_observability scheduling_proto gRPC::grpc++ absl::statusor
  absl::strings absl::synchronization absl::time OpenSSL::Crypto)
target_compile_options(scheduling_auth PRIVATE ${SCHEDULING_WARNINGS})

add_library(scheduling_store
  store/booking_context_cache.cc
  store/booking_store.cc
  store/calendar_store.cc
  store/connection_pool.cc
  store/dsn.cc
  store/event_sequencer.cc
  store/link_store.cc
  store/migrations.cc
  store/rows.cc
  store/sql_values.cc
  store/transaction.cc
  "${EMBEDDED_MIGRATIONS}"
)
target_link_libraries(scheduling_store PUBLIC scheduling_domain
  scheduling_observability mysqlcppconn::mysqlcppconn absl::synchronization absl::function_ref)
target_compile_options(scheduling_store PRIVATE ${SCHEDULING_WARNINGS})

# The API layer's pure half: request validation, list queries, conversions
# between messages and domain values, error mapping. No I/O, unit-tested.
file(GLOB SCHEDULING_API_MAPPING_SOURCES CONFIGURE_DEPENDS
  api/calendar_query.cc
  api/calendar_validation.cc
  api/field_checks.cc
  api/link_conversion.cc
  api/proto_conversion.cc
  api/request_validation.cc
  api/status_mapping.cc)
add_library(scheduling_api_mapping ${SCHEDULING_API_MAPPING_SOURCES})
target_link_libraries(scheduling_api_mapping PUBLIC scheduling_domain
  scheduling_observability scheduling_proto)
target_compile_options(scheduling_api_mapping PRIVATE ${SCHEDULING_WARNINGS})

# The gRPC handlers: validate, call the store and the domain, map errors.
add_library(scheduling_api
  api/calendar_service.cc
  api/event_notifier.cc
  api/framework_errors.cc
  api/one_time_link_service.cc
)
target_link_libraries(scheduling_api PUBLIC scheduling_api_mapping
  scheduling_auth scheduling_domain scheduling_store scheduling_proto
  gRPC::grpc++)
target_compile_options(scheduling_api PRIVATE ${SCHEDULING_WARNINGS})

# The server as a library, so that integration tests run the real thing
# in-process on a real port.
add_library(scheduling_server_lib
  health.cc
  server.cc
)
target_link_libraries(scheduling_server_lib PUBLIC scheduling_api
  scheduling_auth scheduling_observability grpc_health_proto gRPC::grpc++
  gRPC::grpc++_reflection)
target_compile_options(scheduling_server_lib PRIVATE ${SCHEDULING_WARNINGS})

add_executable(scheduling_server main.cc)
target_link_libraries(scheduling_server PRIVATE scheduling_server_lib
  absl::flags absl::flags_parse)
target_compile_options(scheduling_server PRIVATE ${SCHEDULING_WARNINGS})
install(TARGETS scheduling_server RUNTIME DESTINATION bin)

# A ListFreeSlots response is about 5,000 small objects (protobuf messages
# and strings); with tcmalloc's per-thread caches the server's CPU per call
# fell by a third (bench/RESULTS.md; other calls within noise). Debian's
# libtcmalloc-minimal4 (runtime package only); without it the server keeps
# glibc's malloc.
option(SCHEDULING_USE_TCMALLOC "Link the server with tcmalloc when found" ON)
if(SCHEDULING_USE_TCMALLOC)
  find_library(SCHEDULING_TCMALLOC
    NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(SCHEDULING_TCMALLOC)
    target_link_libraries(scheduling_server PRIVATE "${SCHEDULING_TCMALLOC}")
    message(STATUS "scheduling_server allocates with ${SCHEDULING_TCMALLOC}")
  else()
    message(STATUS "tcmalloc not found: scheduling_server uses glibc malloc")
  endif()
endif()
