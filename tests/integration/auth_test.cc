// Callers proven, tenants kept apart (server/auth/): every RPC refused
// without credentials, with a wrong or rotated-out key, and across
// tenants, with nothing written; link tokens that reveal nothing across
// tenants; policy reloads; mTLS with certificates made here (expired, from
// another CA, unknown identity; a SPIFFE id or a DNS name as the
// principal), rotation of the server certificate under calls and of the
// client CA; the warning a plain-text server gives.
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "scheduling/client/connection.h"
#include "scheduling/client/error_details.h"
#include "server/auth/access_policy.h"
#include "server/auth/permissions.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_certificates.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kSetupKey[] = "setup-key-0b7e";
constexpr char kTenantAKey[] = "tenant-a-key-1-91d2";
constexpr char kTenantAKey2[] = "tenant-a-key-2-4c88";
constexpr char kRotatedOutKey[] = "tenant-a-old-key-77aa";
constexpr char kPageKey[] = "page-a-key-e310";
constexpr char kUnknownToken[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
constexpr char kUnknownManageToken[] =
    "mAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
constexpr char kClientIdentity[] = "spiffe://scheduling.test/ns/crm/sa/backend";
constexpr char kClientDnsName[] = "backend.crm.scheduling.test";

std::string Dir() {
  static const std::string* dir = new std::string(absl::StrCat(
      ::testing::TempDir(), "auth-test-", getpid(), "-", rand(), "/"));
  mkdir(dir->c_str(), 0700);
  return *dir;
}

std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = Dir() + name;
  WriteFileAtomically(path, contents);
  return path;
}

// The policy: "setup" may do everything everywhere; "tenant-a" everything
// on `location_a` (with `tenant_keys`); "page-a" only links.book there;
// "crm" (by certificate: a SPIFFE id or a DNS name) everything on
// `location_a`.
std::string PolicyJson(const std::string& location_a,
                       const std::vector<std::string>& tenant_keys) {
  std::string tenant_hashes;
  for (const std::string& key : tenant_keys) {
    absl::StrAppend(&tenant_hashes, tenant_hashes.empty() ? "" : ", ", "\"",
                    auth::ApiKeyHash(key), "\"");
  }
  return absl::StrCat(
      R"({"roles": [
        {"name": "everything", "permissions": ["calendars.read",
          "calendars.write", "links.create", "links.read", "links.revoke",
          "links.book", "bookings.read", "bookings.write", "events.read"]},
        {"name": "booker", "permissions": ["links.book"]}],
      "principals": [
        {"name": "setup", "apiKeySha256": [")",
      auth::ApiKeyHash(kSetupKey), R"("],
         "grants": [{"role": "everything", "locations": ["*"]}]},
        {"name": "tenant-a", "apiKeySha256": [)",
      tenant_hashes, R"(],
         "grants": [{"role": "everything", "locations": [")",
      location_a, R"("]}]},
        {"name": "page-a", "apiKeySha256": [")",
      auth::ApiKeyHash(kPageKey), R"("],
         "grants": [{"role": "booker", "locations": [")",
      location_a, R"("]}]},
        {"name": "crm", "certificateIdentities": [")",
      kClientIdentity, R"(", ")", kClientDnsName,
      R"("], "grants": [{"role": "everything", "locations": [")", location_a,
      R"("]}]}]})");
}

// A call's context with `key` (none if empty) and a deadline.
std::unique_ptr<grpc::ClientContext> KeyContext(
    const std::string& key, absl::Duration timeout = absl::Seconds(10)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!key.empty()) context->AddMetadata("authorization", "Bearer " + key);
  return context;
}

// Calls any unary method with a request message, by its full name.
grpc::Status CallUnary(const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& method,
                       const google::protobuf::Message& request,
                       grpc::ClientContext* context) {
  return CallUnaryWithBytes(channel, method, request.SerializeAsString(),
                            context);
}

// What a request of a method names: the resource its name field takes,
// or a token (a link's, or a booking's manage token).
enum class Names { kLocation, kCalendar, kGroup, kBooking, kLink, kToken };

// `names` in `location`; resources that do not exist, so that no call the
// matrix makes writes anything.
std::string ResourceName(Names names, const std::string& location) {
  const std::string calendar = "locations/" + location + "/calendars/c1";
  switch (names) {
    case Names::kLocation:
      return "locations/" + location;
    case Names::kCalendar:
      return calendar;
    case Names::kGroup:
      return "locations/" + location + "/groups/g1";
    case Names::kBooking:
      return calendar + "/bookings/b1";
    case Names::kLink:
    case Names::kToken:
      return calendar + "/oneTimeLinks/l1";
  }
  return "";
}

