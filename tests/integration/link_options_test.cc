// A link's options (issue 4): the invitee it is for (prefilled, optionally
// enforced), metadata carried onto its bookings, a date window and a
// duration overriding the calendar's, listing by state and contact, and
// bad input for every new field refused with its field path and nothing
// written.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kZone[] = "America/New_York";

class LinkOptionsTest : public LinkFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(absl::LoadTimeZone(kZone, &zone_));
    calendar_ = ServiceCalendar(30, {60}, kZone);
    earliest_ = DaysAhead(2, zone_);
    latest_ = DaysAhead(3, zone_);
    window_start_ = absl::FromCivil(earliest_, zone_);
    window_end_ = absl::FromCivil(latest_ + 1, zone_);
    options_.set_max_uses(3);
    *options_.mutable_ttl() = Minutes(2 * 24 * 60);
    v1::LinkInvitee* invitee = options_.mutable_invitee();
    invitee->set_contact_id("crm-7");
    invitee->set_display_name("Grace Hopper");
    invitee->set_email("Grace.Hopper@Example.com");
    invitee->set_phone("+14155550100");
    options_.set_enforce_invitee(true);
    (*options_.mutable_metadata())["campaign"] = "spring";
    (*options_.mutable_metadata())["crm.deal-id"] = "D-17";
    *options_.mutable_earliest_date() = DateOf(earliest_);
    *options_.mutable_latest_date() = DateOf(latest_);
    *options_.mutable_duration() = Minutes(60);
  }

  // Noon, local time, on `day`.
  absl::Time Noon(absl::CivilDay day) const {
    return absl::FromCivil(absl::CivilHour(day) + 12, zone_);
  }

  absl::TimeZone zone_;
  v1::Calendar calendar_;
  absl::CivilDay earliest_;
  absl::CivilDay latest_;
  absl::Time window_start_;
  absl::Time window_end_;
  v1::OneTimeLink options_;
};

void ExpectInvitee(const v1::LinkInvitee& invitee) {
  EXPECT_EQ(invitee.contact_id(), "crm-7");
  EXPECT_EQ(invitee.display_name(), "Grace Hopper");
  EXPECT_EQ(invitee.email(), "Grace.Hopper@Example.com");
  EXPECT_EQ(invitee.phone(), "+14155550100");
}

TEST_F(LinkOptionsTest, CreateGetAndResolveShowTheOptions) {
  const absl::Time before = absl::Now();
  const v1::OneTimeLink link = NewLink(calendar_.name(), options_);
  EXPECT_EQ(link.max_uses(), 3);
  EXPECT_EQ(link.use_count(), 0);
  EXPECT_TRUE(link.enforce_invitee());
  ExpectInvitee(link.invitee());
  EXPECT_THAT(link.metadata(),
              UnorderedElementsAre(Pair("campaign", "spring"),
                                   Pair("crm.deal-id", "D-17")));
  EXPECT_EQ(DayOf(link.earliest_date()), earliest_);
  EXPECT_EQ(DayOf(link.latest_date()), latest_);
  EXPECT_EQ(link.duration().seconds(), 3600);
  // ttl: the expiry is two days after creation.
  EXPECT_GE(FromTs(link.expire_time()), before + absl::Hours(48));
  EXPECT_LE(FromTs(link.expire_time()), absl::Now() + absl::Hours(48));
  EXPECT_FALSE(link.has_ttl());

  const v1::OneTimeLink stored = GetLink(link.name());
  EXPECT_TRUE(stored.token().empty());
  EXPECT_EQ(stored.max_uses(), 3);
  ExpectInvitee(stored.invitee());
  EXPECT_EQ(stored.metadata().size(), 2u);
  EXPECT_EQ(DayOf(stored.earliest_date()), earliest_);
  EXPECT_EQ(DayOf(stored.latest_date()), latest_);
  EXPECT_EQ(stored.duration().seconds(), 3600);
  EXPECT_EQ(FromTs(stored.expire_time()), FromTs(link.expire_time()));

  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(TryResolve(link.token(), &resolved).ok());
  EXPECT_EQ(resolved.one_time_link(), link.name());
  ExpectInvitee(resolved.invitee());
  EXPECT_EQ(DayOf(resolved.earliest_date()), earliest_);
  EXPECT_EQ(DayOf(resolved.latest_date()), latest_);
  EXPECT_EQ(resolved.duration().seconds(), 3600);
  EXPECT_EQ(resolved.remaining_uses(), 3);
  EXPECT_EQ(FromTs(resolved.expire_time()), FromTs(link.expire_time()));
  EXPECT_EQ(resolved.calendar().name(), calendar_.name());
  EXPECT_EQ(resolved.calendar().duration().seconds(), 1800);
  EXPECT_EQ(resolved.calendar().time_zone(), kZone);

  // Without overrides: the calendar's duration, one use, no window.
  const v1::OneTimeLink plain = NewLink(calendar_.name());
  ASSERT_TRUE(TryResolve(plain.token(), &resolved).ok());
  EXPECT_EQ(resolved.duration().seconds(), 1800);
  EXPECT_EQ(resolved.remaining_uses(), 1);
  EXPECT_FALSE(resolved.has_earliest_date());
  EXPECT_FALSE(resolved.has_latest_date());
  EXPECT_FALSE(resolved.has_expire_time());
}

