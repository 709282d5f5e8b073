#include "server/domain/slots.h"
