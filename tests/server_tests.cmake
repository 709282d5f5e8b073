# Tests that need the API layer or a running server (included from
# tests/CMakeLists.txt once the server targets exist).

# Request validation and status mapping: pure, no server.
file(GLOB API_TEST_SOURCES CONFIGURE_DEPENDS unit/api/*_test.cc)
add_executable(api_unit_tests ${API_TEST_SOURCES})
target_link_libraries(api_unit_tests PRIVATE scheduling_api_mapping scheduling_client
  GTest::gmock_main)
target_compile_options(api_unit_tests PRIVATE ${SCHEDULING_WARNINGS})
gtest_discover_tests(api_unit_tests DISCOVERY_MODE PRE_TEST)

# The access policy and the method → permission table: pure, no server.
file(GLOB AUTH_TEST_SOURCES CONFIGURE_DEPENDS unit/auth/*_test.cc)
add_executable(auth_unit_tests ${AUTH_TEST_SOURCES})
target_link_libraries(auth_unit_tests PRIVATE scheduling_auth GTest::gmock_main)
target_compile_options(auth_unit_tests PRIVATE ${SCHEDULING_WARNINGS})
gtest_discover_tests(auth_unit_tests DISCOVERY_MODE PRE_TEST)

# The real server in-process on a real port, against the MariaDB named by
# SCHEDULING_TEST_DSN (scripts/test.sh starts a private one).
file(GLOB INTEGRATION_TEST_SOURCES CONFIGURE_DEPENDS integration/*_test.cc)
# Scraping /metrics needs an HTTP client (Debian's cpp-httplib); reading
# JSON log lines, nlohmann-json; some tests start databases of their own
# with scripts/private-db.sh.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(integration_tests integration/test_server.cc
  integration/metrics_scrape.cc integration/private_database.cc
  integration/test_certificates.cc integration/server_process.cc
  ${INTEGRATION_TEST_SOURCES})
target_link_libraries(integration_tests PRIVATE scheduling_server_lib
  scheduling_client GTest::gmock PkgConfig::HTTPLIB
  nlohmann_json::nlohmann_json OpenSSL::Crypto)
target_compile_definitions(integration_tests PRIVATE
  SCHEDULING_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  SCHEDULING_SERVER_BINARY="$<TARGET_FILE:scheduling_server>")
add_dependencies(integration_tests scheduling_server)
target_compile_options(integration_tests PRIVATE ${SCHEDULING_WARNINGS})
gtest_discover_tests(integration_tests DISCOVERY_MODE PRE_TEST
  PROPERTIES TIMEOUT 300)

# The Galera suite's binary (tests/galera/): built, not run by ctest.
add_subdirectory(galera)
