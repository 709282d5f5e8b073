// Malformed requests: each gets the right code and field violation, and
// nothing is written.
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using ::testing::Contains;
using ::testing::Key;

class BadInputTest : public IntegrationTest {
 protected:
  void SetUp() override {
    calendar_ = CreateCalendar("America/New_York");
    link_ = CreateLink(calendar_);
    slot_ = FirstFreeSlot(calendar_, absl::Now() + absl::Hours(1));
  }

  // Books through `token` at `start` and expects INVALID_ARGUMENT naming
  // `field`, with no booking written and the link still unused.
  void ExpectBookingRejected(const std::string& token, int64_t start_seconds,
                             const std::string& field) {
    v1::BookOneTimeLinkRequest request;
    request.set_token(token);
    request.mutable_start_time()->set_seconds(start_seconds);
    request.mutable_invitee()->set_display_name("Ada");
    request.mutable_invitee()->set_email("ada@example.com");
    v1::Booking booking;
    grpc::Status status =
        links_->BookOneTimeLink(Context().get(), request, &booking);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << client::DescribeStatus(status);
    EXPECT_THAT(client::FieldViolations(status), Contains(Key(field)))
        << client::DescribeStatus(status);
    EXPECT_EQ(BookingRows(calendar_), 0);
    v1::ResolveOneTimeLinkRequest resolve;
    resolve.set_token(link_.token());
    v1::ResolveOneTimeLinkResponse resolved;
    EXPECT_TRUE(
        links_->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
  }

  v1::Calendar calendar_;
  v1::OneTimeLink link_;
  google::protobuf::Timestamp slot_;
};

TEST_F(BadInputTest, EmptyTokenIsInvalid) {
  ExpectBookingRejected("", slot_.seconds(), "token");
}

TEST_F(BadInputTest, OverlongTokenIsInvalid) {
  ExpectBookingRejected(std::string(10000, 'a'), slot_.seconds(), "token");
}

TEST_F(BadInputTest, TokenWithForeignCharactersIsInvalid) {
  ExpectBookingRejected("'; DROP TABLE bookings; --abcdefg", slot_.seconds(),
                        "token");
}

TEST_F(BadInputTest, UnknownTokenIsNotFound) {
  for (const std::string& token :
       {std::string(32, 'A'),
        std::string("abcdefghijklmnopqrstuvwxyz012345")}) {
    v1::ResolveOneTimeLinkRequest resolve;
    resolve.set_token(token);
    v1::ResolveOneTimeLinkResponse resolved;
    EXPECT_EQ(links_->ResolveOneTimeLink(Context().get(), resolve, &resolved)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::BookOneTimeLinkRequest book;
    book.set_token(token);
    *book.mutable_start_time() = slot_;
    book.mutable_invitee()->set_display_name("Ada");
    book.mutable_invitee()->set_email("ada@example.com");
    v1::Booking booking;
    EXPECT_EQ(
        links_->BookOneTimeLink(Context().get(), book, &booking).error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(BookingRows(calendar_), 0);
}

TEST_F(BadInputTest, StartNotOnASlotIsInvalid) {
  ExpectBookingRejected(link_.token(), slot_.seconds() + 7 * 60, "start_time");
}

TEST_F(BadInputTest, StartInThePastIsInvalid) {
  ExpectBookingRejected(link_.token(),
                        absl::ToUnixSeconds(absl::Now() - absl::Hours(24)),
                        "start_time");
}

TEST_F(BadInputTest, StartOutsideOpenHoursIsInvalid) {
  // A weekday-only 09:00-17:00 calendar and a Sunday 03:00 start.
  v1::CreateCalendarRequest create;
  create.set_parent("locations/" + location_);
  v1::Calendar* office = create.mutable_calendar();
  office->set_display_name("Office hours");
  office->set_slug("office-hours");
  office->mutable_duration()->set_seconds(1800);
  office->set_time_zone("UTC");
  v1::OpenInterval* hours = office->add_weekly_hours();
  hours->set_day_of_week(google::type::MONDAY);
  hours->mutable_start_time()->set_hours(9);
  hours->mutable_end_time()->set_hours(17);
  v1::Calendar created;
  ASSERT_TRUE(
      calendars_->CreateCalendar(Context().get(), create, &created).ok());
  calendar_ = created;
  link_ = CreateLink(created);
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay sunday = today + 1;
  while (absl::GetWeekday(sunday) != absl::Weekday::sunday) ++sunday;
  ExpectBookingRejected(link_.token(),
                        absl::ToUnixSeconds(absl::FromCivil(
                            absl::CivilHour(sunday) + 3, absl::UTCTimeZone())),
                        "start_time");
}

TEST_F(BadInputTest, InviteeIsRequiredAndChecked) {
  v1::BookOneTimeLinkRequest request;
  request.set_token(link_.token());
  *request.mutable_start_time() = slot_;
  request.mutable_invitee()->set_display_name(std::string(201, 'x'));
  request.mutable_invitee()->set_email("not an address");
  v1::Booking booking;
  grpc::Status status =
      links_->BookOneTimeLink(Context().get(), request, &booking);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status),
              Contains(Key("invitee.display_name")));
  EXPECT_THAT(client::FieldViolations(status), Contains(Key("invitee.email")));
  EXPECT_EQ(BookingRows(calendar_), 0);
}

TEST_F(BadInputTest, UnknownTimeZoneIsInvalidAndCreatesNoCalendar) {
  v1::CreateCalendarRequest create;
  create.set_parent("locations/" + location_);
  v1::Calendar* calendar = create.mutable_calendar();
  calendar->set_display_name("Nowhere");
  calendar->set_slug("nowhere");
  calendar->mutable_duration()->set_seconds(1800);
  calendar->set_time_zone("Mars/Olympus_Mons");
  v1::Calendar created;
  grpc::Status status =
      calendars_->CreateCalendar(Context().get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status),
              Contains(Key("calendar.time_zone")));

  calendar->set_time_zone("../../../../etc/passwd");
  status = calendars_->CreateCalendar(Context().get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListFreeSlotsRequest slots;
  slots.set_calendar(calendar_.name());
  slots.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  slots.mutable_end_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
  slots.set_time_zone("Not/A_Zone");
  v1::ListFreeSlotsResponse response;
  status = calendars_->ListFreeSlots(Context().get(), slots, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status), Contains(Key("time_zone")));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM calendars WHERE location_id = '" +
                     location_ + "'"),
            1);
}

