#include "client/booking_page/booking_page.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "client/booking_page/assets.h"
#include "client/booking_page/escape.h"
#include "client/booking_page/outcome.h"
#include "client/booking_page/pages.h"
#include "client/booking_page/routes.h"
#include "client/booking_page/slot_days.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "scheduling/client/error_details.h"

namespace scheduling::booking_page {
namespace {

using scheduling::v1::Calendar;

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr size_t kMaxKnownSlugs = 10000;
constexpr int kListCalendarsPageSize = 1000;
// Calendars most recently updated, looked through for a slug that a fresh
// listing of the location did not hold.
constexpr int kRecentCalendarsPageSize = 20;
// Updates this much older than a listing's newest may still have been
// committed after it (update_time is set before the commit).
constexpr absl::Duration kUpdateCommitMargin = absl::Minutes(1);
// RandomUrlSafeKey(16): what a genuine form's key looks like.
constexpr size_t kKeyLength = 22;

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

void ToProto(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

absl::Duration ToDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) +
         absl::Nanoseconds(duration.nanos());
}

absl::CivilDay ToCivilDay(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

bool HasDate(const google::type::Date& date) {
  return date.year() != 0 && date.month() != 0 && date.day() != 0;
}

absl::TimeZone LoadZoneOr(const std::string& name, absl::TimeZone fallback) {
  absl::TimeZone zone;
  return !name.empty() && absl::LoadTimeZone(name, &zone) ? zone : fallback;
}

// The calendar of a booking: "locations/l/calendars/c" of
// "locations/l/calendars/c/bookings/b".
std::string CalendarOf(absl::string_view booking) {
  const size_t bookings = booking.rfind("/bookings/");
  return std::string(bookings == absl::string_view::npos
                         ? booking
                         : booking.substr(0, bookings));
}

// The last part of a resource name: a booking's reference.
std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

bool IsUrlSafeKey(absl::string_view key) {
  return key.size() == kKeyLength &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                  c == '-' || c == '_';
         });
}

void SendHtml(httplib::Response& response, int status,
              const std::string& html) {
  response.status = status;
  // Pages hold invitee data and single-use forms: never from a cache.
  response.set_header("Cache-Control", "no-store");
  response.set_content(html, kHtml);
}

void SendMessage(httplib::Response& response, int status,
                 const MessageView& view) {
  SendHtml(response, status, RenderMessage(view));
}

MessageView GoneMessage() {
  return {"Uh-oh! The link is no longer active", kGoneHeading, kGoneText, "",
          ""};
}

MessageView NotFoundMessage() {
  return {"Uh-oh! This link does not exist", kGoneHeading,
          "This link does not exist. Please check the address, or reach out "
          "to the event owner for a new link.",
          "", ""};
}

std::string FormatDateRange(const std::optional<absl::CivilDay>& first,
                            const std::optional<absl::CivilDay>& last) {
  const auto long_day = [](absl::CivilDay day) {
    return absl::StrCat(FormatDayHeading(day), " ", day.year());
  };
  if (first && last) {
    return absl::StrCat("Bookable from ", long_day(*first), " to ",
                        long_day(*last));
  }
  if (first) return absl::StrCat("Bookable from ", long_day(*first));
  if (last) return absl::StrCat("Bookable until ", long_day(*last));
  return "";
}

}  // namespace

// What a request asks for: from the route, the query, and (for POSTs) the
// form, which carries the same fields as hidden inputs.
struct BookingPage::Request {
  bool permanent = false;
  std::string path;
  std::string token;     // one-time link
  std::string location;  // permanent link
  std::string slug;      // permanent link; the one-time link's ?slug=
  std::string zone;      // ?tz= as given
  std::optional<absl::CivilDay> from;
  int duration_minutes = 0;  // 0: the calendar's default

