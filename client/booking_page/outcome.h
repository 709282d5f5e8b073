// What a failed call to the scheduling server means for the page: which
// page to show and with which HTTP status.
//
// Thread-safe: pure functions.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_OUTCOME_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_OUTCOME_H_

#include "grpcpp/support/status.h"

namespace scheduling::booking_page {

enum class Outcome {
  // The link was used, expired or revoked, or its calendar is inactive:
  // the seed's "Uh-oh!" page, HTTP 410.
  kGone,
  // No such link or calendar (an unknown or malformed token): the same
  // look, HTTP 404.
  kNotFound,
  // The slot was taken meanwhile: the slot list again with a notice, 409.
  kSlotTaken,
  // The link is meant for another e-mail address: the form again, 422.
  kInviteeMismatch,
  // The server rejected a field (name, e-mail, time): the form again, 422.
  kInvalidInput,
  // The server is unreachable, overloaded or too slow: try again, 503.
  kUnavailable,
  // Anything else, including the page's own credentials being refused: a
  // generic error, 502 (the page is a gateway to the server).
  kFailed,
};

// The outcome of a failed call that reads or books through a link.
// `token_call`: the request's only input was a link token (resolve, list
// slots), so INVALID_ARGUMENT means a malformed token, i.e. not found.
Outcome ClassifyFailure(const grpc::Status& status, bool token_call);

// The HTTP status of an outcome's page.
int HttpStatusOf(Outcome outcome);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_OUTCOME_H_
