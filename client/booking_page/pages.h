// The booking page's HTML: what each page shows, as plain structs, and the
// functions that write them. Every string in a view is raw text; the
// renderers escape all of it (escape.h), so handlers never build HTML.
//
// Thread-safe: pure functions.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_PAGES_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_PAGES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace scheduling::booking_page {

// The seed's page for a link that can no longer be booked.
inline constexpr char kGoneHeading[] = "Uh-oh!";
inline constexpr char kGoneText[] =
    "The link is no longer active. Please reach out to the event owner for a "
    "new link.";

// An <option> of a <select>.
struct Option {
  std::string value;
  std::string label;
  bool selected = false;
};

// A free slot as a radio button.
struct SlotChoice {
  std::string value;  // FormatSlotValue of its start
  std::string label;  // "09:00"
  bool checked = false;
};

// The slots of one day.
struct DayChoices {
  std::string heading;  // "Tuesday 3 November"
  std::vector<SlotChoice> slots;
};

using HiddenFields = std::vector<std::pair<std::string, std::string>>;

// The slot list with the booking form.
struct SlotPageView {
  // This page's path: where the zone form and the booking form go.
  std::string path;
  std::string calendar_name;
  std::string duration;           // "30 min"; shown when `durations` is empty
  std::vector<Option> durations;  // the choice of a SERVICE calendar
  std::string bookable_window;    // "Bookable ... to ...", or empty
  std::string host_zone;          // ZoneLabel of the calendar's zone
  std::string zone;               // the zone times are shown in
  // True when the address names no zone and the page was rendered in the
  // calendar's: page.js reloads it in the browser's.
  bool zone_is_guess = false;
  std::vector<Option> zones;
  HiddenFields zone_form_fields;  // kept when the zone changes
  std::string range;              // "Tuesday 3 November – Monday 9 November"
  std::string earlier_href;       // empty: no earlier days
  std::string later_href;         // empty: no later days
  std::vector<DayChoices> days;
  std::string invitee_name;
  std::string invitee_email;
  std::string name_error;
  std::string email_error;
  HiddenFields booking_form_fields;  // zone, window, key, form token
  std::string notice;                // e.g. "That time was just taken"
};

// After a booking.
struct ConfirmationView {
  std::string calendar_name;
  std::string invitee_when;  // FormatInterval in the invitee's zone
  std::string invitee_zone;  // ZoneLabel
  std::string host_when;     // FormatInterval in the calendar's zone
  std::string host_zone;
  std::string name;
  std::string email;
  std::string reference;  // the booking's id
};

// A page that only says something: the "Uh-oh!" page, errors.
struct MessageView {
  std::string title;
  std::string heading;
  std::string text;
  std::string link_href;  // optional way on
  std::string link_text;
};

std::string RenderSlotPage(const SlotPageView& view);
std::string RenderConfirmation(const ConfirmationView& view);
std::string RenderMessage(const MessageView& view);

// The zones offered in the selector: a short list of common ones plus
// `selected` and `calendar_zone` (page.js adds the browser's whole list).
std::vector<Option> ZoneOptions(absl::string_view selected,
                                absl::string_view calendar_zone);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_PAGES_H_
