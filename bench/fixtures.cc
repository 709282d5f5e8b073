#include "bench/fixtures.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/proto_time.h"
#include "scheduling/client/error_details.h"
#include "server/domain/secrets.h"
#include "server/store/sql_values.h"

namespace scheduling::bench {
namespace {

constexpr absl::Duration kSlotSpacing = absl::Hours(4);
// Rows per INSERT when seeding links: large enough to make seeding fast,
// small enough to stay far below max_allowed_packet.
constexpr int kLinksPerInsert = 1000;
constexpr int kBookingThreads = 16;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat(what, ": ", client::DescribeStatus(status)));
}

absl::Status SqlError(const sql::SQLException& error, absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", error.what(), " (error ",
                                          error.getErrorCode(), ")"));
}

// The first instant of the UTC day after tomorrow: far enough ahead that
// every slot the run books is in the future for the whole run.
absl::Time DayAfterTomorrow() {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::FromCivil(today + 2, absl::UTCTimeZone());
}

void AddDailyHours(v1::Calendar& calendar, int start_hour, int end_hour) {
  for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
    v1::OpenInterval* interval = calendar.add_weekly_hours();
    interval->set_day_of_week(static_cast<google::type::DayOfWeek>(day));
    interval->mutable_start_time()->set_hours(start_hour);
    interval->mutable_end_time()->set_hours(end_hour);
  }
}

absl::StatusOr<v1::Calendar> CreateCalendar(v1::CalendarService::Stub& stub,
                                            const std::string& location_id,
                                            const std::string& calendar_id,
                                            v1::Calendar calendar) {
  v1::CreateCalendarRequest request;
  request.set_parent(absl::StrCat("locations/", location_id));
  request.set_calendar_id(calendar_id);
  *request.mutable_calendar() = std::move(calendar);
  grpc::ClientContext context;
  v1::Calendar created;
  absl::Status status =
      FromGrpc(stub.CreateCalendar(&context, request, &created),
               absl::StrCat("CreateCalendar ", calendar_id));
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<int64_t> CalendarPk(store::ConnectionPool& sql,
                                   const std::string& location_id,
                                   const std::string& calendar_id) {
  absl::StatusOr<store::Lease> lease = sql.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    sql::PreparedStatement& select = lease->Prepare(
        "SELECT pk FROM calendars WHERE location_id = ? AND calendar_id = ?");
    select.setString(1, location_id);
    select.setString(2, calendar_id);
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    if (!row->next()) return absl::NotFoundError("calendar row not found");
    return row->getInt64(1);
  } catch (const sql::SQLException& error) {
    return SqlError(error, "reading a calendar's pk");
  }
}

// Books `count` of the calendar's free slots in `range`, spread evenly,
// through CreateBooking, from a few threads at once.
absl::Status BookSlotsCalendar(v1::CalendarService::Stub& stub,
                               const std::string& calendar_name,
                               domain::TimeInterval range, int count) {
  v1::ListFreeSlotsRequest list;
  list.set_calendar(calendar_name);
  *list.mutable_start_time() = ToTimestamp(range.start);
  *list.mutable_end_time() = ToTimestamp(range.end);
  v1::ListFreeSlotsResponse free;
  grpc::ClientContext list_context;
  absl::Status listed = FromGrpc(stub.ListFreeSlots(&list_context, list, &free),
                                 "ListFreeSlots on the slots calendar");
  if (!listed.ok()) return listed;
  if (free.slots_size() < count) {
    return absl::InternalError(absl::StrCat("the slots calendar offers ",
                                            free.slots_size(), " slots, not ",
                                            count));
  }
  std::atomic<int> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < kBookingThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        const int slot = static_cast<int>(static_cast<int64_t>(i) *
                                          free.slots_size() / count);
        v1::CreateBookingRequest request;
        request.set_parent(calendar_name);
        *request.mutable_start_time() = free.slots(slot).start_time();
        request.mutable_invitee()->set_display_name(kInviteeName);
        request.mutable_invitee()->set_email(kInviteeEmail);
        grpc::ClientContext context;
        v1::Booking booking;
        absl::Status status =
            FromGrpc(stub.CreateBooking(&context, request, &booking),
                     "CreateBooking on the slots calendar");
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          if (first_error.ok()) first_error = status;
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return first_error;
}

}  // namespace

BookingCalendar::BookingCalendar(std::string location_id,
                                 std::string calendar_id, int64_t pk,
                                 absl::Time first_slot)
    : location_id_(std::move(location_id)),
      calendar_id_(std::move(calendar_id)),
      name_(absl::StrCat("locations/", location_id_, "/calendars/",
                         calendar_id_)),
      pk_(pk),
      first_slot_(first_slot) {}

absl::Time BookingCalendar::TakeSlot() {
  return first_slot_ + kSlotSpacing * slots_taken_.fetch_add(1);
}

