// The one-time link commands: create (one or a batch), get, list and revoke
// links and list their uses; resolve a link, list its free slots and book
// through it; and read or watch the links' events.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/cli/command_helpers.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"

ABSL_FLAG(absl::Duration, expire_in, absl::Hours(48),
          "lifetime of a new link, from now on this machine's clock; 0 for no "
          "expiry. Used unless --ttl or --expire_time is given");
ABSL_FLAG(absl::Duration, ttl, absl::ZeroDuration(),
          "a new link expires this long after the server creates it, 1m to "
          "8760h (365 days)");
ABSL_FLAG(std::string, expire_time, "",
          "RFC 3339 instant a new link expires at; must be in the future");
ABSL_FLAG(int, max_uses, 0,
          "how many bookings a new link allows, 1 to 1000; 0 for 1");
ABSL_FLAG(std::string, contact_id, "",
          "the caller's id of the contact a new link is for (e.g. the CRM's), "
          "at most 128 bytes; list-links: only that contact's links");
ABSL_FLAG(std::string, invitee_phone, "",
          "phone of whom a new link is for, E.164 like +14155550100");
ABSL_FLAG(bool, enforce_invitee, false,
          "a new link books only for its --invitee_email");
ABSL_FLAG(bool, return_use_on_cancel, false,
          "cancelling a booking made through a new link gives its use back");
ABSL_FLAG(std::string, metadata, "",
          "a new link's metadata, returned on its bookings and events: "
          "\"key=value,key2=value2\"; may be repeated");
ABSL_FLAG(std::string, earliest_date, "",
          "first local date (YYYY-MM-DD, the calendar's zone) a new link can "
          "book");
ABSL_FLAG(std::string, latest_date, "",
          "last local date (YYYY-MM-DD) a new link can book; within the "
          "calendar's booking horizon");
ABSL_FLAG(absl::Duration, link_duration, absl::ZeroDuration(),
          "booking length through a new link, one of those its calendar "
          "allows; 0 for the calendar's");
ABSL_FLAG(int, count, 0, "batch-create-links: how many links, 1 to 1000");
ABSL_FLAG(std::string, contacts_file, "",
          "batch-create-links: a file with one contact id per line (- for "
          "stdin; blank lines and # comments skipped): one link for each");
ABSL_FLAG(std::string, state, "",
          "list-links: only links in this state: active, used, expired or "
          "revoked");
ABSL_FLAG(std::string, cursor, "",
          "events after this cursor (a next_cursor or an event's cursor); "
          "empty for all from the first");
ABSL_FLAG(absl::Duration, for, absl::ZeroDuration(),
          "watch-events: stop after this long; 0 to watch until Ctrl-C");
ABSL_FLAG(std::string, caller, "",
          "book: who is calling (a service's name), sent as the "
          "x-scheduling-caller header and recorded with the use");
ABSL_FLAG(std::string, token, "", "token of a one-time link, from its URL");