TEST_F(LinkOptionsTest, FreeSlotsKeepToTheWindowAndTheDuration) {
  const v1::OneTimeLink link = NewLink(calendar_.name(), options_);
  const absl::Time from = absl::Now();
  const absl::Time to = from + absl::Hours(24 * 7);
  const std::vector<v1::Slot> slots = LinkSlots(link.token(), from, to);
  ASSERT_THAT(slots, Not(IsEmpty()));
  for (const v1::Slot& slot : slots) {
    const absl::Time start = FromTs(slot.start_time());
    EXPECT_GE(start, window_start_) << absl::FormatTime(start, zone_);
    EXPECT_LT(start, window_end_) << absl::FormatTime(start, zone_);
    EXPECT_EQ(FromTs(slot.end_time()) - start, absl::Minutes(60))
        << absl::FormatTime(start, zone_);
  }
  // The calendar is open around the clock: the window's first minute is a
  // slot, and its last day is offered to its end.
  EXPECT_EQ(FromTs(slots.front().start_time()), window_start_);
  EXPECT_GE(FromTs(slots.back().start_time()), window_end_ - absl::Minutes(90));
  // The calendar itself offers more (outside the window, 30 minutes).
  const std::vector<v1::Slot> calendar_slots =
      Slots(calendar_.name(), from, to);
  EXPECT_GT(calendar_slots.size(), slots.size());
  EXPECT_TRUE(Offers(calendar_slots, Noon(earliest_ - 1)));
  EXPECT_EQ(FromTs(calendar_slots.front().end_time()) -
                FromTs(calendar_slots.front().start_time()),
            absl::Minutes(30));

  // A range wholly before the window: no slots, not an error.
  EXPECT_THAT(LinkSlots(link.token(), from, window_start_), IsEmpty());
  // A range starting inside the window: clamped at its end.
  const std::vector<v1::Slot> tail = LinkSlots(link.token(), Noon(latest_), to);
  ASSERT_THAT(tail, Not(IsEmpty()));
  EXPECT_EQ(FromTs(tail.front().start_time()), Noon(latest_));
  EXPECT_LT(FromTs(tail.back().start_time()), window_end_);
}

