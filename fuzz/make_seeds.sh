#!/usr/bin/env bash
# Writes the seed corpus of the request fuzzers (fuzz/corpus/<target>/) from
# the text-format requests below, so the binary seeds stay reviewable and can
# be remade when the protos change. Each seed is the selector byte of its
# request type (the fuzzer's kTargets index) followed by the request as
# protoc encodes it; free_slots_fuzzer's pair a range with a calendar. The
# seeds of dsn_fuzzer, access_policy_fuzzer and page_token_fuzzer are plain
# text files, kept by hand.
#
# Usage: bash fuzz/make_seeds.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo
cd "$repo"

# seed TARGET NAME SELECTOR MESSAGE < text-format request
seed() {
  local target="$1" name="$2" selector="$3" message="$4"
  local out="fuzz/corpus/$target/$name"
  mkdir -p "fuzz/corpus/$target"
  {
    printf "\\x$(printf %02x "$selector")"
    protoc -I protos -I /usr/include --encode="scheduling.v1.$message" \
      protos/scheduling/v1/calendar_service.proto \
      protos/scheduling/v1/one_time_link_service.proto
  } >"$out"
}

# free_pair TARGET NAME < two text-format requests separated by a line "--":
# a ListFreeSlotsRequest and a CreateCalendarRequest, as free_slots_fuzzer
# reads them (the first one's length in a byte, it, then the second).
free_pair() {
  local target="$1" name="$2" text range calendar
  text="$(cat)"
  range="$(mktemp)"
  calendar="$(mktemp)"
  sed '/^--$/,$d' <<<"$text" | protoc -I protos -I /usr/include \
    --encode=scheduling.v1.ListFreeSlotsRequest \
    protos/scheduling/v1/calendar_service.proto >"$range"
  sed '0,/^--$/d' <<<"$text" | protoc -I protos -I /usr/include \
    --encode=scheduling.v1.CreateCalendarRequest \
    protos/scheduling/v1/calendar_service.proto >"$calendar"
  mkdir -p "fuzz/corpus/$target"
  {
    printf "\\x$(printf %02x "$(stat -c %s "$range")")"
    cat "$range" "$calendar"
  } >"fuzz/corpus/$target/$name"
  rm -f "$range" "$calendar"
}

# 2026-01-02T09:00:00Z and a day later, after the fuzzers' fixed "now".
readonly start=1767344400 end=1767430800

# calendar_requests_fuzzer
t=calendar_requests_fuzzer
seed $t create_calendar_event 0 CreateCalendarRequest <<EOF
parent: "locations/acme" calendar_id: "intro"
calendar { display_name: "Intro call" slug: "intro-call" duration { seconds: 1800 }
  time_zone: "Europe/London" calendar_type: EVENT
  weekly_hours { day_of_week: MONDAY start_time { hours: 9 } end_time { hours: 17 } }
  weekly_hours { day_of_week: FRIDAY start_time { hours: 13 } end_time { hours: 17 minutes: 30 } }
  date_overrides { date { year: 2026 month: 1 day: 5 }
    open_intervals { start_time { hours: 10 } end_time { hours: 12 } } }
  slot_interval { seconds: 900 } buffer_before { seconds: 300 } buffer_after { seconds: 600 }
  minimum_notice { seconds: 3600 } booking_horizon_days: 60 max_bookings_per_day: 8 }
EOF
seed $t create_calendar_round_robin 0 CreateCalendarRequest <<EOF
parent: "locations/acme"
calendar { display_name: "Sales team" slug: "sales" duration { seconds: 3600 }
  time_zone: "America/New_York" calendar_type: ROUND_ROBIN
  team_members: "zoe" team_members: "adam" group: "locations/acme/groups/sales"
  weekly_hours { day_of_week: TUESDAY start_time { hours: 8 } end_time { hours: 24 } } }
EOF
seed $t create_calendar_class 0 CreateCalendarRequest <<EOF
parent: "locations/acme"
calendar { display_name: "Yoga class" slug: "yoga" duration { seconds: 5400 }
  time_zone: "Asia/Tokyo" calendar_type: CLASS_BOOKING seats_per_slot: 12
  team_members: "coach" status: INACTIVE
  weekly_hours { day_of_week: SATURDAY start_time { hours: 7 } end_time { hours: 9 } } }
EOF
seed $t create_calendar_service 0 CreateCalendarRequest <<EOF
parent: "locations/acme"
calendar { display_name: "Consultation" slug: "consult" duration { seconds: 1800 }
  time_zone: "UTC" calendar_type: SERVICE
  allowed_durations { seconds: 1800 } allowed_durations { seconds: 3600 }
  weekly_hours { day_of_week: WEDNESDAY start_time { hours: 9 } end_time { hours: 18 } } }