  static Request From(const httplib::Request& http, bool permanent) {
    Request request;
    request.permanent = permanent;
    if (permanent) {
      request.location = http.matches[1];
      request.slug = http.matches[2];
      request.path = PermanentLinkPath(request.location, request.slug);
    } else {
      request.token = http.matches[1];
      request.slug = http.get_param_value("slug");
      request.path = http.path;
    }
    request.zone = http.get_param_value("tz");
    request.from = ParseDay(http.get_param_value("from"));
    if (!absl::SimpleAtoi(http.get_param_value("duration"),
                          &request.duration_minutes)) {
      request.duration_minutes = 0;
    }
    return request;
  }
};

// What a link books and everything the page shows about it.
struct BookingPage::Target {
  std::string calendar;  // resource name (permanent link)
  std::string display_name;
  std::string zone_name;  // the calendar's
  absl::TimeZone zone;
  absl::Duration duration;
  std::vector<absl::Duration> durations;  // a SERVICE calendar's choice
  std::optional<absl::Time> earliest;
  std::optional<absl::Time> latest;
  std::optional<absl::CivilDay> first_date;  // the link's date window
  std::optional<absl::CivilDay> last_date;
  std::optional<absl::Time> expires;
  std::string invitee_name;
  std::string invitee_email;
};

BookingPage::BookingPage(const Connection& connection, PageOptions options,
                         std::ostream& log)
    : connection_(connection),
      options_(std::move(options)),
      log_(log),
      signer_(options_.form_secret, options_.form_max_age),
      bookings_(
          {options_.remembered_bookings, options_.remember_bookings_for}) {}

void BookingPage::Register(httplib::Server* server) {
  // The script and style sheet are files of this origin; nothing inline
  // runs, nothing loads from elsewhere, and forms post only here.
  const std::string policy = absl::StrCat(
      "default-src 'none'; script-src 'self'; style-src 'self'; "
      "img-src 'self'; form-action 'self'; base-uri 'none'; "
      "frame-ancestors ",
      options_.frame_ancestors);
  server->set_default_headers({
      {"Content-Security-Policy", policy},
      {"X-Content-Type-Options", "nosniff"},
      // The address holds the link's token: never send it on.
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  });
  server->set_payload_max_length(kMaxBodyBytes);

  server->Get(kOneTimeLinkRoute,
              [this](const httplib::Request& http, httplib::Response& out) {
                ServeLinkPage(http, out, /*permanent=*/false);
              });
  server->Post(kOneTimeLinkRoute,
               [this](const httplib::Request& http, httplib::Response& out) {
                 BookThroughLink(http, out, /*permanent=*/false);
               });
  server->Get(kPermanentLinkRoute,
              [this](const httplib::Request& http, httplib::Response& out) {
                ServeLinkPage(http, out, /*permanent=*/true);
              });
  server->Post(kPermanentLinkRoute,
               [this](const httplib::Request& http, httplib::Response& out) {
                 BookThroughLink(http, out, /*permanent=*/true);
               });
  server->Get(R"(/static/([a-z]+\.(?:js|css)))",
              [](const httplib::Request& http, httplib::Response& out) {
                const Asset* asset = FindAsset(std::string(http.matches[1]));
                if (asset == nullptr) {
                  out.status = 404;
                  return;
                }
                // The URL names the version: the same URL never changes.
                out.set_header("Cache-Control",
                               http.get_param_value("v") == asset->version
                                   ? "public, max-age=31536000, immutable"
                                   : "no-cache");
                out.set_content(asset->body.data(), asset->body.size(),
                                std::string(asset->content_type));
              });
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& out) {
    out.set_header("Cache-Control", "no-store");
    out.set_content("ok\n", "text/plain; charset=utf-8");
  });
  server->Get("/readyz",
              [this](const httplib::Request&, httplib::Response& out) {
                out.set_header("Cache-Control", "no-store");
                if (draining_) {
                  out.status = 503;
                  out.set_content("draining\n", "text/plain; charset=utf-8");
                } else {
                  out.set_content("ok\n", "text/plain; charset=utf-8");
                }
              });
  // Errors httplib answers itself (no route, a body too large, ...) get a
  // page in the same look; the handlers' own pages are left alone. A link's
  // address that matches no route (a token cut short, or with a character
  // a mail program stuck to its end) is an unknown link to its visitor.
  server->set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& http, httplib::Response& out) {
        if (!out.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        MessageView view = {"Not found", "Not found",
                            "There is no page at this address.", "", ""};
        if (out.status == 404 && absl::StartsWith(http.path, kLinkPathPrefix)) {
          view = NotFoundMessage();
        } else if (out.status != 404) {
          view = {"Bad request", "Something is wrong with this request",
                  "Please open the link you were sent again.", "", ""};
        }
        SendMessage(out, out.status, view);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server->set_exception_handler([this](const httplib::Request&,
                                       httplib::Response& out,
                                       std::exception_ptr) {
    {
      absl::MutexLock lock(&log_mu_);
      log_ << "booking_page: a handler threw\n";
    }
    SendMessage(out, 500,
                {"Something went wrong", "Something went wrong",
                 "Please try again in a moment.", "", ""});
  });
  if (options_.access_log) {
    server->set_logger(
        [this](const httplib::Request& http, const httplib::Response& out) {
          const std::string line =
              absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                            absl::UTCTimeZone()),
                           " ", http.remote_addr, " \"", http.method, " ",
                           RedactedPath(http.path), "\" ", out.status, " ",
                           out.body.size(), "\n");
          absl::MutexLock lock(&log_mu_);
          log_ << line << std::flush;
        });
  }
}