std::optional<LinkToken> BookingCalendar::TakeFreshLink() {
  absl::MutexLock lock(&mu_);
  if (fresh_.empty()) return std::nullopt;
  LinkToken link = std::move(fresh_.front());
  fresh_.pop_front();
  return link;
}

void BookingCalendar::AddFreshLink(LinkToken link) {
  absl::MutexLock lock(&mu_);
  fresh_.push_back(std::move(link));
}

size_t BookingCalendar::fresh_links() {
  absl::MutexLock lock(&mu_);
  return fresh_.size();
}

ContendedLinks::ContendedLinks(std::vector<Target> targets,
                               int callers_per_link)
    : targets_(std::move(targets)),
      callers_per_link_(std::max(1, callers_per_link)),
      wins_(new std::atomic<int>[targets_.size()]) {
  for (size_t i = 0; i < targets_.size(); ++i) wins_[i] = 0;
}

std::optional<std::pair<const ContendedLinks::Target*, size_t>>
ContendedLinks::NextAttempt() {
  const size_t index =
      static_cast<size_t>(next_attempt_.fetch_add(1) / callers_per_link_);
  if (index >= targets_.size()) return std::nullopt;
  return std::make_pair(&targets_[index], index);
}

void ContendedLinks::RecordWin(size_t index) { ++wins_[index]; }

int64_t ContendedLinks::LinksWonMoreThanOnce() const {
  int64_t links = 0;
  for (size_t i = 0; i < targets_.size(); ++i) links += wins_[i] > 1 ? 1 : 0;
  return links;
}

absl::StatusOr<std::unique_ptr<Fixtures>> Fixtures::Create(
    const Options& options, v1::CalendarService::Stub& calendars,
    store::ConnectionPool& sql) {
  std::unique_ptr<Fixtures> fixtures(new Fixtures(options));
  const absl::Time first_day = DayAfterTomorrow();

  for (int i = 0; i < options.booking_calendars; ++i) {
    const std::string id = absl::StrCat("book-", i);
    const std::string location =
        options.locations <= 1
            ? options.location_id
            : absl::StrCat(options.location_id, "-", i % options.locations);
    v1::Calendar calendar;
    calendar.set_display_name(absl::StrCat("Bench booking calendar ", i));
    calendar.set_slug(id);
    calendar.mutable_duration()->set_seconds(
        absl::ToInt64Seconds(kBookingCalendarDuration));
    calendar.set_time_zone("UTC");
    AddDailyHours(calendar, 0, 24);
    absl::StatusOr<v1::Calendar> created =
        CreateCalendar(calendars, location, id, calendar);
    if (!created.ok()) return created.status();
    absl::StatusOr<int64_t> pk = CalendarPk(sql, location, id);
    if (!pk.ok()) return pk.status();
    // Calendars start on different slots of the day only to look less
    // artificial; each calendar's own slots never collide.
    fixtures->calendars_.push_back(std::make_unique<BookingCalendar>(
        location, id, *pk, first_day + absl::Minutes(30) * (i % 8)));
  }

  fixtures->slots_id_ = "slots";
  v1::Calendar slots;
  slots.set_display_name("Bench slots calendar");
  slots.set_slug("slots");
  slots.mutable_duration()->set_seconds(15 * 60);
  slots.set_time_zone("America/New_York");
  AddDailyHours(slots, 8, 20);
  absl::StatusOr<v1::Calendar> created = CreateCalendar(
      calendars, options.location_id, fixtures->slots_id_, slots);
  if (!created.ok()) return created.status();
  fixtures->slots_name_ = created->name();
  fixtures->slots_range_ = {first_day, first_day + domain::kMaxSlotRange};
  fixtures->slots_rules_.duration = absl::Minutes(15);
  absl::Status booked = BookSlotsCalendar(calendars, fixtures->slots_name_,
                                          fixtures->slots_range_,
                                          options.slots_calendar_bookings);
  if (!booked.ok()) return booked;

  const int calendar_count = fixtures->booking_calendar_count();
  for (int i = 0; i < options.resolvable_links; i += kLinksPerInsert) {
    const int count = std::min(kLinksPerInsert, options.resolvable_links - i);
    absl::StatusOr<std::vector<LinkToken>> links = fixtures->InsertLinks(
        sql, fixtures->calendars_[(i / kLinksPerInsert) % calendar_count]->pk(),
        count);
    if (!links.ok()) return links.status();
    for (LinkToken& link : *links) {
      fixtures->resolvable_.push_back(std::move(link));
    }
  }
  return fixtures;
}

BookingCalendar& Fixtures::CalendarFor(int worker, int concurrency,
                                       int64_t turn) {
  const int count = booking_calendar_count();
  const int per_worker = std::max(1, count / std::max(1, concurrency));
  const int index =
      (worker + concurrency * static_cast<int>(turn % per_worker)) % count;
  return *calendars_[index];
}