namespace scheduling::cli {
namespace {

// The server's limits on link options (see one_time_link.proto).
constexpr int kMaxLinkUses = 1000;
constexpr size_t kMaxBatchLinks = 1000;
constexpr size_t kMaxContactIdBytes = 128;
constexpr size_t kMaxInviteeNameLength = 200;
constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxMetadataEntries = 32;
constexpr size_t kMaxMetadataKeyLength = 63;
constexpr size_t kMaxMetadataValueBytes = 512;
constexpr size_t kMaxMetadataBytes = 4096;
constexpr size_t kMaxCallerLength = 200;
constexpr absl::Duration kMaxLinkTtl = absl::Hours(24 * 365);
constexpr absl::string_view kCallerHeader = "x-scheduling-caller";

int PrintLink(const scheduling::v1::OneTimeLink& link) {
  FieldPrinter fields;
  AddOneTimeLink(link, DisplayZone(), &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

absl::Status CheckContactId(absl::string_view flag, absl::string_view id) {
  if (id.size() > kMaxContactIdBytes || HasControlCharacter(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", absl::CHexEscape(id.substr(0, 40)),
                     "\" is not a contact id (at most ", kMaxContactIdBytes,
                     " bytes without control characters)"));
  }
  return absl::OkStatus();
}

// E.164: "+", then 7 to 15 digits, the first not 0.
bool IsE164(absl::string_view phone) {
  return phone.size() >= 8 && phone.size() <= 16 && phone[0] == '+' &&
         phone[1] != '0' &&
         std::all_of(phone.begin() + 1, phone.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

bool IsMetadataKey(absl::string_view key) {
  return !key.empty() && key.size() <= kMaxMetadataKeyLength &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return absl::ascii_islower(static_cast<unsigned char>(c)) ||
                  absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                  c == '_' || c == '-' || c == '.';
         });
}

// Reads every --metadata given (a flag absl would keep only the last of):
// comma-separated key=value pairs.
absl::Status ParseMetadata(
    const Invocation& call,
    google::protobuf::Map<std::string, std::string>* out) {
  std::vector<std::string> texts;
  if (auto it = call.values.find("metadata"); it != call.values.end()) {
    texts = it->second;
  } else if (std::string text = absl::GetFlag(FLAGS_metadata); !text.empty()) {
    texts.push_back(std::move(text));  // e.g. from a --flagfile
  }
  size_t bytes = 0;
  for (const std::string& text : texts) {
    for (absl::string_view entry :
         absl::StrSplit(text, ',', absl::SkipEmpty())) {
      const size_t equals = entry.find('=');
      if (equals == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: \"", entry,
                         "\" is not key=value (values cannot contain commas)"));
      }
      const std::string key(
          absl::StripAsciiWhitespace(entry.substr(0, equals)));
      const absl::string_view value = entry.substr(equals + 1);
      if (!IsMetadataKey(key)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: key \"", key, "\" is not 1 to ",
                         kMaxMetadataKeyLength, " of a-z, 0-9, _, - and ."));
      }
      if (value.size() > kMaxMetadataValueBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: the value of \"", key, "\" is over ",
                         kMaxMetadataValueBytes, " bytes"));
      }
      if (out->count(key) > 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: key \"", key, "\" appears twice"));
      }
      bytes += key.size() + value.size();
      (*out)[key] = std::string(value);
    }
  }
  if (out->size() > kMaxMetadataEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metadata: at most ", kMaxMetadataEntries, " entries"));
  }
  if (bytes > kMaxMetadataBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metadata: at most ", kMaxMetadataBytes,
                     " bytes of keys and values"));
  }
  return absl::OkStatus();
}

// Parses a YYYY-MM-DD flag into `date`.
absl::Status ParseDateFlag(absl::string_view flag, const std::string& text,
                           google::type::Date* date) {
  absl::CivilDay day;
  // The round trip refuses what absl would normalize, e.g. 2026-02-30.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text ||
      day.year() < 1 || day.year() > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " \"", text, "\" is not a date like 2026-12-01"));
  }
  date->set_year(static_cast<int>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
  return absl::OkStatus();
}

