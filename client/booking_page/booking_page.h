// The booking page's HTTP side: the routes, and for each request the calls
// to the scheduling server and the page that answers it.
//
//   GET  /widget/otl/{token}                one-time link: its slot list
//   POST /widget/otl/{token}                book through it
//   GET  /widget/booking/{location}/{slug}  permanent scheduling link
//   POST /widget/booking/{location}/{slug}  book through it (CreateBooking)
//   GET  /static/{page.js,page.css}         the only script and style sheet
//   GET  /healthz                           alive (liveness)
//   GET  /readyz                            ready, until draining (readiness)
//
// GET query parameters: tz (IANA zone of the times shown; absent: the
// calendar's, and page.js reloads with the browser's), from (first day
// shown, YYYY-MM-DD in tz), duration (minutes, SERVICE calendars on the
// permanent link). See README.md, "The booking page".
//
// Thread-safe: httplib calls the handlers from its worker threads.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_BOOKING_PAGE_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_BOOKING_PAGE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/booking_page/connection.h"
#include "client/booking_page/form_security.h"
#include "client/booking_page/idempotency_cache.h"
#include "client/booking_page/outcome.h"
#include "httplib.h"

namespace scheduling::booking_page {

struct PageOptions {
  // CSP frame-ancestors sources: who may embed the page in a frame.
  std::string frame_ancestors = "'self'";
  // Signs the booking forms (FormSigner); at least 16 bytes.
  std::string form_secret;
  // How long a rendered form can still be posted.
  absl::Duration form_max_age = absl::Hours(2);
  // Bookings remembered by idempotency key (IdempotencyCache).
  size_t remembered_bookings = 10000;
  absl::Duration remember_bookings_for = absl::Hours(2);
  // How long a retried POST waits for the first one with its key.
  absl::Duration retry_wait = absl::Seconds(10);
  // Days a page shows, and how far ahead anyone may look when neither the
  // link nor the calendar limits it.
  int days_per_page = 7;
  int max_days_ahead = 366;
  // Calendars found by slug are looked up again after this long.
  absl::Duration slug_cache_ttl = absl::Seconds(60);
  // One line per request (token redacted) to `log`, or none.
  bool access_log = true;
};

class BookingPage {
 public:
  BookingPage(const Connection& connection, PageOptions options,
              std::ostream& log);

  // Adds the routes, security headers, error pages and access log to
  // `server`.
  void Register(httplib::Server* server);

  // From now on /readyz answers 503, so that load balancers stop sending
  // new visitors before the process stops.
  void StartDraining() { draining_ = true; }

 private:
  struct Target;
  struct Request;

  void ServeLinkPage(const httplib::Request& http, httplib::Response& response,
                     bool permanent);
  void BookThroughLink(const httplib::Request& http,
                       httplib::Response& response, bool permanent);

  // Finds what `request` books: resolves the token or finds the calendar by
  // slug. On failure fills `response` and returns false.
  bool LoadTarget(const Request& request, Target* target,
                  httplib::Response& response);
  // What a re-rendered form says after a POST that booked nothing.
  struct Feedback {
    std::string notice;
    // What the invitee typed, shown again instead of the link's prefill.
    std::string name;
    std::string email;
    std::string name_error;
    std::string email_error;
  };
  // Lists the slots of the window `request` asks for and renders the page
  // with `status`; `feedback` after a POST.
  void RenderSlots(const Request& request, const Target& target,
                   httplib::Response& response, int status,
                   const Feedback* feedback);
  // Finds a calendar by location and slug (ListCalendars, cached).
  grpc::Status FindCalendar(const std::string& location,
                            const std::string& slug,
                            scheduling::v1::Calendar* calendar);

  void SendOutcomePage(Outcome outcome, const std::string& path,
                       httplib::Response& response);
  void LogFailure(const char* call, const grpc::Status& status);

  const Connection& connection_;
  const PageOptions options_;
  std::ostream& log_;
  const FormSigner signer_;
  // Rendered confirmation pages by (link path, idempotency key).
  IdempotencyCache<std::string> bookings_;
  std::atomic<bool> draining_{false};

  absl::Mutex slugs_mu_;
  struct KnownCalendar {
    std::string name;
    absl::Time seen;
    // A location's entry ("location/"): the newest update_time its listing
    // held, the server's clock.
    absl::Time newest_update = absl::InfinitePast();
  };
  // "location/slug" -> calendar name; "location/" -> when it was listed.
  absl::flat_hash_map<std::string, KnownCalendar> slugs_
      ABSL_GUARDED_BY(slugs_mu_);
  absl::Mutex log_mu_;
};

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_BOOKING_PAGE_H_