TEST_F(LinkOptionsTest, BookingKeepsToTheWindowInviteeAndCarriesMetadata) {
  const v1::OneTimeLink link = NewLink(calendar_.name(), options_);
  const std::string email = "grace.hopper@EXAMPLE.com";  // other case
  v1::Booking booking;

  // Outside the window, before and after: INVALID_ARGUMENT start_time.
  for (absl::Time start : {Noon(earliest_ - 1), Noon(latest_ + 1),
                           window_start_ - absl::Minutes(30), window_end_}) {
    EXPECT_INVALID_FIELD(
        TryBookLink(LinkBookingRequest(link.token(), start, 1, email),
                    &booking),
        "start_time")
        << absl::FormatTime(start, zone_);
  }
  // Another e-mail than the one it is meant for.
  grpc::Status mismatch = TryBookLink(
      LinkBookingRequest(link.token(), Noon(earliest_), 1, "eve@example.com"),
      &booking);
  EXPECT_PRECONDITION(mismatch, "INVITEE_MISMATCH");
  EXPECT_EQ(BookingRows(calendar_), 0);
  EXPECT_EQ(StoredUseCount(link.name()), 0);
  EXPECT_EQ(UseRows(link.name()), 0);

  // The invitee's own address in other case: booked, 60 minutes, with the
  // link's metadata.
  grpc::Status status = TryBookLink(
      LinkBookingRequest(link.token(), Noon(earliest_), 1, email), &booking);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(booking.one_time_link(), link.name());
  EXPECT_EQ(FromTs(booking.start_time()), Noon(earliest_));
  EXPECT_EQ(FromTs(booking.end_time()) - FromTs(booking.start_time()),
            absl::Minutes(60));
  EXPECT_THAT(booking.metadata(),
              UnorderedElementsAre(Pair("campaign", "spring"),
                                   Pair("crm.deal-id", "D-17")));
  // Stored with the booking, whatever the response says.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE calendar_pk = " +
                     CalendarPkSql(calendar_.name()) + " AND booking_id = '" +
                     IdOf(booking.name()) +
                     "' AND metadata LIKE '%campaign=spring%'"),
            1);
  const v1::Booking stored = GetBooking(booking.name());
  EXPECT_THAT(stored.metadata(),
              UnorderedElementsAre(Pair("campaign", "spring"),
                                   Pair("crm.deal-id", "D-17")));
  EXPECT_EQ(FromTs(stored.end_time()) - FromTs(stored.start_time()),
            absl::Minutes(60));

  // A late slot of the window's last day still books.
  status =
      TryBookLink(LinkBookingRequest(link.token(),
                                     Noon(latest_) + absl::Hours(10), 2, email),
                  &booking);
  EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(TryResolve(link.token(), &resolved).ok());
  EXPECT_EQ(resolved.remaining_uses(), 1);
  EXPECT_EQ(BookingRows(calendar_), 2);
  // The USED events carry the contact and the metadata.
  int used = 0;
  for (const auto& event : AllEvents()) {
    if (event.type() != v1::OneTimeLinkEvent::USED) continue;
    ++used;
    EXPECT_EQ(event.contact_id(), "crm-7");
    EXPECT_THAT(event.metadata(),
                UnorderedElementsAre(Pair("campaign", "spring"),
                                     Pair("crm.deal-id", "D-17")));
  }
  EXPECT_EQ(used, 2);
}