// The options of a new link that the LINK OPTIONS flags give (all but
// --request_id, which is the request's).
absl::StatusOr<scheduling::v1::OneTimeLink> LinkOptionsFromFlags(
    const Invocation& call) {
  scheduling::v1::OneTimeLink link;
  const int expiries = static_cast<int>(call.Given("ttl")) +
                       static_cast<int>(call.Given("expire_time")) +
                       static_cast<int>(call.Given("expire_in"));
  if (expiries > 1) {
    return absl::InvalidArgumentError(
        "give at most one of --ttl, --expire_in and --expire_time");
  }
  if (call.Given("ttl")) {
    const absl::Duration ttl = absl::GetFlag(FLAGS_ttl);
    if (ttl < absl::Minutes(1) || ttl > kMaxLinkTtl) {
      return absl::InvalidArgumentError(
          "--ttl must be 1m to 8760h (365 days); --expire_in=0 never expires");
    }
    *link.mutable_ttl() = DurationToProto(ttl);
  } else if (call.Given("expire_time")) {
    absl::StatusOr<absl::Time> time =
        ParseInstantFlag("expire_time", absl::GetFlag(FLAGS_expire_time));
    if (!time.ok()) return time.status();
    if (*time <= absl::Now()) {
      return absl::InvalidArgumentError("--expire_time must be in the future");
    }
    *link.mutable_expire_time() = TimeToProto(*time);
  } else {
    const absl::Duration expire_in = absl::GetFlag(FLAGS_expire_in);
    if (expire_in < absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--expire_in must not be negative");
    }
    if (expire_in > absl::ZeroDuration()) {
      *link.mutable_expire_time() = TimeToProto(absl::Now() + expire_in);
    }
  }

  link.set_max_uses(absl::GetFlag(FLAGS_max_uses));
  if (absl::Status status =
          CheckRange("max_uses", link.max_uses(), 0, kMaxLinkUses, "1");
      !status.ok()) {
    return status;
  }

  scheduling::v1::LinkInvitee& invitee = *link.mutable_invitee();
  invitee.set_contact_id(absl::GetFlag(FLAGS_contact_id));
  if (absl::Status status = CheckContactId("contact_id", invitee.contact_id());
      !status.ok()) {
    return status;
  }
  invitee.set_display_name(absl::GetFlag(FLAGS_invitee_name));
  if (CharacterCount(invitee.display_name()) > kMaxInviteeNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("--invitee_name must be at most ", kMaxInviteeNameLength,
                     " characters"));
  }
  invitee.set_email(absl::GetFlag(FLAGS_invitee_email));
  if (!invitee.email().empty() && (invitee.email().size() > kMaxEmailLength ||
                                   !absl::StrContains(invitee.email(), '@'))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--invitee_email \"", invitee.email(), "\" is not an e-mail address"));
  }
  invitee.set_phone(absl::GetFlag(FLAGS_invitee_phone));
  if (!invitee.phone().empty() && !IsE164(invitee.phone())) {
    return absl::InvalidArgumentError(
        absl::StrCat("--invitee_phone \"", invitee.phone(),
                     "\" is not E.164 like +14155550100"));
  }
  link.set_enforce_invitee(absl::GetFlag(FLAGS_enforce_invitee));
  link.set_return_use_on_cancel(absl::GetFlag(FLAGS_return_use_on_cancel));
  if (link.enforce_invitee() && invitee.email().empty()) {
    return absl::InvalidArgumentError(
        "--enforce_invitee needs --invitee_email to enforce");
  }
  // Last: clearing deletes what `invitee` refers to.
  if (invitee.ByteSizeLong() == 0) link.clear_invitee();

  if (absl::Status status = ParseMetadata(call, link.mutable_metadata());
      !status.ok()) {
    return status;
  }

  if (const std::string text = absl::GetFlag(FLAGS_earliest_date);
      !text.empty()) {
    if (absl::Status status =
            ParseDateFlag("earliest_date", text, link.mutable_earliest_date());
        !status.ok()) {
      return status;
    }
  }
  if (const std::string text = absl::GetFlag(FLAGS_latest_date);
      !text.empty()) {
    if (absl::Status status =
            ParseDateFlag("latest_date", text, link.mutable_latest_date());
        !status.ok()) {
      return status;
    }
  }
  if (link.has_earliest_date() && link.has_latest_date() &&
      FormatDate(link.latest_date()) < FormatDate(link.earliest_date())) {
    return absl::InvalidArgumentError(
        "--latest_date must not be before --earliest_date");
  }

  if (call.Given("link_duration")) {
    const absl::Duration duration = absl::GetFlag(FLAGS_link_duration);
    if (absl::Status status = CheckMinutes("link_duration", duration, true);
        !status.ok()) {
      return status;
    }
    if (duration > absl::ZeroDuration()) {
      *link.mutable_duration() = DurationToProto(duration);
    }
  }
  return link;
}

