#include "client/booking_page/pages.h"

#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHostile[] =
    "<script>window.__pwned=1</script><img src=x onerror=\"alert(1)\">'&";
constexpr char kHostileEscaped[] =
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x "
    "onerror=&quot;alert(1)&quot;&gt;&#39;&amp;";

SlotPageView HostileView() {
  SlotPageView view;
  view.path = "/widget/otl/tok";
  view.calendar_name = kHostile;
  view.duration = "30 min";
  view.bookable_window = kHostile;
  view.host_zone = "Europe/Berlin (UTC+01:00)";
  view.zone = "America/New_York";
  view.zones = ZoneOptions("America/New_York", "Europe/Berlin");
  view.zone_form_fields = {{"slug", kHostile}};
  view.range = "Tuesday 3 November \u2013 Monday 9 November";
  view.later_href = "/widget/otl/tok?tz=America%2FNew_York&from=2026-11-10";
  view.days = {{"Tuesday 3 November",
                {{"2026-11-03T14:00:00Z", "09:00", false},
                 {"2026-11-03T14:30:00Z", "09:30", true}}}};
  view.invitee_name = kHostile;
  view.invitee_email = "\"><script>alert(1)</script>@example.com";
  view.email_error = kHostile;
  view.booking_form_fields = {{"key", "k\"><b>"}, {"form_token", "1.abc"}};
  view.notice = kHostile;
  return view;
}

// Every tag of the page, by name: what a browser would build.
std::vector<std::string> TagNames(const std::string& html) {
  std::vector<std::string> names;
  const std::regex tag("<([a-zA-Z][a-zA-Z0-9]*)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

TEST(RenderSlotPageTest, EscapesEveryValue) {
  const std::string html = RenderSlotPage(HostileView());
  EXPECT_THAT(html, Not(HasSubstr(kHostile)));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr(absl::StrCat("<h1>", kHostileEscaped, "</h1>")));
  EXPECT_THAT(html, HasSubstr(absl::StrCat("value=\"", kHostileEscaped)));
  // The only script is the page's own file, loaded by src.
  int scripts = 0;
  for (const std::string& name : TagNames(html)) {
    if (name == "script") ++scripts;
  }
  EXPECT_EQ(scripts, 1);
  EXPECT_THAT(html, HasSubstr("<script src=\"/static/page.js?v="));
}

TEST(RenderSlotPageTest, NeedsNoInlineScriptOrStyle) {
  const std::string html = RenderSlotPage(HostileView());
  // What a CSP without 'unsafe-inline' would block: event handler
  // attributes, style attributes and elements, javascript: URLs.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\s on[a-z]+\s*=)")));
  EXPECT_THAT(html, Not(HasSubstr(" style=")));
  EXPECT_THAT(html, Not(HasSubstr("<style")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
}

TEST(RenderSlotPageTest, LabelsEveryFieldAndGroupsTheSlots) {
  const std::string html = RenderSlotPage(HostileView());
  EXPECT_THAT(html, HasSubstr("<label for=\"name\">Name</label>"));
  EXPECT_THAT(html, HasSubstr("<label for=\"email\">E-mail</label>"));
  EXPECT_THAT(html, HasSubstr("<label for=\"tz\">"));
  EXPECT_THAT(html, HasSubstr("autocomplete=\"email\""));
  // The error is tied to its field.
  EXPECT_THAT(html, HasSubstr("aria-describedby=\"email-error\""));
  EXPECT_THAT(html, HasSubstr("<legend>Tuesday 3 November</legend>"));
  EXPECT_THAT(html, HasSubstr("value=\"2026-11-03T14:30:00Z\" checked"));
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(html, HasSubstr("data-tz=\"America/New_York\""));
  EXPECT_THAT(html,
              HasSubstr("<a id=\"later\" rel=\"next\" "
                        "href=\"/widget/otl/tok?tz=America%2FNew_York&amp;"
                        "from=2026-11-10\">"));
  EXPECT_THAT(html, HasSubstr("<span class=\"off\">\u2190 Earlier</span>"));
}

TEST(RenderSlotPageTest, SaysSoWhenNoTimeIsFree) {
  SlotPageView view = HostileView();
  view.days.clear();
  EXPECT_THAT(RenderSlotPage(view), HasSubstr("id=\"no-slots\""));
}

TEST(RenderConfirmationTest, ShowsBothZonesEscaped) {
  ConfirmationView view;
  view.calendar_name = kHostile;
  view.invitee_when = "Tuesday 3 November 2026, 09:00\u201309:30";
  view.invitee_zone = "America/New_York (UTC-05:00)";
  view.host_when = "Tuesday 3 November 2026, 15:00\u201315:30";
  view.host_zone = "Europe/Berlin (UTC+01:00)";
  view.name = kHostile;
  view.email = "a@example.com";
  view.reference = "b-1";
  const std::string html = RenderConfirmation(view);
  EXPECT_THAT(html, Not(HasSubstr(kHostile)));
  EXPECT_THAT(html,
              HasSubstr("<h1 id=\"confirmation-heading\">You are booked"));
  EXPECT_THAT(html, HasSubstr("09:00\u201309:30 <span class=\"zone-name\">"
                              "America/New_York (UTC-05:00)"));
  EXPECT_THAT(html, HasSubstr("15:00\u201315:30 <span class=\"zone-name\">"
                              "Europe/Berlin (UTC+01:00)"));
}

TEST(RenderMessageTest, TheGonePageHasTheSeedsWords) {
  const std::string html = RenderMessage(
      {"Uh-oh! The link is no longer active", kGoneHeading, kGoneText, "", ""});
  EXPECT_THAT(html, HasSubstr("<h1>Uh-oh!</h1>"));
  EXPECT_THAT(html,
              HasSubstr("<p>The link is no longer active. Please reach out to "
                        "the event owner for a new link.</p>"));
}

TEST(ZoneOptionsTest, SelectedAndCalendarZonesFirstWithoutDuplicates) {
  const std::vector<Option> options =
      ZoneOptions("Europe/London", "Asia/Tokyo");
  ASSERT_GE(options.size(), 3u);
  EXPECT_EQ(options[0].value, "Europe/London");
  EXPECT_TRUE(options[0].selected);
  EXPECT_EQ(options[1].value, "Asia/Tokyo");
  int london = 0;
  int selected = 0;
  for (const Option& option : options) {
    london += option.value == "Europe/London";
    selected += option.selected;
  }
  EXPECT_EQ(london, 1);
  EXPECT_EQ(selected, 1);
}

}  // namespace
}  // namespace scheduling::booking_page
