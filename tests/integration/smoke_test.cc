#include "tests/integration/test_server.h"