// Parses --state of list-links.
absl::StatusOr<scheduling::v1::OneTimeLink::State> ParseLinkState(
    absl::string_view text) {
  using scheduling::v1::OneTimeLink;
  OneTimeLink::State state = OneTimeLink::STATE_UNSPECIFIED;
  if (text.empty()) return state;
  if (!OneTimeLink::State_Parse(
          absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text)), &state) ||
      state == OneTimeLink::STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--state \"", text, "\" is none of active, used, expired, revoked"));
  }
  return state;
}

// The contact ids of --contacts_file: one a line, blank lines and lines
// starting with # skipped.
absl::StatusOr<std::vector<std::string>> ReadContactsFile(
    const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) {
      return absl::InvalidArgumentError(
          absl::StrCat("--contacts_file: cannot read \"", path,
                       "\": ", std::strerror(errno)));
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<std::string> contacts;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view contact = absl::StripAsciiWhitespace(line);
    if (contact.empty() || absl::StartsWith(contact, "#")) continue;
    if (!CheckContactId("contacts_file", contact).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--contacts_file: line ", number, " is not a contact id (at most ",
          kMaxContactIdBytes, " bytes without control characters)"));
    }
    if (contacts.size() == kMaxBatchLinks) {
      return absl::InvalidArgumentError(
          absl::StrCat("--contacts_file: more than ", kMaxBatchLinks,
                       " contacts; split the file"));
    }
    contacts.emplace_back(contact);
  }
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--contacts_file: reading \"", path, "\" failed"));
  }
  if (contacts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--contacts_file: no contact id in \"", path, "\""));
  }
  return contacts;
}