absl::StatusOr<std::vector<LinkToken>> Fixtures::InsertLinks(
    store::ConnectionPool& sql, int64_t calendar_pk, int count) {
  std::vector<LinkToken> links;
  std::vector<std::string> rows;
  const std::string now = store::ToSqlDateTime(absl::Now());
  for (int i = 0; i < count; ++i) {
    LinkToken link;
    link.token = domain::GenerateLinkToken();
    link.token_hash = domain::HashLinkToken(link.token);
    // Every value is [a-z0-9], hex or a formatted time: safe to inline.
    rows.push_back(absl::StrCat("(", calendar_pk, ", '",
                                domain::GenerateResourceId(), "', '",
                                link.token_hash, "', 1, NULL, '", now, "')"));
    links.push_back(std::move(link));
  }
  absl::StatusOr<store::Lease> lease = sql.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    std::unique_ptr<sql::Statement> insert(
        lease->connection().createStatement());
    // The columns LinkStore::Create writes; the others keep their
    // defaults, as they do for a link created through the service.
    insert->execute(absl::StrCat(
        "INSERT INTO one_time_links (calendar_pk, link_id, token_hash, "
        "max_uses, expire_time, create_time) VALUES ",
        absl::StrJoin(rows, ", ")));
  } catch (const sql::SQLException& error) {
    return SqlError(error, "inserting links");
  }
  return links;
}

absl::Status Fixtures::TopUpFreshLinks(store::ConnectionPool& sql,
                                       int per_calendar) {
  for (const auto& calendar : calendars_) {
    const int missing =
        per_calendar - static_cast<int>(calendar->fresh_links());
    for (int done = 0; done < missing; done += kLinksPerInsert) {
      absl::StatusOr<std::vector<LinkToken>> links = InsertLinks(
          sql, calendar->pk(), std::min(kLinksPerInsert, missing - done));
      if (!links.ok()) return links.status();
      for (LinkToken& link : *links) calendar->AddFreshLink(std::move(link));
    }
  }
  return absl::OkStatus();
}

const LinkToken& Fixtures::ResolvableLink(int worker, int64_t turn) const {
  const int64_t index = static_cast<int64_t>(worker) * 7919 + turn * 104729;
  return resolvable_[static_cast<size_t>(index) % resolvable_.size()];
}

absl::StatusOr<std::unique_ptr<ContendedLinks>> Fixtures::MakeContendedLinks(
    store::ConnectionPool& sql, int count, int callers_per_link) {
  std::vector<ContendedLinks::Target> targets;
  const int calendar_count = booking_calendar_count();
  for (int i = 0; i < count; i += kLinksPerInsert) {
    const int batch = std::min(kLinksPerInsert, count - i);
    BookingCalendar& calendar =
        *calendars_[(i / kLinksPerInsert) % calendar_count];
    absl::StatusOr<std::vector<LinkToken>> links =
        InsertLinks(sql, calendar.pk(), batch);
    if (!links.ok()) return links.status();
    for (LinkToken& link : *links) {
      targets.push_back({std::move(link), calendar.TakeSlot()});
    }
  }
  return std::make_unique<ContendedLinks>(std::move(targets), callers_per_link);
}

absl::StatusOr<DoubleUseCheck> Fixtures::CheckDoubleUses(
    store::ConnectionPool& sql) {
  absl::StatusOr<store::Lease> lease = sql.Acquire();
  if (!lease.ok()) return lease.status();
  DoubleUseCheck check;
  try {
    sql::PreparedStatement& overused = lease->Prepare(
        "SELECT COUNT(*) FROM one_time_links l JOIN calendars c ON c.pk = "
        "l.calendar_pk WHERE c.location_id LIKE CONCAT(?, '%') AND "
        "l.use_count > 1");
    overused.setString(1, location_id());
    std::unique_ptr<sql::ResultSet> row(overused.executeQuery());
    row->next();
    check.links_used_more_than_once = row->getInt64(1);

    sql::PreparedStatement& per_link = lease->Prepare(
        "SELECT COUNT(*), COALESCE(SUM(n > 1), 0) FROM (SELECT "
        "b.one_time_link_pk, COUNT(*) AS n FROM bookings b JOIN calendars c "
        "ON c.pk = b.calendar_pk WHERE c.location_id LIKE CONCAT(?, '%') "
        "AND b.one_time_link_pk IS NOT NULL GROUP BY b.one_time_link_pk) t");
    per_link.setString(1, location_id());
    std::unique_ptr<sql::ResultSet> counts(per_link.executeQuery());
    counts->next();
    check.links_booked = counts->getInt64(1);
    check.links_with_several_bookings = counts->getInt64(2);
  } catch (const sql::SQLException& error) {
    return SqlError(error, "checking for double uses");
  }
  return check;
}

}  // namespace scheduling::bench