// Per method: what the matrix's request names, and the code an allowed
// caller gets for it (the call's own answer: a missing resource, a request
// left incomplete on purpose, a stream that outlives its deadline). The
// matrix fails for a method missing here.
struct MatrixCall {
  Names names;
  grpc::StatusCode allowed;
};

const std::map<std::string, MatrixCall>& MatrixCalls() {
  using grpc::StatusCode;
  static const auto* calls = new std::map<std::string, MatrixCall>{
      // Without the calendar, group or times the request needs.
      {"scheduling.v1.CalendarService.CreateCalendar",
       {Names::kLocation, StatusCode::INVALID_ARGUMENT}},
      {"scheduling.v1.CalendarService.GetCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.ListCalendars",
       {Names::kLocation, StatusCode::OK}},
      {"scheduling.v1.CalendarService.UpdateCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.DeleteCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.DuplicateCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.MoveCalendarToGroup",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.ActivateCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.DeactivateCalendar",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.ListFreeSlots",
       {Names::kCalendar, StatusCode::INVALID_ARGUMENT}},
      {"scheduling.v1.CalendarService.CreateGroup",
       {Names::kLocation, StatusCode::INVALID_ARGUMENT}},
      {"scheduling.v1.CalendarService.GetGroup",
       {Names::kGroup, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.ListGroups",
       {Names::kLocation, StatusCode::OK}},
      {"scheduling.v1.CalendarService.UpdateGroup",
       {Names::kGroup, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.DeleteGroup",
       {Names::kGroup, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.EnableGroup",
       {Names::kGroup, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.DisableGroup",
       {Names::kGroup, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.CreateBooking",
       {Names::kCalendar, StatusCode::INVALID_ARGUMENT}},
      {"scheduling.v1.CalendarService.GetBooking",
       {Names::kBooking, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.ListBookings",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.CancelBooking",
       {Names::kBooking, StatusCode::NOT_FOUND}},
      {"scheduling.v1.CalendarService.RescheduleBooking",
       {Names::kBooking, StatusCode::INVALID_ARGUMENT}},
      // A real manage token of the caller's location: the booking is read,
      // then cancelled (in location A, which the matrix does not count),
      // and then, cancelled, cannot be moved (the matrix calls the methods
      // in the proto's order).
      {"scheduling.v1.CalendarService.GetBookingByManageToken",
       {Names::kToken, StatusCode::OK}},
      {"scheduling.v1.CalendarService.CancelBookingByManageToken",
       {Names::kToken, StatusCode::OK}},
      {"scheduling.v1.CalendarService.RescheduleBookingByManageToken",
       {Names::kToken, StatusCode::FAILED_PRECONDITION}},
      {"scheduling.v1.OneTimeLinkService.CreateOneTimeLink",
       {Names::kCalendar, StatusCode::NOT_FOUND}},
      {"scheduling.v1.OneTimeLinkService.BatchCreateOneTimeLinks",
       {Names::kCalendar, StatusCode::INVALID_ARGUMENT}},
      // An empty list for a calendar that does not exist (ListBookings
      // answers NOT_FOUND): pinned here so that a change is noticed.
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinks",
       {Names::kCalendar, StatusCode::OK}},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkUses",
       {Names::kLink, StatusCode::NOT_FOUND}},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkEvents",
       {Names::kLocation, StatusCode::OK}},
      // The stream stays open until the call's deadline.
      {"scheduling.v1.OneTimeLinkService.WatchOneTimeLinkEvents",
       {Names::kLocation, StatusCode::DEADLINE_EXCEEDED}},
      {"scheduling.v1.OneTimeLinkService.GetOneTimeLink",
       {Names::kLink, StatusCode::NOT_FOUND}},
      {"scheduling.v1.OneTimeLinkService.ResolveOneTimeLink",
       {Names::kToken, StatusCode::OK}},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkFreeSlots",
       {Names::kToken, StatusCode::OK}},
      // The request's start is never the start of a slot: nothing is booked.
      {"scheduling.v1.OneTimeLinkService.BookOneTimeLink",
       {Names::kToken, StatusCode::INVALID_ARGUMENT}},
      {"scheduling.v1.OneTimeLinkService.RevokeOneTimeLink",
       {Names::kLink, StatusCode::NOT_FOUND}},
  };
  return *calls;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    location_a_ = UniqueLocation();
    location_b_ = UniqueLocation();
    policy_path_ = WriteFile(
        "policy-" + location_a_ + ".json",
        PolicyJson(location_a_, {kTenantAKey, kTenantAKey2, kRotatedOutKey}));
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown(absl::Seconds(2));
      server_->Wait();
    }
  }

  void StartPlainServer() {
    ServerOptions options =
        TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
    options.access_policy = policy_path_;
    options.access_policy_reload_interval = absl::Milliseconds(100);
    options.db_pool_size = 4;
    auto started = SchedulingServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    calendars_ = v1::CalendarService::NewStub(channel_);
    links_ = v1::OneTimeLinkService::NewStub(channel_);
  }

  // A calendar (open all day) in `location`, and a link of it.
  std::pair<v1::Calendar, v1::OneTimeLink> CalendarAndLink(
      const std::string& location) {
    v1::CreateCalendarRequest create;
    create.set_parent("locations/" + location);
    v1::Calendar* c = create.mutable_calendar();
    c->set_display_name("Auth");
    c->set_slug("auth-" + location.substr(location.size() - 6));
    c->mutable_duration()->set_seconds(1800);
    c->set_time_zone("UTC");
    for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
      v1::OpenInterval* hours = c->add_weekly_hours();
      hours->set_day_of_week(static_cast<google::type::DayOfWeek>(day));
      hours->mutable_start_time()->set_hours(0);
      hours->mutable_end_time()->set_hours(24);
    }
    v1::Calendar calendar;
    EXPECT_TRUE(
        calendars_
            ->CreateCalendar(KeyContext(kSetupKey).get(), create, &calendar)
            .ok());
    v1::CreateOneTimeLinkRequest link_request;
    link_request.set_parent(calendar.name());
    v1::OneTimeLink link;
    EXPECT_TRUE(links_
                    ->CreateOneTimeLink(KeyContext(kSetupKey).get(),
                                        link_request, &link)
                    .ok());
    return {calendar, link};
  }

  // The manage token of a new booking on `calendar` (open all day, UTC).
  std::string ManageTokenOf(const v1::Calendar& calendar) {
    v1::CreateBookingRequest request;
    request.set_parent(calendar.name());
    const int64_t half_hours =
        absl::ToUnixSeconds(absl::Now() + absl::Hours(3)) / 1800;
    *request.mutable_start_time() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(half_hours * 1800);
    request.mutable_invitee()->set_display_name("Ivy");
    request.mutable_invitee()->set_email("ivy@example.com");
    v1::Booking booking;
    grpc::Status status = calendars_->CreateBooking(KeyContext(kSetupKey).get(),
                                                    request, &booking);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return booking.manage_token();
  }

  // Rows of `location` in every table a call could write.
  std::map<std::string, int64_t> RowsOf(const std::string& location) {
    std::map<std::string, int64_t> rows;
    const std::string where = "location_id = '" + location + "'";
    rows["calendars"] =
        QueryInt("SELECT COUNT(*) FROM calendars WHERE " + where);
    rows["groups"] =
        QueryInt("SELECT COUNT(*) FROM calendar_groups WHERE " + where);
    // Numbered and not yet numbered: the sequencer may move drafts from
    // one table to the other between two snapshots.
    rows["events"] = QueryInt(
        "SELECT (SELECT COUNT(*) FROM one_time_link_events WHERE " + where +
        ") + (SELECT COUNT(*) FROM one_time_link_event_drafts WHERE " + where +
        ")");
    const std::string of_calendars =
        "(SELECT pk FROM calendars WHERE " + where + ")";
    rows["links"] =
        QueryInt("SELECT COUNT(*) FROM one_time_links WHERE calendar_pk IN " +
                 of_calendars);
    rows["link uses"] = QueryInt(
        "SELECT COALESCE(SUM(use_count), 0) FROM one_time_links WHERE "
        "calendar_pk IN " +
        of_calendars);
    rows["bookings"] = QueryInt(
        "SELECT COUNT(*) FROM bookings WHERE calendar_pk IN " + of_calendars);
    rows["revoked"] = QueryInt(
        "SELECT COUNT(*) FROM one_time_links WHERE revoke_time IS NOT NULL "
        "AND calendar_pk IN " +
        of_calendars);
    return rows;
  }

  // A request for `method` naming `names` in `location` (or carrying
  // `token`), built through reflection so that every method of the API is
  // covered.
  std::unique_ptr<google::protobuf::Message> RequestFor(
      const google::protobuf::MethodDescriptor& method, Names names,
      const std::string& location, const std::string& token) {
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            method.input_type());
    std::unique_ptr<google::protobuf::Message> request(prototype->New());
    const google::protobuf::Reflection* reflection = request->GetReflection();
    const google::protobuf::Descriptor* type = method.input_type();
    const std::string name = ResourceName(names, location);
    const auto* token_field = type->FindFieldByName("token");
    if (token_field == nullptr) {
      token_field = type->FindFieldByName("manage_token");
    }
    if (const auto* field = token_field) {
      // A complete request, so that the call gets as far as the token.
      reflection->SetString(request.get(), field, token);
      // Whole minutes and 17 s: never the start of a slot.
      const int64_t start =
          absl::ToUnixSeconds(absl::Now() + absl::Hours(1)) / 60 * 60 + 17;
      for (const char* time : {"start_time", "end_time"}) {
        if (const auto* at = type->FindFieldByName(time)) {
          reflection->MutableMessage(request.get(), at)
              ->CopyFrom(google::protobuf::util::TimeUtil::SecondsToTimestamp(
                  start + (time[0] == 's' ? 0 : 24 * 3600)));
        }
      }
      if (const auto* invitee = type->FindFieldByName("invitee")) {
        auto* message = static_cast<v1::Invitee*>(
            reflection->MutableMessage(request.get(), invitee));
        message->set_display_name("Eve");
        message->set_email("eve@example.com");
      }
      return request;
    }
    for (const char* field_name : {"parent", "name", "calendar"}) {
      const auto* field = type->FindFieldByName(field_name);
      if (field != nullptr &&
          field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        reflection->SetString(request.get(), field, name);
        return request;
      }
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const auto* field = type->field(i);
      if (field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
        continue;
      }
      const auto* inner = field->message_type()->FindFieldByName("name");
      if (inner == nullptr) continue;
      google::protobuf::Message* resource =
          reflection->MutableMessage(request.get(), field);
      resource->GetReflection()->SetString(resource, inner, name);
      return request;
    }
    ADD_FAILURE() << method.full_name() << ": no resource field";
    return request;
  }

  // The status of `method` called with `request` and `key`.
  grpc::Status Call(const google::protobuf::MethodDescriptor& method,
                    const google::protobuf::Message& request,
                    const std::string& key) {
    if (method.server_streaming()) {
      auto context = KeyContext(key, absl::Seconds(2));
      const auto& watch =
          dynamic_cast<const v1::WatchOneTimeLinkEventsRequest&>(request);
      auto reader = links_->WatchOneTimeLinkEvents(context.get(), watch);
      v1::OneTimeLinkEvent event;
      while (reader->Read(&event)) {
      }
      return reader->Finish();
    }
    auto context = KeyContext(key);
    return CallUnary(
        channel_,
        absl::StrCat("/", method.service()->full_name(), "/", method.name()),
        request, context.get());
  }

  std::string location_a_;
  std::string location_b_;
  std::string policy_path_;
  std::unique_ptr<SchedulingServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CalendarService::Stub> calendars_;
  std::unique_ptr<v1::OneTimeLinkService::Stub> links_;
};