int RunCreateLink(const Invocation& call) {
  absl::StatusOr<scheduling::v1::OneTimeLink> options =
      LinkOptionsFromFlags(call);
  if (!options.ok()) return call.UsageError(options.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::CreateOneTimeLinkRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  *request.mutable_one_time_link() = *std::move(options);
  request.set_request_id(request_id);
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->CreateOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunBatchCreateLinks(const Invocation& call) {
  absl::StatusOr<scheduling::v1::OneTimeLink> options =
      LinkOptionsFromFlags(call);
  if (!options.ok()) return call.UsageError(options.status().message());
  std::vector<std::string> contacts;
  size_t count = 0;
  if (call.Given("contacts_file")) {
    if (call.Given("contact_id")) {
      return call.UsageError(
          "--contact_id and --contacts_file exclude each other: the file "
          "gives each link its contact");
    }
    absl::StatusOr<std::vector<std::string>> read =
        ReadContactsFile(absl::GetFlag(FLAGS_contacts_file));
    if (!read.ok()) return call.UsageError(read.status().message());
    contacts = *std::move(read);
    count = contacts.size();
    if (call.Given("count") &&
        absl::GetFlag(FLAGS_count) != static_cast<int>(count)) {
      return call.UsageError(
          absl::StrCat("--count is ", absl::GetFlag(FLAGS_count),
                       " but --contacts_file has ", count, " contacts"));
    }
  } else {
    if (!call.Given("count")) {
      return call.UsageError("--count or --contacts_file is required");
    }
    if (absl::Status status = CheckRange("count", absl::GetFlag(FLAGS_count), 1,
                                         kMaxBatchLinks, "");
        !status.ok()) {
      return call.UsageError(status.message());
    }
    count = static_cast<size_t>(absl::GetFlag(FLAGS_count));
  }
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  if (!request_id.empty() &&
      request_id.size() + 1 + absl::StrCat(count).size() > kMaxIdLength) {
    return call.UsageError(absl::StrCat(
        "--request_id is too long for a batch: with \"-", count,
        "\" appended it must stay within ", kMaxIdLength, " characters"));
  }

  scheduling::v1::BatchCreateOneTimeLinksRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  for (size_t i = 0; i < count; ++i) {
    scheduling::v1::CreateOneTimeLinkRequest& item = *request.add_requests();
    *item.mutable_one_time_link() = *options;
    if (!contacts.empty()) {
      item.mutable_one_time_link()->mutable_invitee()->set_contact_id(
          contacts[i]);
    }
    if (!request_id.empty()) {
      item.set_request_id(absl::StrCat(request_id, "-", i + 1));
    }
  }
  scheduling::v1::BatchCreateOneTimeLinksResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status = call.services.links->BatchCreateOneTimeLinks(
      &context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  TablePrinter table({"NAME", "CONTACT", "URL"});
  for (const scheduling::v1::OneTimeLink& link : response.one_time_links()) {
    const std::string& contact = link.invitee().contact_id();
    table.AddRow({link.name(), contact.empty() ? "-" : contact, link.url()});
  }
  table.Print(std::cout);
  std::cout << "\n";
  FieldPrinter()
      .Add("links", absl::StrCat(response.one_time_links_size()))
      .Print(std::cout);
  return 0;
}

int RunGetLink(const Invocation& call) {
  scheduling::v1::GetOneTimeLinkRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->GetOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunRevokeLink(const Invocation& call) {
  scheduling::v1::RevokeOneTimeLinkRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->RevokeOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunListLinks(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  absl::StatusOr<scheduling::v1::OneTimeLink::State> state =
      ParseLinkState(absl::GetFlag(FLAGS_state));
  if (!state.ok()) return call.UsageError(state.status().message());
  const std::string contact_id = absl::GetFlag(FLAGS_contact_id);
  if (absl::Status status = CheckContactId("contact_id", contact_id);
      !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::ListOneTimeLinksRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  request.set_state(*state);
  request.set_contact_id(contact_id);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListOneTimeLinksResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinks(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.one_time_links().empty()) {
    TablePrinter table({"NAME", "STATE", "USES", "CONTACT", "INVITEE",
                        "EXPIRES (UTC)", "CREATED (UTC)"});
    for (const scheduling::v1::OneTimeLink& link : response.one_time_links()) {
      const std::string& contact = link.invitee().contact_id();
      table.AddRow(
          {link.name(), scheduling::v1::OneTimeLink::State_Name(link.state()),
           absl::StrCat(link.use_count(), "/", std::max(link.max_uses(), 1)),
           contact.empty() ? "-" : contact, FormatLinkInvitee(link.invitee()),
           link.has_expire_time() ? FormatUtc(link.expire_time()) : "never",
           FormatUtc(link.create_time())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("links", response.one_time_links_size(),
                  response.next_page_token());
  return 0;
}

int RunLinkUses(const Invocation& call) {
  scheduling::v1::ListOneTimeLinkUsesRequest request;
  request.set_parent(absl::GetFlag(FLAGS_name));
  scheduling::v1::ListOneTimeLinkUsesResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinkUses(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.uses().empty()) {
    TablePrinter table({"USED (UTC)", "BOOKING", "INVITEE", "CALLER"});
    for (const scheduling::v1::OneTimeLinkUse& use : response.uses()) {
      table.AddRow({FormatUtc(use.use_time()), use.booking(),
                    absl::StrCat(use.invitee_display_name(), " <",
                                 use.invitee_email(), ">"),
                    use.caller().empty() ? "-" : use.caller()});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  FieldPrinter()
      .Add("link", request.parent())
      .Add("uses", absl::StrCat(response.uses_size()))
      .Print(std::cout);
  return 0;
}

int RunResolve(const Invocation& call) {
  scheduling::v1::ResolveOneTimeLinkRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  scheduling::v1::ResolveOneTimeLinkResponse resolved;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ResolveOneTimeLink(&context, request, &resolved);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter fields;
  AddResolvedLink(resolved, &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

int RunLinkSlots(const Invocation& call) {
  absl::StatusOr<SlotRange> range = SlotRangeFromFlags();
  if (!range.ok()) return call.UsageError(range.status().message());
  scheduling::v1::ListOneTimeLinkFreeSlotsRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  *request.mutable_start_time() = TimeToProto(range->from);
  *request.mutable_end_time() = TimeToProto(range->to);
  request.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  scheduling::v1::ListOneTimeLinkFreeSlotsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status = call.services.links->ListOneTimeLinkFreeSlots(
      &context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  PrintSlotsResponse("token", request.token(), *range, "", response);
  return 0;
}

int RunBook(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  const std::string caller = absl::GetFlag(FLAGS_caller);
  // What a gRPC header value may hold.
  if (caller.size() > kMaxCallerLength ||
      !std::all_of(caller.begin(), caller.end(),
                   [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return call.UsageError(absl::StrCat("--caller must be at most ",
                                        kMaxCallerLength,
                                        " printable ASCII characters"));
  }
  scheduling::v1::BookOneTimeLinkRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  *request.mutable_start_time() = TimeToProto(*start);
  request.mutable_invitee()->set_display_name(
      absl::GetFlag(FLAGS_invitee_name));
  request.mutable_invitee()->set_email(absl::GetFlag(FLAGS_invitee_email));
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  if (!caller.empty()) context.AddMetadata(std::string(kCallerHeader), caller);
  const grpc::Status status =
      call.services.links->BookOneTimeLink(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunLinkEvents(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListOneTimeLinkEventsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_cursor(absl::GetFlag(FLAGS_cursor));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  scheduling::v1::ListOneTimeLinkEventsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinkEvents(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.events().empty()) {
    TablePrinter table({"TIME (UTC)", "TYPE", "LINK", "BOOKING", "CONTACT",
                        "STATE", "METADATA"});
    for (const scheduling::v1::OneTimeLinkEvent& event : response.events()) {
      table.AddRow({FormatUtc(event.event_time()),
                    scheduling::v1::OneTimeLinkEvent::Type_Name(event.type()),
                    event.one_time_link(),
                    event.booking().empty() ? "-" : event.booking(),
                    event.contact_id().empty() ? "-" : event.contact_id(),
                    scheduling::v1::OneTimeLink::State_Name(event.state()),
                    FormatMetadata(event.metadata())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  FieldPrinter()
      .Add("events", absl::StrCat(response.events_size()))
      .Add("next_cursor", response.next_cursor().empty()
                              ? "- (no events yet)"
                              : response.next_cursor())
      .Print(std::cout);
  return 0;
}

// Turns SIGINT and SIGTERM into a cancelled call while installed. The
// handler only writes a byte to a pipe (async-signal-safe); a thread
// waiting on the pipe cancels the call.
class StopOnSignal {
 public:
  explicit StopOnSignal(grpc::ClientContext* context) : context_(context) {
    if (pipe(fds_) != 0) return;
    for (int fd : fds_) fcntl(fd, F_SETFD, FD_CLOEXEC);
    write_fd_ = fds_[1];
    struct sigaction action = {};
    action.sa_handler = &StopOnSignal::OnSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    watcher_ = std::thread([this] {
      char byte = 0;
      ssize_t read_bytes = 0;
      do {
        read_bytes = read(fds_[0], &byte, 1);
      } while (read_bytes < 0 && errno == EINTR);
      if (read_bytes == 1 && byte == kSignalled) {
        signalled_ = true;
        context_->TryCancel();
      }
    });
  }

  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  ~StopOnSignal() {
    if (!watcher_.joinable()) return;
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    WriteByte(kDone);
    watcher_.join();
    write_fd_ = -1;
    close(fds_[0]);
    close(fds_[1]);
  }

  // Whether a signal cancelled the call.
  bool signalled() const { return signalled_; }

 private:
  static constexpr char kSignalled = 's';
  static constexpr char kDone = 'd';

  static void OnSignal(int) {
    const int saved_errno = errno;
    WriteByte(kSignalled);
    errno = saved_errno;
  }

  static void WriteByte(char byte) {
    if (write_fd_ >= 0 && write(write_fd_, &byte, 1) < 0) {
      // Nothing to do: the watcher is gone or the pipe is full of stops.
    }
  }

  // One StopOnSignal at a time: the handler has no other way to it.
  static inline volatile std::sig_atomic_t write_fd_ = -1;

  grpc::ClientContext* context_;
  int fds_[2] = {-1, -1};
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
  std::atomic<bool> signalled_{false};
  std::thread watcher_;
};

int RunWatchEvents(const Invocation& call) {
  const absl::Duration watch_for = absl::GetFlag(FLAGS_for);
  if (watch_for < absl::ZeroDuration()) {
    return call.UsageError(
        "--for must not be negative (0 watches until "
        "Ctrl-C)");
  }
  scheduling::v1::WatchOneTimeLinkEventsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_cursor(absl::GetFlag(FLAGS_cursor));

  grpc::ClientContext context;
  if (watch_for > absl::ZeroDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + watch_for));
  }
  std::cerr << "watching " << request.parent() << " "
            << (request.cursor().empty() ? "from the first event"
                                         : "after the cursor")
            << (watch_for > absl::ZeroDuration()
                    ? absl::StrCat(" for ", absl::FormatDuration(watch_for))
                    : std::string(" until Ctrl-C"))
            << "\n";
  std::string cursor = request.cursor();
  int events = 0;
  grpc::Status status;
  bool signalled = false;
  {
    StopOnSignal stop(&context);
    std::unique_ptr<grpc::ClientReader<scheduling::v1::OneTimeLinkEvent>>
        reader = call.services.links->WatchOneTimeLinkEvents(&context, request);
    scheduling::v1::OneTimeLinkEvent event;
    while (reader->Read(&event)) {
      std::cout << FormatLinkEventLine(event) << std::endl;
      cursor = event.cursor();
      ++events;
    }
    status = reader->Finish();
    signalled = stop.signalled();
  }
  const bool timed_out = watch_for > absl::ZeroDuration() &&
                         status.error_code() == grpc::DEADLINE_EXCEEDED;
  const std::string resume =
      cursor.empty() ? "" : absl::StrCat("; resume with --cursor=", cursor);
  if (signalled && (status.ok() || status.error_code() == grpc::CANCELLED)) {
    std::cerr << "stopped on a signal after " << events << " event(s)" << resume
              << "\n";
    return 0;
  }
  if (timed_out) {
    std::cerr << "stopped after " << absl::FormatDuration(watch_for) << ": "
              << events << " event(s)" << resume << "\n";
    return 0;
  }
  if (status.ok()) {
    std::cerr << "schedctl " << call.command.name
              << ": the server ended the stream (shutting down?) after "
              << events << " event(s)" << resume << "\n";
    return kCallFailed;
  }
  call.CallFailed(status);
  if (!resume.empty())
    std::cerr << "after " << events << " event(s)" << resume << "\n";
  return kCallFailed;
}

constexpr Command kLinkCommands[] = {
    {"create-link", "--calendar=CALENDAR [LINK OPTIONS] [--time_zone=Z]",
     "calendar", RunCreateLink, "one-time links"},
    {"batch-create-links",
     "--calendar=CALENDAR (--count=N | --contacts_file=PATH) [LINK OPTIONS]",
     "calendar", RunBatchCreateLinks},
    {"get-link", "--name=LINK [--time_zone=Z]", "name", RunGetLink},
    {"list-links",
     "--calendar=CALENDAR [--state=S] [--contact_id=C] [--page_size=N] "
     "[--page_token=T]",
     "calendar", RunListLinks},
    {"revoke-link", "--name=LINK [--time_zone=Z]", "name", RunRevokeLink},
    {"link-uses", "--name=LINK", "name", RunLinkUses},
    {"resolve", "--token=T", "token", RunResolve},
    {"link-slots", "--token=T [--from=RFC3339] [--days=7] [--time_zone=Z]",
     "token", RunLinkSlots},
    {"book",
     "--token=T --start=RFC3339 --invitee_name=N --invitee_email=E "
     "[--caller=NAME] [--time_zone=Z]",
     "token start invitee_name invitee_email", RunBook},

    {"link-events", "--location=L [--cursor=C] [--page_size=N]", "location",
     RunLinkEvents, "link events"},
    {"watch-events", "--location=L [--cursor=C] [--for=30s]", "location",
     RunWatchEvents},
};

}  // namespace

absl::Span<const Command> LinkCommands() { return kLinkCommands; }

}  // namespace scheduling::cli