TEST_F(LinkOptionsTest, ListByStateAndContactNewestFirst) {
  const v1::Calendar calendar = AllDayCalendar();
  const absl::Time from = absl::Now() + absl::Hours(1);
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), from, from + absl::Hours(6));
  ASSERT_GE(slots.size(), 2u);
  // links[i]: contact "c-even" or "c-odd"; 1 used, 3 revoked, 5 expired.
  const absl::Time expire = absl::Now() + absl::Seconds(2);
  std::vector<v1::OneTimeLink> links;
  for (int i = 0; i < 9; ++i) {
    v1::OneTimeLink options;
    options.mutable_invitee()->set_contact_id(i % 2 == 0 ? "c-even" : "c-odd");
    if (i == 5) *options.mutable_expire_time() = Ts(expire);
    links.push_back(NewLink(calendar.name(), options));
  }
  BookLink(links[1].token(), FromTs(slots[0].start_time()));
  Revoke(links[3].name());
  SleepUntil(expire);

  const auto names = [&](std::vector<int> indexes) {
    std::vector<std::string> out;
    for (int i : indexes) out.push_back(links[i].name());
    return out;
  };
  using State = v1::OneTimeLink;
  EXPECT_THAT(ListLinkNames(calendar.name(), State::STATE_UNSPECIFIED, "", 4),
              ElementsAreArray(names({8, 7, 6, 5, 4, 3, 2, 1, 0})));
  EXPECT_THAT(ListLinkNames(calendar.name(), State::ACTIVE, "", 2),
              ElementsAreArray(names({8, 7, 6, 4, 2, 0})));
  EXPECT_THAT(ListLinkNames(calendar.name(), State::USED, "", 2),
              ElementsAreArray(names({1})));
  EXPECT_THAT(ListLinkNames(calendar.name(), State::REVOKED, "", 2),
              ElementsAreArray(names({3})));
  EXPECT_THAT(ListLinkNames(calendar.name(), State::EXPIRED, "", 2),
              ElementsAreArray(names({5})));
  EXPECT_THAT(
      ListLinkNames(calendar.name(), State::STATE_UNSPECIFIED, "c-odd", 3),
      ElementsAreArray(names({7, 5, 3, 1})));
  EXPECT_THAT(ListLinkNames(calendar.name(), State::ACTIVE, "c-odd", 1),
              ElementsAreArray(names({7})));
  EXPECT_THAT(
      ListLinkNames(calendar.name(), State::STATE_UNSPECIFIED, "c-nobody", 10),
      IsEmpty());

  // Bad page tokens, and a token of another filter.
  v1::ListOneTimeLinksRequest request;
  request.set_parent(calendar.name());
  request.set_page_size(2);
  v1::ListOneTimeLinksResponse response;
  ASSERT_TRUE(
      links_->ListOneTimeLinks(Context().get(), request, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  const std::string token = response.next_page_token();
  for (const std::string bad : {"garbage", "bGlua3M6djE6"}) {
    request.set_page_token(bad);
    EXPECT_INVALID_FIELD(
        links_->ListOneTimeLinks(Context().get(), request, &response),
        "page_token")
        << bad;
  }
  request.set_page_token(token);
  request.set_contact_id("c-odd");
  EXPECT_INVALID_FIELD(
      links_->ListOneTimeLinks(Context().get(), request, &response),
      "page_token");
  request.set_contact_id("");
  request.set_page_token("");
  request.set_state(static_cast<v1::OneTimeLink::State>(42));
  EXPECT_INVALID_FIELD(
      links_->ListOneTimeLinks(Context().get(), request, &response), "state");
  request.set_state(v1::OneTimeLink::STATE_UNSPECIFIED);
  request.set_page_size(-1);
  EXPECT_INVALID_FIELD(
      links_->ListOneTimeLinks(Context().get(), request, &response),
      "page_size");
}

// --- Bad input --------------------------------------------------------------

class LinkBadInputTest : public LinkFixture {};

// Whether the call failed with INVALID_ARGUMENT and a violation on a field
// starting with `prefix`.
::testing::AssertionResult InvalidFieldPrefix(const grpc::Status& status,
                                              const std::string& prefix) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    for (const auto& violation : client::FieldViolations(status)) {
      if (absl::StartsWith(violation.first, prefix)) {
        return ::testing::AssertionSuccess();
      }
    }
  }
  return ::testing::AssertionFailure()
         << "wanted INVALID_ARGUMENT on " << prefix
         << "..., got: " << client::DescribeStatus(status);
}

