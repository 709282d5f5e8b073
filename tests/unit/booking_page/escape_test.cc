#include "client/booking_page/escape.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(HtmlEscapeTest, LeavesPlainTextAndUtf8Alone) {
  EXPECT_EQ(HtmlEscape("Intro call: Zoë, 東京, \xF0\x9F\x93\x85"),
            "Intro call: Zoë, 東京, \xF0\x9F\x93\x85");
  EXPECT_EQ(HtmlEscape("line one\nline\ttwo\r"), "line one\nline\ttwo\r");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(HtmlEscapeTest, HostileCalendarNamesCannotOpenTagsOrAttributes) {
  const char* hostile[] = {
      "<script>alert(1)</script>",
      "\"><img src=x onerror=alert(1)>",
      "' autofocus onfocus='alert(1)",
      "</title><script>alert(1)</script>",
      "<!--",
      "]]><svg/onload=alert(1)>",
  };
  for (const char* name : hostile) {
    const std::string escaped = HtmlEscape(name);
    EXPECT_THAT(escaped, Not(HasSubstr("<"))) << name;
    EXPECT_THAT(escaped, Not(HasSubstr(">"))) << name;
    EXPECT_THAT(escaped, Not(HasSubstr("\""))) << name;
    EXPECT_THAT(escaped, Not(HasSubstr("'"))) << name;
  }
}

TEST(HtmlEscapeTest, ControlCharactersAndBrokenUtf8BecomeReplacement) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)), "a" + replacement + "b");
  EXPECT_EQ(HtmlEscape("a\x1b[31mb"), "a" + replacement + "[31mb");
  EXPECT_EQ(HtmlEscape("\x7f"), replacement);
  // A lone lead byte, a lone continuation byte, an overlong "<" (which a
  // lax decoder would turn into a real one), a surrogate, and a byte
  // sequence cut short at the end.
  EXPECT_EQ(HtmlEscape("\xC3"), replacement);
  EXPECT_EQ(HtmlEscape("\x80"), replacement);
  EXPECT_EQ(HtmlEscape("\xC0\xBC"), replacement + replacement);
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"),
            replacement + replacement + replacement);
  EXPECT_EQ(HtmlEscape("ok\xE6\x9D"), "ok" + replacement + replacement);
}

TEST(UrlEscapeTest, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEscape("America/New_York"), "America%2FNew_York");
  EXPECT_EQ(UrlEscape("Etc/GMT+5"), "Etc%2FGMT%2B5");
  EXPECT_EQ(UrlEscape("a b&c=d?e#f"), "a%20b%26c%3Dd%3Fe%23f");
  EXPECT_EQ(UrlEscape("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEscape("\"><"), "%22%3E%3C");
  EXPECT_EQ(UrlEscape("é"), "%C3%A9");
}

}  // namespace
}  // namespace scheduling::booking_page
