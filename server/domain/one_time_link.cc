#include "server/domain/one_time_link.h"