// The API's services, from the descriptors linked into this binary.
std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  (void)v1::CreateCalendarRequest::descriptor();
  (void)v1::CreateOneTimeLinkRequest::descriptor();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  return {pool->FindServiceByName("scheduling.v1.CalendarService"),
          pool->FindServiceByName("scheduling.v1.OneTimeLinkService")};
}

std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto* service : Services()) {
    for (int m = 0; m < service->method_count(); ++m) {
      methods.push_back(service->method(m));
    }
  }
  return methods;
}

TEST_F(AuthTest, EveryMethodRefusesWhomItMustAndWritesNothing) {
  StartPlainServer();
  auto [calendar_b, link_b] = CalendarAndLink(location_b_);
  auto [calendar_a, link_a] = CalendarAndLink(location_a_);
  const std::string manage_b = ManageTokenOf(calendar_b);
  const std::string manage_a = ManageTokenOf(calendar_a);
  // The old key leaves the policy: a rotated-out key.
  WriteFileAtomically(policy_path_,
                      PolicyJson(location_a_, {kTenantAKey, kTenantAKey2}));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (server_->policies()->reloads() < 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(server_->policies()->reloads(), 1);

  const std::map<std::string, int64_t> before = RowsOf(location_b_);
  const std::map<std::string, int64_t> before_a = RowsOf(location_a_);
  int methods = 0;
  for (const auto* method : AllMethods()) {
    SCOPED_TRACE(method->full_name());
    ++methods;
    const auto call = MatrixCalls().find(method->full_name());
    if (call == MatrixCalls().end()) {
      ADD_FAILURE() << "not in MatrixCalls()";
      continue;
    }
    const Names names = call->second.names;
    const bool by_token = names == Names::kToken;
    const bool by_manage_token =
        method->input_type()->FindFieldByName("manage_token") != nullptr;
    EXPECT_EQ(by_token,
              by_manage_token ||
                  method->input_type()->FindFieldByName("token") != nullptr);
    auto on_b = RequestFor(*method, names, location_b_,
                           by_manage_token ? manage_b : link_b.token());
    auto on_a = RequestFor(*method, names, location_a_,
                           by_manage_token ? manage_a : link_a.token());

    grpc::Status none = Call(*method, *on_b, "");
    EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(none.error_message(), HasSubstr("no credentials"));
    grpc::Status wrong = Call(*method, *on_b, "not-a-key");
    EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(wrong.error_message(), "unknown API key");
    grpc::Status rotated = Call(*method, *on_b, kRotatedOutKey);
    EXPECT_EQ(rotated.error_code(), grpc::StatusCode::UNAUTHENTICATED);

    grpc::Status other_tenant = Call(*method, *on_b, kTenantAKey);
    if (by_token) {
      // Another tenant's token is answered like a token that never was.
      auto unknown_request =
          RequestFor(*method, names, location_b_,
                     by_manage_token ? kUnknownManageToken : kUnknownToken);
      grpc::Status never = Call(*method, *unknown_request, kSetupKey);
      EXPECT_EQ(never.error_code(), grpc::StatusCode::NOT_FOUND);
      EXPECT_EQ(other_tenant.error_code(), never.error_code());
      EXPECT_EQ(other_tenant.error_message(), never.error_message());
    } else {
      EXPECT_EQ(other_tenant.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_THAT(other_tenant.error_message(),
                  HasSubstr("principal \"tenant-a\" may not"));
      EXPECT_THAT(other_tenant.error_message(), HasSubstr(location_b_));
    }

    grpc::Status page = Call(*method, *on_a, kPageKey);
    if (by_token) {
      EXPECT_NE(page.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_NE(page.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    } else {
      EXPECT_EQ(page.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << page.error_message();
    }

    // Allowed (the new key of the rotation works): the call's own answer.
    grpc::Status allowed = Call(*method, *on_a, kTenantAKey2);
    EXPECT_EQ(allowed.error_code(), call->second.allowed)
        << client::DescribeStatus(allowed);
  }
  EXPECT_EQ(methods, static_cast<int>(auth::MethodPermissions().size()));
  EXPECT_EQ(methods, static_cast<int>(MatrixCalls().size()));
  EXPECT_EQ(RowsOf(location_b_), before);
  // Location A's link was only resolved and listed by the page: unused.
  EXPECT_EQ(RowsOf(location_a_)["link uses"], before_a.at("link uses"));
  v1::GetOneTimeLinkRequest get;
  get.set_name(link_b.name());
  v1::OneTimeLink after;
  ASSERT_TRUE(
      links_->GetOneTimeLink(KeyContext(kSetupKey).get(), get, &after).ok());
  EXPECT_EQ(after.state(), v1::OneTimeLink::ACTIVE);
  EXPECT_EQ(after.use_count(), 0);
}

TEST_F(AuthTest, TheAuditTrailNamesThePrincipalAndTheNoteApart) {
  StartPlainServer();
  auto [calendar, link] = CalendarAndLink(location_a_);
  v1::ListOneTimeLinkFreeSlotsRequest slots_request;
  slots_request.set_token(link.token());
  *slots_request.mutable_start_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(2)));
  *slots_request.mutable_end_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(26)));
  v1::ListOneTimeLinkFreeSlotsResponse slots;
  ASSERT_TRUE(links_
                  ->ListOneTimeLinkFreeSlots(KeyContext(kPageKey).get(),
                                             slots_request, &slots)
                  .ok());
  ASSERT_GT(slots.slots_size(), 0);
  v1::BookOneTimeLinkRequest book;
  book.set_token(link.token());
  *book.mutable_start_time() = slots.slots(0).start_time();
  book.mutable_invitee()->set_display_name("Ada");
  book.mutable_invitee()->set_email("ada@example.com");
  auto context = KeyContext(kPageKey);
  // A header naming someone else is a note, not an identity.
  context->AddMetadata("x-scheduling-caller", "setup");
  v1::Booking booking;
  ASSERT_TRUE(links_->BookOneTimeLink(context.get(), book, &booking).ok());

  v1::ListOneTimeLinkUsesRequest uses_request;
  uses_request.set_parent(link.name());
  v1::ListOneTimeLinkUsesResponse uses;
  ASSERT_TRUE(links_
                  ->ListOneTimeLinkUses(KeyContext(kTenantAKey).get(),
                                        uses_request, &uses)
                  .ok());
  ASSERT_EQ(uses.uses_size(), 1);
  EXPECT_EQ(uses.uses(0).caller(), "page-a");
  EXPECT_EQ(uses.uses(0).on_behalf_of(), "setup");

  v1::ListOneTimeLinkEventsRequest events_request;
  events_request.set_parent("locations/" + location_a_);
  v1::ListOneTimeLinkEventsResponse events;
  ASSERT_TRUE(links_
                  ->ListOneTimeLinkEvents(KeyContext(kTenantAKey).get(),
                                          events_request, &events)
                  .ok());
  ASSERT_EQ(events.events_size(), 2);
  EXPECT_EQ(events.events(0).principal(), "setup");   // created it
  EXPECT_EQ(events.events(1).principal(), "page-a");  // booked through it
}

TEST_F(AuthTest, PolicyReloadsAndABadReloadKeepsThePolicyInForce) {
  StartPlainServer();
  v1::ListCalendarsRequest list;
  list.set_parent("locations/" + location_a_);
  v1::ListCalendarsResponse response;
  ASSERT_TRUE(
      calendars_->ListCalendars(KeyContext(kTenantAKey).get(), list, &response)
          .ok());

  // A broken file: logged, and the policy in force stays.
  const int reloads = server_->policies()->reloads();
  WriteFileAtomically(policy_path_, "{\"roles\": [{\"name\": ");
  absl::SleepFor(absl::Milliseconds(500));  // five reload periods
  EXPECT_EQ(server_->policies()->reloads(), reloads);
  EXPECT_TRUE(
      calendars_->ListCalendars(KeyContext(kTenantAKey).get(), list, &response)
          .ok());

  // A good one without the key takes effect without a restart.
  WriteFileAtomically(policy_path_, PolicyJson(location_a_, {kTenantAKey2}));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status status;
  do {
    status = calendars_->ListCalendars(KeyContext(kTenantAKey).get(), list,
                                       &response);
  } while (status.ok() && absl::Now() < deadline);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(
      calendars_->ListCalendars(KeyContext(kTenantAKey2).get(), list, &response)
          .ok());
}

TEST_F(AuthTest, ABadPolicyStopsTheStartWithAClearMessage) {
  const std::string bad = WriteFile(
      "bad.json", R"({"roles": [{"name": "r", "permissions": ["links.fly"]}],
                      "principals": []})");
  ServerOptions options = TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
  options.access_policy = bad;
  auto started = SchedulingServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.status().message(),
              HasSubstr(absl::StrCat("access policy ", bad,
                                     ": roles[0].permissions[0]: no "
                                     "permission \"links.fly\"")));
}

