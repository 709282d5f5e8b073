# Tests that need the API layer or a running server (included from
# tests/CMakeLists.txt once the server targets exist).

# Request validation and status mapping: pure, no server.
file(GLOB API_TEST_SOURCES CONFIGURE_DEPENDS unit/api/*_test.cc)
add_executable(api_unit_tests ${API_TEST_SOURCES})
target_link_libraries(api_unit_tests PRIVATE scheduling_api_mapping scheduling_client
  GTest::gmock_main)
target_compile_options(api_unit_tests PRIVATE ${SCHEDULING_WARNINGS})
gtest_discover_tests(api_unit_tests DISCOVERY_MODE PRE_TEST)

# The real server in-process on a real port, against the MariaDB named by
# SCHEDULING_TEST_DSN (scripts/test.sh starts a private one).
file(GLOB INTEGRATION_TEST_SOURCES CONFIGURE_DEPENDS integration/*_test.cc)
add_executable(integration_tests integration/test_server.cc
  ${INTEGRATION_TEST_SOURCES})
target_link_libraries(integration_tests PRIVATE scheduling_server_lib
  scheduling_client GTest::gmock)
target_compile_options(integration_tests PRIVATE ${SCHEDULING_WARNINGS})
gtest_discover_tests(integration_tests DISCOVERY_MODE PRE_TEST
  PROPERTIES TIMEOUT 300)