void BookingPage::LogFailure(const char* call, const grpc::Status& status) {
  // Code and reason only: a message may quote what was sent, and the
  // request held the link's token and the invitee's data.
  const std::string reason = scheduling::client::ErrorReason(status);
  absl::MutexLock lock(&log_mu_);
  log_ << "booking_page: " << call
       << " failed: " << scheduling::client::StatusCodeName(status.error_code())
       << (reason.empty() ? "" : " ") << reason << "\n"
       << std::flush;
}

void BookingPage::SendOutcomePage(Outcome outcome, const std::string& path,
                                  httplib::Response& response) {
  switch (outcome) {
    case Outcome::kGone:
      SendMessage(response, 410, GoneMessage());
      return;
    case Outcome::kNotFound:
      SendMessage(response, 404, NotFoundMessage());
      return;
    case Outcome::kUnavailable:
      response.set_header("Retry-After", "5");
      SendMessage(
          response, 503,
          {"Please try again in a moment", "Please try again in a moment",
           "The booking service is busy or unreachable right now. "
           "Nothing was booked.",
           path, "Try again"});
      return;
    default:
      SendMessage(response, 502,
                  {"Something went wrong", "Something went wrong",
                   "The booking service could not answer this request. "
                   "Please try again later, or reach out to the event owner.",
                   "", ""});
      return;
  }
}

