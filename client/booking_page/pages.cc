#include "client/booking_page/pages.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/booking_page/assets.h"
#include "client/booking_page/escape.h"

namespace scheduling::booking_page {
namespace {

// Offered before page.js adds the browser's full list (and when it cannot):
// one or two zones per populous region.
constexpr const char* kCommonZones[] = {
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
};

// The whole document around `body`. `root_attributes` (already escaped)
// go on <html>, where page.js finds them before the body exists.
std::string Document(absl::string_view title, absl::string_view body,
                     absl::string_view root_attributes = "") {
  return absl::StrCat(
      "<!doctype html>\n<html lang=\"en\"", root_attributes,
      ">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>",
      HtmlEscape(title), "</title>\n<link rel=\"stylesheet\" href=\"",
      HtmlEscape(AssetUrl("page.css")), "\">\n<script src=\"",
      HtmlEscape(AssetUrl("page.js")), "\"></script>\n</head>\n<body>\n", body,
      "</body>\n</html>\n");
}

void AppendHidden(std::string* html, const HiddenFields& fields) {
  for (const auto& [name, value] : fields) {
    absl::StrAppend(html, "<input type=\"hidden\" name=\"", HtmlEscape(name),
                    "\" value=\"", HtmlEscape(value), "\">\n");
  }
}

void AppendOptions(std::string* html, const std::vector<Option>& options) {
  for (const Option& option : options) {
    absl::StrAppend(html, "<option value=\"", HtmlEscape(option.value), "\"",
                    option.selected ? " selected" : "", ">",
                    HtmlEscape(option.label), "</option>\n");
  }
}

// A text field with its label and, if any, its error (tied to the field
// with aria-describedby so that screen readers read it with the field).
void AppendField(std::string* html, absl::string_view id,
                 absl::string_view label, absl::string_view type,
                 absl::string_view autocomplete, int max_length,
                 absl::string_view value, absl::string_view error) {
  absl::StrAppend(html, "<div class=\"row\">\n<label for=\"", id, "\">", label,
                  "</label>\n<input id=\"", id, "\" name=\"", id, "\" type=\"",
                  type, "\" autocomplete=\"", autocomplete,
                  "\" required maxlength=\"", max_length, "\" value=\"",
                  HtmlEscape(value), "\"");
  if (!error.empty()) {
    absl::StrAppend(html, " aria-invalid=\"true\" aria-describedby=\"", id,
                    "-error\">\n<p class=\"error\" id=\"", id, "-error\">",
                    HtmlEscape(error), "</p>\n");
  } else {
    absl::StrAppend(html, ">\n");
  }
  absl::StrAppend(html, "</div>\n");
}

void AppendSlots(std::string* html, const SlotPageView& view) {
  absl::StrAppend(html,
                  "<section class=\"card\" id=\"slots\" "
                  "aria-labelledby=\"slots-heading\">\n"
                  "<h2 id=\"slots-heading\">Choose a time</h2>\n"
                  "<nav class=\"weeks\" aria-label=\"Days shown\">\n");
  if (view.earlier_href.empty()) {
    absl::StrAppend(html, "<span class=\"off\">\u2190 Earlier</span>\n");
  } else {
    absl::StrAppend(html, "<a id=\"earlier\" rel=\"prev\" href=\"",
                    HtmlEscape(view.earlier_href), "\">\u2190 Earlier</a>\n");
  }
  absl::StrAppend(html, "<span class=\"range\">", HtmlEscape(view.range),
                  "</span>\n");
  if (view.later_href.empty()) {
    absl::StrAppend(html, "<span class=\"off\">Later \u2192</span>\n");
  } else {
    absl::StrAppend(html, "<a id=\"later\" rel=\"next\" href=\"",
                    HtmlEscape(view.later_href), "\">Later \u2192</a>\n");
  }
  absl::StrAppend(html, "</nav>\n");
  if (view.days.empty()) {
    absl::StrAppend(html,
                    "<p class=\"empty\" id=\"no-slots\">No free times on "
                    "these days.",
                    view.later_href.empty() ? "" : " Try later ones.",
                    "</p>\n");
  }
  // One radio group for every day: a keyboard user tabs into it once and
  // moves with the arrow keys; `required` on it lets the browser say that a
  // time must be chosen.
  int index = 0;
  for (const DayChoices& day : view.days) {
    absl::StrAppend(html, "<fieldset class=\"day\">\n<legend>",
                    HtmlEscape(day.heading),
                    "</legend>\n<div class=\"times\">\n");
    for (const SlotChoice& slot : day.slots) {
      absl::StrAppend(html, "<label class=\"slot\"><input type=\"radio\" ",
                      "name=\"start\" id=\"slot-", index++, "\" value=\"",
                      HtmlEscape(slot.value), "\"",
                      slot.checked ? " checked" : "", " required><span>",
                      HtmlEscape(slot.label), "</span></label>\n");
    }
    absl::StrAppend(html, "</div>\n</fieldset>\n");
  }
  absl::StrAppend(html, "</section>\n");
}

}  // namespace

std::string RenderSlotPage(const SlotPageView& view) {
  std::string body = "<main id=\"main\">\n<header class=\"card\">\n<h1>";
  absl::StrAppend(&body, HtmlEscape(view.calendar_name), "</h1>\n");
  absl::StrAppend(&body, "<p class=\"facts\">");
  if (view.durations.empty()) {
    absl::StrAppend(&body, "<span id=\"duration\">", HtmlEscape(view.duration),
                    "</span> \u00b7 ");
  }
  absl::StrAppend(&body, "host\u2019s time zone ", HtmlEscape(view.host_zone),
                  "</p>\n");
  if (!view.bookable_window.empty()) {
    absl::StrAppend(&body, "<p class=\"window\">",
                    HtmlEscape(view.bookable_window), "</p>\n");
  }
  absl::StrAppend(&body, "</header>\n");
  if (!view.notice.empty()) {
    absl::StrAppend(&body, "<p class=\"notice\" id=\"notice\" role=\"alert\">",
                    HtmlEscape(view.notice), "</p>\n");
  }

  // Changing the zone (or the duration) is a GET of this page: it books
  // nothing, so it needs no token and can be bookmarked.
  absl::StrAppend(&body, "<form class=\"card zone\" method=\"get\" action=\"",
                  HtmlEscape(view.path), "\">\n");
  AppendHidden(&body, view.zone_form_fields);
  absl::StrAppend(&body,
                  "<div class=\"field\">\n<label for=\"tz\">Times shown in "
                  "time zone</label>\n<select id=\"tz\" name=\"tz\">\n");
  AppendOptions(&body, view.zones);
  absl::StrAppend(&body, "</select>\n</div>\n");
  if (!view.durations.empty()) {
    absl::StrAppend(&body,
                    "<div class=\"field\">\n<label for=\"duration\">"
                    "Duration</label>\n<select id=\"duration\" "
                    "name=\"duration\">\n");
    AppendOptions(&body, view.durations);
    absl::StrAppend(&body, "</select>\n</div>\n");
  }
  absl::StrAppend(&body,
                  "<button type=\"submit\" class=\"secondary\" "
                  "id=\"show-times\">Show times</button>\n</form>\n");

  absl::StrAppend(&body, "<form id=\"booking\" method=\"post\" action=\"",
                  HtmlEscape(view.path), "\">\n");
  AppendHidden(&body, view.booking_form_fields);
  AppendSlots(&body, view);
  absl::StrAppend(&body,
                  "<section class=\"card details\" "
                  "aria-labelledby=\"details-heading\">\n"
                  "<h2 id=\"details-heading\">Your details</h2>\n");
  AppendField(&body, "name", "Name", "text", "name", 200, view.invitee_name,
              view.name_error);
  AppendField(&body, "email", "E-mail", "email", "email", 254,
              view.invitee_email, view.email_error);
  absl::StrAppend(&body,
                  "<button type=\"submit\" id=\"book\">Book</button>\n"
                  "</section>\n</form>\n</main>\n");

  const std::string root =
      absl::StrCat(" data-tz=\"", HtmlEscape(view.zone), "\" data-tz-auto=\"",
                   view.zone_is_guess ? "1" : "0", "\"");
  return Document(absl::StrCat("Book: ", view.calendar_name), body, root);
}

std::string RenderConfirmation(const ConfirmationView& view) {
  std::string body =
      "<main id=\"main\">\n<section class=\"card\" id=\"confirmation\" "
      "aria-labelledby=\"confirmation-heading\">\n"
      "<h1 id=\"confirmation-heading\">You are booked</h1>\n<p>";
  absl::StrAppend(
      &body, HtmlEscape(view.calendar_name),
      "</p>\n<dl>\n<dt>When, in your time zone</dt>\n<dd id=\"when-invitee\">",
      HtmlEscape(view.invitee_when), " <span class=\"zone-name\">",
      HtmlEscape(view.invitee_zone),
      "</span></dd>\n<dt>In the host\u2019s time zone</dt>\n"
      "<dd id=\"when-host\">",
      HtmlEscape(view.host_when), " <span class=\"zone-name\">",
      HtmlEscape(view.host_zone), "</span></dd>\n<dt>Name</dt>\n<dd>",
      HtmlEscape(view.name), "</dd>\n<dt>E-mail</dt>\n<dd>",
      HtmlEscape(view.email),
      "</dd>\n<dt>Booking reference</dt>\n<dd id=\"reference\">",
      HtmlEscape(view.reference), "</dd>\n</dl>\n</section>\n</main>\n");
  return Document(absl::StrCat("Booked: ", view.calendar_name), body);
}

std::string RenderMessage(const MessageView& view) {
  std::string body = absl::StrCat(
      "<main id=\"main\">\n<section class=\"card gone\" id=\"message\">\n"
      "<h1>",
      HtmlEscape(view.heading), "</h1>\n<p>", HtmlEscape(view.text), "</p>\n");
  if (!view.link_href.empty()) {
    absl::StrAppend(&body, "<p><a href=\"", HtmlEscape(view.link_href), "\">",
                    HtmlEscape(view.link_text), "</a></p>\n");
  }
  absl::StrAppend(&body, "</section>\n</main>\n");
  return Document(view.title, body);
}

std::vector<Option> ZoneOptions(absl::string_view selected,
                                absl::string_view calendar_zone) {
  std::vector<Option> options;
  const auto add = [&](absl::string_view zone) {
    if (zone.empty()) return;
    for (const Option& option : options) {
      if (option.value == zone) return;
    }
    options.push_back({std::string(zone), std::string(zone), zone == selected});
  };
  add(selected);
  add(calendar_zone);
  for (const char* zone : kCommonZones) add(zone);
  return options;
}

}  // namespace scheduling::booking_page