EOF
seed $t update_calendar 1 UpdateCalendarRequest <<EOF
calendar { name: "locations/acme/calendars/intro" etag: "\"v3\"" display_name: "Intro"
  duration { seconds: 2700 } max_bookings_per_day: 4
  weekly_hours { day_of_week: MONDAY start_time { hours: 10 } end_time { hours: 16 } } }
update_mask { paths: "display_name" paths: "duration" paths: "weekly_hours" paths: "max_bookings_per_day" }
EOF
seed $t update_calendar_all 1 UpdateCalendarRequest <<EOF
calendar { name: "locations/acme/calendars/intro" display_name: "Intro" slug: "intro"
  duration { seconds: 1800 } time_zone: "Europe/Paris" }
update_mask { paths: "*" }
EOF
seed $t create_group 2 CreateGroupRequest <<EOF
parent: "locations/acme" group_id: "sales"
group { display_name: "Sales" description: "Everyone who sells" }
EOF
seed $t update_group 3 UpdateGroupRequest <<EOF
group { name: "locations/acme/groups/sales" display_name: "Sales EMEA" etag: "\"v2\"" }
update_mask { paths: "display_name" paths: "description" }
EOF
seed $t duplicate_calendar 4 DuplicateCalendarRequest <<EOF
name: "locations/acme/calendars/intro" calendar_id: "intro-2" slug: "intro-2"
display_name: "Intro call (copy)"
EOF
seed $t move_calendar_to_group 5 MoveCalendarToGroupRequest <<EOF
name: "locations/acme/calendars/intro" group: "locations/acme/groups/sales"
EOF
seed $t list_free_slots 6 ListFreeSlotsRequest <<EOF
calendar: "locations/acme/calendars/intro" start_time { seconds: $start }
end_time { seconds: $end } time_zone: "Australia/Lord_Howe" duration { seconds: 3600 }
EOF
seed $t create_booking 7 CreateBookingRequest <<EOF
parent: "locations/acme/calendars/intro" start_time { seconds: $start }
invitee { display_name: "Zoë Ångström" email: "zoe@example.com" }
duration { seconds: 3600 } request_id: "7f9c0a52-1a9e-4c1b-9d6f-1b2c3d4e5f60"
EOF
seed $t reschedule_booking 8 RescheduleBookingRequest <<EOF
name: "locations/acme/calendars/intro/bookings/b-123" start_time { seconds: $end nanos: 0 }
EOF
seed $t cancel_booking 9 CancelBookingRequest <<EOF
name: "locations/acme/calendars/intro/bookings/b-123" reason: "Cannot make it"
EOF
seed $t get_calendar 10 GetCalendarRequest <<EOF
name: "locations/acme/calendars/intro"
EOF
seed $t get_group 11 GetGroupRequest <<EOF
name: "locations/acme/groups/sales"
EOF
seed $t get_booking 12 GetBookingRequest <<EOF
name: "locations/acme/calendars/intro/bookings/b-123"
EOF

# link_requests_fuzzer
t=link_requests_fuzzer
readonly token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_
seed $t create_one_time_link 0 CreateOneTimeLinkRequest <<EOF
parent: "locations/acme/calendars/intro" request_id: "req-1"
one_time_link { ttl { seconds: 172800 } max_uses: 3 enforce_invitee: true
  invitee { contact_id: "crm-42" display_name: "Zoë" email: "zoe@example.com" phone: "+442079460000" }
  metadata { key: "workflow" value: "onboarding" } metadata { key: "step.id" value: "7" }
  earliest_date { year: 2026 month: 1 day: 2 } latest_date { year: 2026 month: 1 day: 31 }
  duration { seconds: 3600 } }
EOF
seed $t create_one_time_link_expiry 0 CreateOneTimeLinkRequest <<EOF
parent: "locations/acme/calendars/intro"
one_time_link { expire_time { seconds: $end } }
EOF
seed $t batch_create_one_time_links 1 BatchCreateOneTimeLinksRequest <<EOF
parent: "locations/acme/calendars/intro"
requests { parent: "locations/acme/calendars/intro" request_id: "a" }
requests { parent: "locations/acme/calendars/intro" one_time_link { max_uses: 2 } }
EOF
seed $t book_one_time_link 2 BookOneTimeLinkRequest <<EOF
token: "$token" start_time { seconds: $start }
invitee { display_name: "Zoë" email: "zoe@example.com" }
EOF
seed $t resolve_one_time_link 3 ResolveOneTimeLinkRequest <<EOF
token: "$token"
EOF
seed $t list_one_time_link_free_slots 4 ListOneTimeLinkFreeSlotsRequest <<EOF
token: "$token" start_time { seconds: $start } end_time { seconds: $end } time_zone: "Europe/Berlin"
EOF
seed $t get_one_time_link 5 GetOneTimeLinkRequest <<EOF
name: "locations/acme/calendars/intro/oneTimeLinks/l-1"
EOF
seed $t revoke_one_time_link 6 RevokeOneTimeLinkRequest <<EOF
name: "locations/acme/calendars/intro/oneTimeLinks/l-1"
EOF
seed $t list_one_time_link_uses 7 ListOneTimeLinkUsesRequest <<EOF
parent: "locations/acme/calendars/intro/oneTimeLinks/l-1"
EOF