grpc::Status BookingPage::FindCalendar(const std::string& location,
                                       const std::string& slug,
                                       Calendar* calendar) {
  // The API has no lookup by slug: list the location's calendars and keep
  // what was seen (slug -> name) for a while, so that a page view costs one
  // GetCalendar, and an unknown slug of a recently listed location one short
  // page of the calendars updated since.
  const std::string key = absl::StrCat(location, "/", slug);
  const std::string listed_key = absl::StrCat(location, "/");
  const absl::Time now = absl::Now();
  std::string known_name;
  std::optional<absl::Time> listed_newest;
  {
    absl::MutexLock lock(&slugs_mu_);
    if (auto it = slugs_.find(key);
        it != slugs_.end() && now - it->second.seen < options_.slug_cache_ttl) {
      known_name = it->second.name;
    } else if (auto listed = slugs_.find(listed_key);
               listed != slugs_.end() &&
               now - listed->second.seen < options_.slug_cache_ttl) {
      listed_newest = listed->second.newest_update;
    }
  }
  if (listed_newest) {
    // Not in the listing: only a calendar created or given this slug since
    // can have it, and it is among the most recently updated. (Answering
    // NOT_FOUND outright kept a new calendar's link "does not exist" for a
    // minute after anyone opened a link of its location.)
    scheduling::v1::ListCalendarsRequest recent;
    recent.set_parent(absl::StrCat("locations/", location));
    recent.set_page_size(kRecentCalendarsPageSize);
    recent.set_order_by("update_time desc");
    scheduling::v1::ListCalendarsResponse response;
    const auto context = connection_.NewCallContext();
    const grpc::Status status =
        connection_.calendars().ListCalendars(context.get(), recent, &response);
    if (!status.ok()) return status;
    bool reached_listing = response.next_page_token().empty();
    for (const Calendar& listed : response.calendars()) {
      if (listed.slug() == slug) {
        *calendar = listed;
        absl::MutexLock lock(&slugs_mu_);
        if (slugs_.size() >= kMaxKnownSlugs) slugs_.clear();
        slugs_[key] = {listed.name(), now};
        return grpc::Status::OK;
      }
      if (ToTime(listed.update_time()) < *listed_newest - kUpdateCommitMargin) {
        reached_listing = true;
      }
    }
    if (reached_listing) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such calendar");
    }
    // More calendars changed since than one page holds: list them all.
  }
  if (!known_name.empty()) {
    scheduling::v1::GetCalendarRequest request;
    request.set_name(known_name);
    const auto context = connection_.NewCallContext();
    const grpc::Status status =
        connection_.calendars().GetCalendar(context.get(), request, calendar);
    if (status.ok() && calendar->slug() == slug) return status;
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return status;
    }
    // Renamed or deleted since: list again.
  }

  scheduling::v1::ListCalendarsRequest request;
  request.set_parent(absl::StrCat("locations/", location));
  request.set_page_size(kListCalendarsPageSize);
  bool found = false;
  std::vector<std::pair<std::string, std::string>> seen;  // slug, name
  absl::Time newest_update = absl::InfinitePast();
  do {
    scheduling::v1::ListCalendarsResponse response;
    const auto context = connection_.NewCallContext();
    const grpc::Status status = connection_.calendars().ListCalendars(
        context.get(), request, &response);
    if (!status.ok()) return status;
    for (const Calendar& listed : response.calendars()) {
      seen.emplace_back(listed.slug(), listed.name());
      newest_update = std::max(newest_update, ToTime(listed.update_time()));
      if (listed.slug() == slug && !found) {
        *calendar = listed;
        found = true;
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());

  absl::MutexLock lock(&slugs_mu_);
  if (slugs_.size() + seen.size() > kMaxKnownSlugs) slugs_.clear();
  for (auto& [listed_slug, name] : seen) {
    slugs_[absl::StrCat(location, "/", listed_slug)] = {std::move(name), now};
  }
  slugs_[listed_key] = {"", now, newest_update};
  return found ? grpc::Status::OK
               : grpc::Status(grpc::StatusCode::NOT_FOUND, "no such calendar");
}

bool BookingPage::LoadTarget(const Request& request, Target* target,
                             httplib::Response& response) {
  if (request.permanent) {
    Calendar calendar;
    const grpc::Status status =
        FindCalendar(request.location, request.slug, &calendar);
    if (!status.ok()) {
      if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
        LogFailure("ListCalendars", status);
      }
      SendOutcomePage(ClassifyFailure(status, true), request.path, response);
      return false;
    }
    if (calendar.status() == Calendar::INACTIVE) {
      SendOutcomePage(Outcome::kGone, request.path, response);
      return false;
    }
    target->calendar = calendar.name();
    target->display_name = calendar.display_name();
    target->zone_name = calendar.time_zone();
    target->duration = ToDuration(calendar.duration());
    if (calendar.calendar_type() == Calendar::SERVICE) {
      for (const auto& allowed : calendar.allowed_durations()) {
        target->durations.push_back(ToDuration(allowed));
      }
      if (std::find(target->durations.begin(), target->durations.end(),
                    target->duration) == target->durations.end()) {
        target->durations.insert(target->durations.begin(), target->duration);
      }
      const absl::Duration chosen = absl::Minutes(request.duration_minutes);
      if (std::find(target->durations.begin(), target->durations.end(),
                    chosen) != target->durations.end()) {
        target->duration = chosen;
      }
    }
    if (calendar.booking_horizon_days() > 0) {
      target->latest =
          absl::Now() + absl::Hours(24) * calendar.booking_horizon_days();
    }
  } else {
    scheduling::v1::ResolveOneTimeLinkRequest resolve;
    resolve.set_token(request.token);
    scheduling::v1::ResolveOneTimeLinkResponse link;
    const auto context = connection_.NewCallContext();
    const grpc::Status status =
        connection_.links().ResolveOneTimeLink(context.get(), resolve, &link);
    if (!status.ok()) {
      const Outcome outcome = ClassifyFailure(status, true);
      if (outcome != Outcome::kGone && outcome != Outcome::kNotFound) {
        LogFailure("ResolveOneTimeLink", status);
      }
      SendOutcomePage(outcome, request.path, response);
      return false;
    }
    target->display_name = link.calendar().display_name();
    target->zone_name = link.calendar().time_zone();
    target->duration = link.has_duration()
                           ? ToDuration(link.duration())
                           : ToDuration(link.calendar().duration());
    target->invitee_name = link.invitee().display_name();
    target->invitee_email = link.invitee().email();
    if (link.has_expire_time()) target->expires = ToTime(link.expire_time());
    if (link.has_earliest_date() && HasDate(link.earliest_date())) {
      target->first_date = ToCivilDay(link.earliest_date());
    }
    if (link.has_latest_date() && HasDate(link.latest_date())) {
      target->last_date = ToCivilDay(link.latest_date());
    }
  }
  target->zone = LoadZoneOr(target->zone_name, absl::UTCTimeZone());
  // The link's dates are the calendar's local dates.
  if (target->first_date) {
    target->earliest = absl::FromCivil(*target->first_date, target->zone);
  }
  if (target->last_date) {
    const absl::Time end =
        absl::FromCivil(*target->last_date + 1, target->zone);
    target->latest = target->latest ? std::min(*target->latest, end) : end;
  }
  return true;
}