TEST_F(LinkBadInputTest, EveryNewFieldIsCheckedAndNothingIsWritten) {
  const v1::Calendar event30 = AllDayCalendar("UTC", 30);
  const std::string berlin = "Europe/Berlin";
  const v1::Calendar horizon7 = AllDayCalendar(berlin, 30, 7);
  const v1::Calendar service = ServiceCalendar(30, {60});

  struct Case {
    std::string what;
    std::string calendar;
    std::function<void(v1::CreateOneTimeLinkRequest&)> change;
    std::string field;  // a violation's field starts with this
  };
  const auto link = [](v1::CreateOneTimeLinkRequest& r) {
    return r.mutable_one_time_link();
  };
  const auto metadata = [&](v1::CreateOneTimeLinkRequest& r) {
    return link(r)->mutable_metadata();
  };
  const std::vector<Case> cases = {
      {"metadata over 4 KiB in all", event30.name(),
       [&](auto& r) {
         for (int i = 0; i < 9; ++i)
           (*metadata(r))["k" + std::to_string(i)] = std::string(500, 'v');
       },
       "one_time_link.metadata"},
      {"33 metadata entries", event30.name(),
       [&](auto& r) {
         for (int i = 0; i < 33; ++i)
           (*metadata(r))["k" + std::to_string(i)] = "v";
       },
       "one_time_link.metadata"},
      {"metadata key with upper case and space", event30.name(),
       [&](auto& r) { (*metadata(r))["Bad Key"] = "v"; },
       "one_time_link.metadata"},
      {"empty metadata key", event30.name(),
       [&](auto& r) { (*metadata(r))[""] = "v"; }, "one_time_link.metadata"},
      {"metadata key of 64 characters", event30.name(),
       [&](auto& r) { (*metadata(r))[std::string(64, 'k')] = "v"; },
       "one_time_link.metadata"},
      {"metadata value over 512 bytes", event30.name(),
       [&](auto& r) { (*metadata(r))["k"] = std::string(513, 'v'); },
       "one_time_link.metadata"},
      {"ttl 0", event30.name(), [&](auto& r) { link(r)->mutable_ttl(); },
       "one_time_link.ttl"},
      {"ttl negative", event30.name(),
       [&](auto& r) { link(r)->mutable_ttl()->set_seconds(-3600); },
       "one_time_link.ttl"},
      {"ttl under a minute", event30.name(),
       [&](auto& r) { link(r)->mutable_ttl()->set_seconds(59); },
       "one_time_link.ttl"},
      {"ttl over 365 days", event30.name(),
       [&](auto& r) { *link(r)->mutable_ttl() = Minutes(366 * 24 * 60); },
       "one_time_link.ttl"},
      {"expire_time in the past", event30.name(),
       [&](auto& r) {
         *link(r)->mutable_expire_time() = Ts(absl::Now() - absl::Seconds(1));
       },
       "one_time_link.expire_time"},
      {"max_uses -1", event30.name(),
       [&](auto& r) { link(r)->set_max_uses(-1); }, "one_time_link.max_uses"},
      {"max_uses 1001", event30.name(),
       [&](auto& r) { link(r)->set_max_uses(1001); }, "one_time_link.max_uses"},
      {"latest_date beyond the booking horizon", horizon7.name(),
       [&](auto& r) {
         *link(r)->mutable_latest_date() = DateOf(DaysAheadIn(30, berlin));
       },
       "one_time_link.latest_date"},
      {"earliest_date beyond the booking horizon", horizon7.name(),
       [&](auto& r) {
         *link(r)->mutable_earliest_date() = DateOf(DaysAheadIn(20, berlin));
       },
       "one_time_link.earliest_date"},
      {"latest_date before earliest_date", event30.name(),
       [&](auto& r) {
         *link(r)->mutable_earliest_date() = DateOf(DaysAhead(5));
         *link(r)->mutable_latest_date() = DateOf(DaysAhead(4));
       },
       "one_time_link.latest_date"},
      {"earliest_date not a date", event30.name(),
       [&](auto& r) {
         google::type::Date* date = link(r)->mutable_earliest_date();
         date->set_year(2030);
         date->set_month(2);
         date->set_day(30);
       },
       "one_time_link.earliest_date"},
      {"duration 45m on an EVENT calendar of 30m", event30.name(),
       [&](auto& r) { *link(r)->mutable_duration() = Minutes(45); },
       "one_time_link.duration"},
      {"duration 45m on a SERVICE calendar of 30m/60m", service.name(),
       [&](auto& r) { *link(r)->mutable_duration() = Minutes(45); },
       "one_time_link.duration"},
      {"duration not whole minutes", service.name(),
       [&](auto& r) { link(r)->mutable_duration()->set_seconds(90); },
       "one_time_link.duration"},
      {"duration negative", service.name(),
       [&](auto& r) { link(r)->mutable_duration()->set_seconds(-1800); },
       "one_time_link.duration"},
      {"phone not E.164", event30.name(),
       [&](auto& r) {
         link(r)->mutable_invitee()->set_phone("(415) 555-0100");
       },
       "one_time_link.invitee.phone"},
      {"phone with a leading 0", event30.name(),
       [&](auto& r) { link(r)->mutable_invitee()->set_phone("+04155550100"); },
       "one_time_link.invitee.phone"},
      {"e-mail malformed", event30.name(),
       [&](auto& r) { link(r)->mutable_invitee()->set_email("grace@"); },
       "one_time_link.invitee.email"},
      {"contact_id over 128 bytes", event30.name(),
       [&](auto& r) {
         link(r)->mutable_invitee()->set_contact_id(std::string(129, 'c'));
       },
       "one_time_link.invitee.contact_id"},
      {"display_name over 200 characters", event30.name(),
       [&](auto& r) {
         link(r)->mutable_invitee()->set_display_name(std::string(201, 'n'));
       },
       "one_time_link.invitee.display_name"},
      {"enforce_invitee without e-mail", event30.name(),
       [&](auto& r) {
         link(r)->set_enforce_invitee(true);
         link(r)->mutable_invitee()->set_display_name("Grace");
       },
       "one_time_link.enforce_invitee"},
      {"request_id with a space", event30.name(),
       [&](auto& r) { r.set_request_id("retry 1"); }, "request_id"},
      {"request_id of 64 characters", event30.name(),
       [&](auto& r) { r.set_request_id(std::string(64, 'r')); }, "request_id"},
      {"request_id not ASCII", event30.name(),
       [&](auto& r) { r.set_request_id("r\xc3\xa9try"); }, "request_id"},
      {"parent not a calendar", event30.name(),
       [&](auto& r) { r.set_parent("locations/" + location_); }, "parent"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.what);
    v1::CreateOneTimeLinkRequest request;
    request.set_parent(test.calendar);
    test.change(request);
    v1::OneTimeLink created;
    EXPECT_TRUE(InvalidFieldPrefix(
        links_->CreateOneTimeLink(Context().get(), request, &created),
        test.field));
    EXPECT_TRUE(created.name().empty());
  }
  {  // ttl and expire_time together: one of the two is named.
    v1::CreateOneTimeLinkRequest request;
    request.set_parent(event30.name());
    *request.mutable_one_time_link()->mutable_ttl() = Minutes(60);
    *request.mutable_one_time_link()->mutable_expire_time() =
        Ts(absl::Now() + absl::Hours(1));
    v1::OneTimeLink created;
    const grpc::Status status =
        links_->CreateOneTimeLink(Context().get(), request, &created);
    EXPECT_TRUE(HasViolation(status, "one_time_link.ttl") ||
                HasViolation(status, "one_time_link.expire_time"))
        << client::DescribeStatus(status);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Nothing was written by any of them.
  EXPECT_EQ(LinkRows(), 0);
  EXPECT_EQ(EventRows(), 0);

  // The edges that are fine.
  v1::OneTimeLink options;
  options.set_max_uses(0);
  EXPECT_EQ(NewLink(event30.name(), options).max_uses(), 1);
  options.set_max_uses(1000);
  const v1::OneTimeLink thousand = NewLink(event30.name(), options);
  EXPECT_EQ(thousand.max_uses(), 1000);
  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(TryResolve(thousand.token(), &resolved).ok());
  EXPECT_EQ(resolved.remaining_uses(), 1000);
  options = {};
  *options.mutable_latest_date() = DateOf(DaysAheadIn(6, berlin));
  NewLink(horizon7.name(), options);
  options = {};
  *options.mutable_duration() = Minutes(60);
  NewLink(service.name(), options);
  *options.mutable_duration() = Minutes(30);
  NewLink(event30.name(), options);
  options = {};
  for (int i = 0; i < 32; ++i) {
    (*options.mutable_metadata())["key_" + std::to_string(i) + ".a-b"] =
        std::string(100, 'v');
  }
  NewLink(event30.name(), options);
  options = {};
  *options.mutable_ttl() = Minutes(1);
  options.mutable_invitee()->set_phone("+14155550100");
  options.mutable_invitee()->set_email("grace@example.com");
  options.set_enforce_invitee(true);
  NewLink(event30.name(), options, std::string(63, 'R'));
  EXPECT_EQ(LinkRows(), 7);
  EXPECT_EQ(EventRows(), 7);
}

TEST_F(LinkBadInputTest, OtherLinkMethodsCheckTheirInput) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink link = NewLink(calendar.name());
  const absl::Time start =
      FromTs(FirstFreeSlot(calendar, absl::Now() + absl::Hours(1)));
  v1::ResolveOneTimeLinkResponse resolved;
  EXPECT_INVALID_FIELD(TryResolve("short", &resolved), "token");
  EXPECT_INVALID_FIELD(TryResolve("", &resolved), "token");
  EXPECT_EQ(TryResolve(std::string(32, 'A'), &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::Booking booking;
  v1::BookOneTimeLinkRequest request = LinkBookingRequest(link.token(), start);
  request.clear_invitee();
  EXPECT_INVALID_FIELD(TryBookLink(request, &booking), "invitee");
  EXPECT_INVALID_FIELD(
      TryBookLink(LinkBookingRequest(link.token(), start, 0, "nope"), &booking),
      "invitee.email");
  EXPECT_INVALID_FIELD(
      TryBookLink(
          LinkBookingRequest(link.token(), absl::Now() - absl::Hours(1)),
          &booking),
      "start_time");
  EXPECT_EQ(
      TryBookLink(LinkBookingRequest(std::string(32, 'A'), start), &booking)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(BookingRows(calendar), 0);

  v1::OneTimeLink revoked;
  EXPECT_INVALID_FIELD(TryRevoke(calendar.name(), &revoked), "name");
  EXPECT_EQ(TryRevoke(link.name() + "x", &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::OneTimeLink got;
  EXPECT_INVALID_FIELD(TryGetLink("oneTimeLinks/x", &got), "name");

  v1::ListOneTimeLinkUsesRequest uses;
  uses.set_parent(calendar.name());
  v1::ListOneTimeLinkUsesResponse uses_response;
  EXPECT_INVALID_FIELD(
      links_->ListOneTimeLinkUses(Context().get(), uses, &uses_response),
      "parent");

  v1::ListOneTimeLinkEventsResponse events;
  EXPECT_INVALID_FIELD(TryListEvents(calendar.name(), "", 0, &events),
                       "parent");
  EXPECT_INVALID_FIELD(TryListEvents(Parent(), "", -1, &events), "page_size");
  EXPECT_INVALID_FIELD(TryListEvents(Parent(), "not-a-cursor", 0, &events),
                       "cursor");
  // Still one link, one event, no booking.
  EXPECT_EQ(LinkRows(), 1);
  EXPECT_EQ(EventRows(), 1);
  EXPECT_EQ(GetLink(link.name()).state(), v1::OneTimeLink::ACTIVE);
}

}  // namespace
}  // namespace scheduling::testing