# list_requests_fuzzer
t=list_requests_fuzzer
seed $t list_calendars 0 ListCalendarsRequest <<EOF
parent: "locations/acme" page_size: 20 order_by: "display_name desc"
filter: "display_name:\"intro \\\\\"call\\\\\"\" AND calendar_type = ROUND_ROBIN AND status = ACTIVE AND group = \"locations/acme/groups/sales\""
EOF
seed $t list_calendars_by_update 0 ListCalendarsRequest <<EOF
parent: "locations/acme" order_by: "update_time" filter: "group = \"\""
EOF
seed $t list_groups 1 ListGroupsRequest <<EOF
parent: "locations/acme" page_size: 5
EOF
seed $t list_bookings 2 ListBookingsRequest <<EOF
parent: "locations/acme/calendars/intro" start_time { seconds: $start }
end_time { seconds: $end } show_cancelled: true page_size: 100
EOF
seed $t list_one_time_links 3 ListOneTimeLinksRequest <<EOF
parent: "locations/acme/calendars/intro" state: ACTIVE contact_id: "crm-42" page_size: 10
EOF
seed $t list_one_time_link_events 4 ListOneTimeLinkEventsRequest <<EOF
parent: "locations/acme" cursor: "ZXZlbnRzOnYxOmFjbWU6Nw==" page_size: 10
EOF
seed $t watch_one_time_link_events 5 WatchOneTimeLinkEventsRequest <<EOF
parent: "locations/acme"
EOF

# free_slots_fuzzer: ranges across DST changes (London's on 2026-03-29,
# Lord Howe's half hour on 2026-04-05) and the calendar types.
t=free_slots_fuzzer
free_pair $t event_london_dst <<EOF
start_time { seconds: 1774224000 } end_time { seconds: 1775347200 }
--
parent: "locations/acme"
calendar { display_name: "Intro call" slug: "intro-call" duration { seconds: 1800 }
  time_zone: "Europe/London" slot_interval { seconds: 900 } buffer_before { seconds: 300 }
  buffer_after { seconds: 600 } minimum_notice { seconds: 3600 } max_bookings_per_day: 8
  weekly_hours { day_of_week: SUNDAY start_time { hours: 0 } end_time { hours: 24 } }
  weekly_hours { day_of_week: MONDAY start_time { hours: 9 } end_time { hours: 17 } }
  date_overrides { date { year: 2026 month: 3 day: 30 }
    open_intervals { start_time { hours: 1 } end_time { hours: 3 } } } }
EOF
free_pair $t service_lord_howe <<EOF
start_time { seconds: 1775174400 } end_time { seconds: 1775606400 }
time_zone: "Australia/Lord_Howe" duration { seconds: 3600 }
--
parent: "locations/acme"
calendar { display_name: "Consultation" slug: "consult" duration { seconds: 1800 }
  time_zone: "Australia/Lord_Howe" calendar_type: SERVICE booking_horizon_days: 120
  allowed_durations { seconds: 1800 } allowed_durations { seconds: 3600 }
  weekly_hours { day_of_week: SUNDAY start_time { hours: 0 } end_time { hours: 24 } } }
EOF
free_pair $t round_robin_week <<EOF
start_time { seconds: $start } end_time { seconds: $end }
--
parent: "locations/acme"
calendar { display_name: "Sales team" slug: "sales" duration { seconds: 3600 }
  time_zone: "America/New_York" calendar_type: ROUND_ROBIN
  team_members: "zoe" team_members: "adam"
  weekly_hours { day_of_week: FRIDAY start_time { hours: 8 } end_time { hours: 24 } } }
EOF
free_pair $t class_default_range <<EOF
--
parent: "locations/acme"
calendar { display_name: "Yoga class" slug: "yoga" duration { seconds: 5400 }
  time_zone: "Asia/Kolkata" calendar_type: CLASS_BOOKING seats_per_slot: 12
  team_members: "coach"
  weekly_hours { day_of_week: SATURDAY start_time { hours: 7 } end_time { hours: 9 } } }
EOF

echo "seeds written under fuzz/corpus/"