TEST_F(AuthTest, TransportMustBeChosen) {
  ServerOptions options = TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
  options.insecure = false;
  auto started = SchedulingServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.status().message(), HasSubstr("--insecure"));
  options.tls_cert = WriteFile("not-a-cert.pem", "hello");
  options.tls_key = WriteFile("not-a-key.pem", "hello");
  started = SchedulingServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.status().message(),
              HasSubstr("no PEM certificate in the file"));
}

// mTLS: a server certificate and client certificates from a CA made here.
class MutualTlsTest : public AuthTest {
 protected:
  void StartTlsServer() {
    const Pem server =
        ca_.Issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
    cert_path_ = WriteFile("server.pem", server.certificate);
    key_path_ = WriteFile("server.key", server.key);
    client_ca_path_ = WriteFile("client-ca.pem", ca_.certificate());
    ServerOptions options =
        TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
    options.insecure = false;
    options.tls_cert = cert_path_;
    options.tls_key = key_path_;
    options.tls_client_ca = client_ca_path_;
    options.tls_reload_interval = absl::Seconds(1);
    options.access_policy = policy_path_;
    options.health_listen = "127.0.0.1:0";
    auto started = SchedulingServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  // A channel presenting `client` (none if empty), trusting `roots`.
  std::shared_ptr<grpc::Channel> TlsChannel(const Pem* client,
                                            const std::string& roots,
                                            const std::string& api_key = "") {
    client::ConnectionOptions connection;
    connection.target = absl::StrCat("127.0.0.1:", server_->port());
    connection.tls_ca_file =
        WriteFile("roots-" + std::to_string(++files_) + ".pem", roots);
    if (client != nullptr) {
      connection.tls_cert_file = WriteFile(
          "client-" + std::to_string(files_) + ".pem", client->certificate);
      connection.tls_key_file =
          WriteFile("client-" + std::to_string(files_) + ".key", client->key);
    }
    connection.api_key = api_key;
    std::shared_ptr<grpc::Channel> channel;
    EXPECT_TRUE(client::Connect(connection, &channel).ok());
    return channel;
  }

  grpc::Status CreateGroup(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& location) {
    auto stub = v1::CalendarService::NewStub(channel);
    v1::CreateGroupRequest request;
    request.set_parent("locations/" + location);
    request.mutable_group()->set_display_name("Over mTLS");
    v1::Group group;
    return stub->CreateGroup(KeyContext("").get(), request, &group);
  }

  // CreateGroup on `location_a_` over a fresh channel presenting `client`
  // and trusting `roots`, again until it succeeds (the server has reloaded
  // its certificate files) or 20 s pass; the last status.
  grpc::Status CreateGroupOnceAccepted(const Pem& client,
                                       const std::string& roots) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    for (;;) {
      grpc::Status status =
          CreateGroup(TlsChannel(&client, roots), location_a_);
      if (status.ok() || absl::Now() >= deadline) return status;
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  // `client` proves principal "crm": allowed on location A, refused on B.
  void ExpectCrm(const Pem& client) {
    auto channel = TlsChannel(&client, ca_.certificate());
    grpc::Status own = CreateGroup(channel, location_a_);
    EXPECT_TRUE(own.ok()) << client::DescribeStatus(own);
    grpc::Status other = CreateGroup(channel, location_b_);
    EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(other.error_message(), HasSubstr("principal \"crm\""));
  }

  TestCa ca_{"scheduling test CA"};
  std::string cert_path_;
  std::string key_path_;
  std::string client_ca_path_;
  int files_ = 0;
};

TEST_F(MutualTlsTest, TheCertificateIdentityIsThePrincipal) {
  StartTlsServer();
  ExpectCrm(ca_.Issue("crm-backend", {std::string("URI:") + kClientIdentity}));
}

TEST_F(MutualTlsTest, ADnsNameInTheCertificateIsThePrincipal) {
  StartTlsServer();
  // A common name the policy does not know: only the DNS SAN can match.
  ExpectCrm(ca_.Issue("crm-by-dns", {std::string("DNS:") + kClientDnsName}));
}

TEST_F(MutualTlsTest, TheClientCaRotatesWithoutARestart) {
  StartTlsServer();
  TestCa next_ca("next client CA");
  const Pem old_client =
      ca_.Issue("crm-backend", {std::string("URI:") + kClientIdentity});
  const Pem new_client =
      next_ca.Issue("crm-backend", {std::string("URI:") + kClientIdentity});
  EXPECT_EQ(CreateGroup(TlsChannel(&new_client, ca_.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(
      CreateGroup(TlsChannel(&old_client, ca_.certificate()), location_a_)
          .ok());
  WriteFileAtomically(client_ca_path_, next_ca.certificate());
  grpc::Status after = CreateGroupOnceAccepted(new_client, ca_.certificate());
  EXPECT_TRUE(after.ok()) << client::DescribeStatus(after);
  // The file no longer names the first CA: its clients are refused now.
  EXPECT_EQ(CreateGroup(TlsChannel(&old_client, ca_.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, BadClientCertificatesAreRefused) {
  StartTlsServer();
  const Pem expired =
      ca_.Issue("crm-backend", {std::string("URI:") + kClientIdentity},
                -absl::Hours(48), -absl::Hours(24));
  EXPECT_EQ(CreateGroup(TlsChannel(&expired, ca_.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  TestCa other_ca("another CA");
  const Pem foreign =
      other_ca.Issue("crm-backend", {std::string("URI:") + kClientIdentity});
  EXPECT_EQ(CreateGroup(TlsChannel(&foreign, ca_.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CreateGroup(TlsChannel(nullptr, ca_.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // A valid certificate the policy does not know proves nobody...
  const Pem stranger =
      ca_.Issue("stranger", {"URI:spiffe://scheduling.test/ns/x/sa/y"});
  grpc::Status unknown =
      CreateGroup(TlsChannel(&stranger, ca_.certificate()), location_a_);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(unknown.error_message(), HasSubstr("not in the access policy"));
  // ...unless the caller also presents an API key.
  EXPECT_TRUE(CreateGroup(TlsChannel(&stranger, ca_.certificate(), kTenantAKey),
                          location_a_)
                  .ok());
}

TEST_F(MutualTlsTest, HealthAnswersOnThePlainPortForProbes) {
  StartTlsServer();
  ASSERT_GT(server_->health_port(), 0);
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->health_port()),
                          grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  for (const char* service : {"", "liveness"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(KeyContext("").get(), request, &response).ok());
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
  // Nothing else is served there.
  auto calendars = v1::CalendarService::NewStub(channel);
  v1::ListCalendarsRequest list;
  list.set_parent("locations/" + location_a_);
  v1::ListCalendarsResponse response;
  EXPECT_EQ(
      calendars->ListCalendars(KeyContext(kTenantAKey).get(), list, &response)
          .error_code(),
      grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(MutualTlsTest, TheServerCertificateRotatesWithoutARestartOrAFailedCall) {
  StartTlsServer();
  const Pem crm =
      ca_.Issue("crm-backend", {std::string("URI:") + kClientIdentity});
  TestCa next_ca("next server CA");
  // A client that trusts both CAs keeps calling through the rotation.
  auto steady = TlsChannel(&crm, ca_.certificate() + next_ca.certificate());
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0}, failures{0};
  std::string first_failure;
  std::thread caller([&] {
    auto stub = v1::CalendarService::NewStub(steady);
    v1::ListGroupsRequest request;
    request.set_parent("locations/" + location_a_);
    while (!stop) {
      v1::ListGroupsResponse response;
      grpc::Status status =
          stub->ListGroups(KeyContext("").get(), request, &response);
      ++calls;
      if (!status.ok() && failures++ == 0) {
        first_failure = client::DescribeStatus(status);
      }
    }
  });
  // A client trusting only the next CA cannot connect yet.
  EXPECT_EQ(CreateGroup(TlsChannel(&crm, next_ca.certificate()), location_a_)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  const Pem rotated =
      next_ca.Issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
  // Key first, then certificate: each file replaced whole.
  WriteFileAtomically(key_path_, rotated.key);
  WriteFileAtomically(cert_path_, rotated.certificate);
  grpc::Status after = CreateGroupOnceAccepted(crm, next_ca.certificate());
  EXPECT_TRUE(after.ok()) << client::DescribeStatus(after);
  stop = true;
  caller.join();
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(failures.load(), 0) << first_failure;
}

// The real binary with --insecure (SCHEDULING_INSECURE=true, as
// ServerProcess runs it) says so in a warning line of its own.
TEST(PlainTextTest, TheServerWarnsThatItServesPlainText) {
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(std::getenv("SCHEDULING_TEST_DSN"));
  ASSERT_NE(server, nullptr);
  const nlohmann::json listening = server->AwaitLogMessage("listening");
  ASSERT_FALSE(listening.is_null());
  EXPECT_EQ(listening["transport"], "plaintext");
  int warnings = 0;
  for (const nlohmann::json& record : server->LogRecords()) {
    const std::string msg = record.value("msg", "");
    if (msg.rfind("PLAIN TEXT", 0) != 0) continue;
    ++warnings;
    EXPECT_EQ(record["level"], "warning");
    EXPECT_THAT(msg, HasSubstr("--insecure"));
    EXPECT_EQ(record["listen"], listening["listen"]);
  }
  EXPECT_EQ(warnings, 1);
}

}  // namespace
}  // namespace scheduling::testing