TEST_F(BadInputTest, SlotRangeMustBeOrderedAndAtMost31Days) {
  v1::ListFreeSlotsRequest request;
  request.set_calendar(calendar_.name());
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  request.mutable_start_time()->set_seconds(now);
  request.mutable_end_time()->set_seconds(now - 60);
  v1::ListFreeSlotsResponse response;
  grpc::Status status =
      calendars_->ListFreeSlots(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status), Contains(Key("end_time")));
  request.mutable_end_time()->set_seconds(now + 32 * 86400);
  status = calendars_->ListFreeSlots(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_end_time();
  status = calendars_->ListFreeSlots(Context().get(), request, &response);
  EXPECT_THAT(client::FieldViolations(status), Contains(Key("end_time")));
}

TEST_F(BadInputTest, UnknownCalendarIsNotFoundAndMalformedNameInvalid) {
  v1::GetCalendarRequest get;
  get.set_name("locations/" + location_ + "/calendars/does-not-exist");
  v1::Calendar calendar;
  EXPECT_EQ(
      calendars_->GetCalendar(Context().get(), get, &calendar).error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::CreateOneTimeLinkRequest create;
  create.set_parent(get.name());
  v1::OneTimeLink link;
  EXPECT_EQ(
      links_->CreateOneTimeLink(Context().get(), create, &link).error_code(),
      grpc::StatusCode::NOT_FOUND);
  for (const std::string& name :
       {std::string(""), std::string("calendars/x"),
        "locations/" + location_ + "/calendars/UPPER",
        "locations/" + location_ + "/calendars/a/b",
        "locations/" + location_ + "/calendars/" + std::string(64, 'a')}) {
    get.set_name(name);
    grpc::Status status =
        calendars_->GetCalendar(Context().get(), get, &calendar);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(client::FieldViolations(status), Contains(Key("name"))) << name;
  }
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM one_time_links l JOIN calendars c ON "
               "c.pk = l.calendar_pk WHERE c.location_id = '" +
               location_ + "'"),
      1);
}

TEST_F(BadInputTest, NegativePageSizeAndMalformedPageTokenAreInvalid) {
  v1::ListCalendarsRequest request;
  request.set_parent("locations/" + location_);
  request.set_page_size(-1);
  v1::ListCalendarsResponse response;
  grpc::Status status =
      calendars_->ListCalendars(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status), Contains(Key("page_size")));

  request.set_page_size(10);
  for (const std::string& token :
       {std::string("not-a-token"), std::string("%%%"),
        std::string(5000, 'A')}) {
    request.set_page_token(token);
    status = calendars_->ListCalendars(Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token;
    EXPECT_THAT(client::FieldViolations(status), Contains(Key("page_token")));
  }
}

TEST_F(BadInputTest, DuplicateSlugIsAlreadyExists) {
  v1::CreateCalendarRequest create;
  create.set_parent("locations/" + location_);
  v1::Calendar* calendar = create.mutable_calendar();
  calendar->set_display_name("Same slug");
  calendar->set_slug(calendar_.slug());
  calendar->mutable_duration()->set_seconds(1800);
  calendar->set_time_zone("UTC");
  v1::Calendar created;
  EXPECT_EQ(calendars_->CreateCalendar(Context().get(), create, &created)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(BadInputTest, ExpiryInThePastIsInvalid) {
  v1::CreateOneTimeLinkRequest create;
  create.set_parent(calendar_.name());
  create.mutable_one_time_link()->mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now()) - 10);
  v1::OneTimeLink link;
  grpc::Status status =
      links_->CreateOneTimeLink(Context().get(), create, &link);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status),
              Contains(Key("one_time_link.expire_time")));
}

}  // namespace
}  // namespace scheduling::testing