void BookingPage::ServeLinkPage(const httplib::Request& http,
                                httplib::Response& response, bool permanent) {
  const Request request = Request::From(http, permanent);
  Target target;
  if (!LoadTarget(request, &target, response)) return;
  RenderSlots(request, target, response, 200, nullptr);
}

void BookingPage::RenderSlots(const Request& request, const Target& target,
                              httplib::Response& response, int status,
                              const Feedback* feedback) {
  const absl::Time now = absl::Now();
  absl::TimeZone viewer;
  const bool zone_named =
      !request.zone.empty() && absl::LoadTimeZone(request.zone, &viewer);
  const std::string viewer_name = zone_named ? request.zone : target.zone_name;
  if (!zone_named) viewer = target.zone;

  WindowLimits limits;
  limits.now = now;
  limits.zone = viewer;
  limits.earliest = target.earliest;
  limits.latest = now + absl::Hours(24) * options_.max_days_ahead;
  if (target.latest) limits.latest = std::min(limits.latest, *target.latest);
  limits.days = options_.days_per_page;
  const DayWindow window = ChooseDayWindow(request.from, limits);

  std::vector<absl::Time> starts;
  if (!window.empty()) {
    grpc::Status call;
    if (request.permanent) {
      scheduling::v1::ListFreeSlotsRequest list;
      list.set_calendar(target.calendar);
      ToProto(window.start_time, list.mutable_start_time());
      ToProto(window.end_time, list.mutable_end_time());
      list.set_time_zone(viewer_name);
      if (!target.durations.empty()) {
        list.mutable_duration()->set_seconds(
            absl::ToInt64Seconds(target.duration));
      }
      scheduling::v1::ListFreeSlotsResponse slots;
      const auto context = connection_.NewCallContext();
      call = connection_.calendars().ListFreeSlots(context.get(), list, &slots);
      for (const auto& slot : slots.slots()) {
        starts.push_back(ToTime(slot.start_time()));
      }
    } else {
      scheduling::v1::ListOneTimeLinkFreeSlotsRequest list;
      list.set_token(request.token);
      ToProto(window.start_time, list.mutable_start_time());
      ToProto(window.end_time, list.mutable_end_time());
      list.set_time_zone(viewer_name);
      scheduling::v1::ListOneTimeLinkFreeSlotsResponse slots;
      const auto context = connection_.NewCallContext();
      call = connection_.links().ListOneTimeLinkFreeSlots(context.get(), list,
                                                          &slots);
      for (const auto& slot : slots.slots()) {
        starts.push_back(ToTime(slot.start_time()));
      }
    }
    if (!call.ok()) {
      const Outcome outcome = ClassifyFailure(call, true);
      if (outcome != Outcome::kGone && outcome != Outcome::kNotFound) {
        LogFailure(
            request.permanent ? "ListFreeSlots" : "ListOneTimeLinkFreeSlots",
            call);
      }
      SendOutcomePage(outcome, request.path, response);
      return;
    }
  }

  // Links keep the zone explicit, so that following one never reloads.
  const auto href = [&](absl::CivilDay from) {
    std::vector<std::string> query;
    if (!request.permanent && !request.slug.empty()) {
      query.push_back(absl::StrCat("slug=", UrlEscape(request.slug)));
    }
    query.push_back(absl::StrCat("tz=", UrlEscape(viewer_name)));
    query.push_back(absl::StrCat("from=", FormatIsoDay(from)));
    if (!target.durations.empty()) {
      query.push_back(
          absl::StrCat("duration=", absl::ToInt64Minutes(target.duration)));
    }
    return absl::StrCat(request.path, "?", absl::StrJoin(query, "&"));
  };

  SlotPageView view;
  view.path = request.path;
  view.calendar_name = target.display_name;
  view.duration = FormatBookingLength(target.duration);
  for (const absl::Duration choice : target.durations) {
    view.durations.push_back({absl::StrCat(absl::ToInt64Minutes(choice)),
                              FormatBookingLength(choice),
                              choice == target.duration});
  }
  std::vector<std::string> window_parts;
  if (const std::string dates =
          FormatDateRange(target.first_date, target.last_date);
      !dates.empty()) {
    window_parts.push_back(dates);
  }
  if (target.expires) {
    window_parts.push_back(absl::StrCat("This link works until ",
                                        FormatMoment(*target.expires, viewer),
                                        " your time"));
  }
  view.bookable_window = absl::StrJoin(window_parts, " \u00b7 ");
  view.host_zone = ZoneLabel(target.zone_name, target.zone, now);
  view.zone = viewer_name;
  view.zone_is_guess = request.zone.empty();
  view.zones = ZoneOptions(viewer_name, target.zone_name);
  if (!request.permanent && !request.slug.empty()) {
    view.zone_form_fields.emplace_back("slug", request.slug);
  }
  view.zone_form_fields.emplace_back("from", FormatIsoDay(window.first));
  // The days the window covers, up to the last one that can be booked.
  view.range = window.last > window.first
                   ? absl::StrCat(FormatDayHeading(window.first), " \u2013 ",
                                  FormatDayHeading(window.last))
                   : FormatDayHeading(window.first);
  if (window.earlier) view.earlier_href = href(*window.earlier);
  if (window.later) view.later_href = href(*window.later);
  for (const SlotDay& day : GroupSlotsByDay(starts, viewer)) {
    DayChoices choices;
    choices.heading = FormatDayHeading(day.day);
    for (const absl::Time start : day.starts) {
      choices.slots.push_back(
          {FormatSlotValue(start), FormatClock(start, viewer), false});
    }
    view.days.push_back(std::move(choices));
  }
  if (feedback != nullptr) {
    view.invitee_name = feedback->name;
    view.invitee_email = feedback->email;
    view.name_error = feedback->name_error;
    view.email_error = feedback->email_error;
    view.notice = feedback->notice;
  } else {
    view.invitee_name = target.invitee_name;
    view.invitee_email = target.invitee_email;
  }

  const std::string key = RandomUrlSafeKey();
  view.booking_form_fields = {
      {"tz", viewer_name},
      {"from", FormatIsoDay(window.first)},
  };
  if (!target.durations.empty()) {
    view.booking_form_fields.emplace_back(
        "duration", absl::StrCat(absl::ToInt64Minutes(target.duration)));
  }
  view.booking_form_fields.emplace_back("key", key);
  view.booking_form_fields.emplace_back("form_token",
                                        signer_.Issue(request.path, key, now));
  SendHtml(response, status, RenderSlotPage(view));
}

void BookingPage::BookThroughLink(const httplib::Request& http,
                                  httplib::Response& response, bool permanent) {
  const Request request = Request::From(http, permanent);
  const absl::Time now = absl::Now();

  if (!IsSameSitePost(http.get_header_value("Origin"),
                      http.get_header_value("Sec-Fetch-Site"),
                      http.get_header_value("Host"))) {
    SendMessage(
        response, 403,
        {"Not sent from this page", "This form was not sent from this page",
         "For your safety, bookings are taken only from the booking "
         "page itself.",
         request.path, "Open the booking page"});
    return;
  }
  const std::string key = http.get_param_value("key");
  const FormSigner::Verdict verdict =
      IsUrlSafeKey(key) ? signer_.Verify(http.get_param_value("form_token"),
                                         request.path, key, now)
                        : FormSigner::Verdict::kMalformed;
  if (verdict != FormSigner::Verdict::kValid) {
    SendMessage(response, 403,
                {"This form has expired", "This form has expired",
                 "Nothing was booked. Please open the booking page again to "
                 "see the times that are free now.",
                 request.path, "Open the booking page again"});
    return;
  }

  // A retry of a booking this process made gets its confirmation at once.
  const std::string cache_key = absl::StrCat(request.path, "\n", key);
  auto claim = bookings_.Begin(cache_key, now, options_.retry_wait);
  using State = IdempotencyCache<std::string>::State;
  if (claim.state == State::kDone) {
    SendHtml(response, 200, claim.value);
    return;
  }
  if (claim.state == State::kInFlight) {
    response.set_header("Retry-After", "2");
    SendMessage(response, 503,
                {"Still booking", "Your booking is still being made",
                 "Please reload this page in a moment to see its "
                 "confirmation.",
                 "", ""});
    return;
  }
  // From here this request owns the key: whatever happens but success lets
  // a retry try again.
  struct AbandonUnlessKept {
    IdempotencyCache<std::string>& cache;
    const std::string& key;
    bool kept = false;
    ~AbandonUnlessKept() {
      if (!kept) cache.Abandon(key);
    }
  } claim_guard{bookings_, cache_key};

  Feedback feedback;
  feedback.name =
      std::string(absl::StripAsciiWhitespace(http.get_param_value("name")));
  feedback.email =
      std::string(absl::StripAsciiWhitespace(http.get_param_value("email")));
  const std::optional<absl::Time> start =
      ParseSlotValue(http.get_param_value("start"));
  if (feedback.name.empty()) feedback.name_error = "Please enter your name.";
  if (feedback.email.empty() || !absl::StrContains(feedback.email, '@')) {
    feedback.email_error =
        "Please enter your e-mail address, like name@example.com.";
  }
  if (!start) feedback.notice = "Please choose a time.";

  // The permanent link's calendar (and chosen duration) is needed to book.
  // A one-time link is booked by its token alone, and resolved only to show
  // the form again: after a booking it no longer resolves (LINK_USED), and
  // a retry must still reach BookOneTimeLink, whose request_id returns the
  // booking already made.
  Target target;
  if (permanent && !LoadTarget(request, &target, response)) return;
  const auto show_form_again = [&](int status) {
    if (!permanent && !LoadTarget(request, &target, response)) return;
    RenderSlots(request, target, response, status, &feedback);
  };
  if (!start || !feedback.name_error.empty() || !feedback.email_error.empty()) {
    show_form_again(422);
    return;
  }

  scheduling::v1::Booking booking;
  grpc::Status status;
  if (permanent) {
    scheduling::v1::CreateBookingRequest book;
    book.set_parent(target.calendar);
    ToProto(*start, book.mutable_start_time());
    book.mutable_invitee()->set_display_name(feedback.name);
    book.mutable_invitee()->set_email(feedback.email);
    if (!target.durations.empty()) {
      book.mutable_duration()->set_seconds(
          absl::ToInt64Seconds(target.duration));
    }
    book.set_request_id(key);
    const auto context = connection_.NewCallContext();
    status =
        connection_.calendars().CreateBooking(context.get(), book, &booking);
  } else {
    scheduling::v1::BookOneTimeLinkRequest book;
    book.set_token(request.token);
    ToProto(*start, book.mutable_start_time());
    book.mutable_invitee()->set_display_name(feedback.name);
    book.mutable_invitee()->set_email(feedback.email);
    // The form's key: a retry that reaches another replica, or this one
    // after a restart, gets the booking the first attempt made.
    book.set_request_id(key);
    const auto context = connection_.NewCallContext();
    status = connection_.links().BookOneTimeLink(context.get(), book, &booking);
  }

  if (!status.ok()) {
    const Outcome outcome = ClassifyFailure(status, false);
    switch (outcome) {
      case Outcome::kSlotTaken:
        feedback.notice =
            "Sorry, that time was just taken. Please choose another one.";
        show_form_again(HttpStatusOf(outcome));
        return;
      case Outcome::kInviteeMismatch:
        feedback.email_error =
            "This link was sent to someone else: please use the e-mail "
            "address it was sent to.";
        show_form_again(HttpStatusOf(outcome));
        return;
      case Outcome::kInvalidInput:
        for (const auto& [field, description] :
             scheduling::client::FieldViolations(status)) {
          if (absl::EndsWith(field, "display_name")) {
            feedback.name_error = description;
          } else if (absl::EndsWith(field, "email")) {
            feedback.email_error = description;
          }
        }
        if (feedback.name_error.empty() && feedback.email_error.empty()) {
          feedback.notice =
              "That time cannot be booked. Please choose another one.";
        }
        show_form_again(HttpStatusOf(outcome));
        return;
      default:
        if (outcome != Outcome::kGone && outcome != Outcome::kNotFound) {
          LogFailure(permanent ? "CreateBooking" : "BookOneTimeLink", status);
        }
        SendOutcomePage(outcome, request.path, response);
        return;
    }
  }

  if (!permanent) {
    // The calendar's name and zone for the confirmation: the link no
    // longer resolves, the booking names its calendar.
    scheduling::v1::GetCalendarRequest get;
    get.set_name(CalendarOf(booking.name()));
    scheduling::v1::Calendar calendar;
    const auto context = connection_.NewCallContext();
    const grpc::Status found =
        connection_.calendars().GetCalendar(context.get(), get, &calendar);
    if (found.ok()) {
      target.display_name = calendar.display_name();
      target.zone_name = calendar.time_zone();
    } else {
      // Booked all the same: confirm it, in UTC for the host.
      LogFailure("GetCalendar", found);
      target.zone_name = "UTC";
    }
    target.zone = LoadZoneOr(target.zone_name, absl::UTCTimeZone());
  }

  absl::TimeZone viewer;
  const bool zone_named =
      !request.zone.empty() && absl::LoadTimeZone(request.zone, &viewer);
  const std::string viewer_name = zone_named ? request.zone : target.zone_name;
  if (!zone_named) viewer = target.zone;
  const absl::Time booked_start = ToTime(booking.start_time());
  const absl::Time booked_end = ToTime(booking.end_time());
  ConfirmationView confirmation;
  confirmation.calendar_name = target.display_name;
  confirmation.invitee_when = FormatInterval(booked_start, booked_end, viewer);
  confirmation.invitee_zone = ZoneLabel(viewer_name, viewer, booked_start);
  confirmation.host_when =
      FormatInterval(booked_start, booked_end, target.zone);
  confirmation.host_zone =
      ZoneLabel(target.zone_name, target.zone, booked_start);
  confirmation.name = booking.invitee().display_name();
  confirmation.email = booking.invitee().email();
  confirmation.reference = LastSegment(booking.name());
  std::string page = RenderConfirmation(confirmation);
  bookings_.Finish(cache_key, page, absl::Now());
  claim_guard.kept = true;
  SendHtml(response, 200, page);
}

}  // namespace scheduling::booking_page
