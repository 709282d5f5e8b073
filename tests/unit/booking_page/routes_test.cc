#include "client/booking_page/routes.h"

#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RoutesTest, PatternsMatchTheAddressesHandedOut) {
  const std::regex one_time(kOneTimeLinkRoute);
  const std::regex permanent(kPermanentLinkRoute);
  EXPECT_TRUE(std::regex_match("/widget/otl/Ab-_09xyz", one_time));
  EXPECT_FALSE(std::regex_match("/widget/otl/", one_time));
  EXPECT_FALSE(std::regex_match("/widget/otl/a/b", one_time));
  EXPECT_FALSE(std::regex_match("/widget/otl/a%2Fb", one_time));
  EXPECT_TRUE(
      std::regex_match(PermanentLinkPath("acme", "intro-call"), permanent));
  EXPECT_FALSE(std::regex_match("/widget/booking/acme", permanent));
  EXPECT_FALSE(std::regex_match("/widget/booking/Acme/intro", permanent));
  EXPECT_FALSE(std::regex_match("/widget/booking/-acme/intro", permanent));
}

TEST(RoutesTest, EveryLinkIsUnderTheLinkPrefix) {
  // The page answers an address under it that matches no route as an
  // unknown link ("Uh-oh!", 404), not as a missing page.
  EXPECT_THAT(kOneTimeLinkRoute, ::testing::StartsWith(kLinkPathPrefix));
  EXPECT_THAT(kPermanentLinkRoute, ::testing::StartsWith(kLinkPathPrefix));
  EXPECT_THAT(PermanentLinkPath("acme", "intro"),
              ::testing::StartsWith(kLinkPathPrefix));
}

TEST(RoutesTest, PermanentLinkPath) {
  EXPECT_EQ(PermanentLinkPath("acme", "intro-call"),
            "/widget/booking/acme/intro-call");
}

TEST(RedactedPathTest, HidesOneTimeLinkTokens) {
  EXPECT_EQ(RedactedPath("/widget/otl/s3cr3tT0k3n"), "/widget/otl/[token]");
  EXPECT_EQ(RedactedPath("/widget/otl/s3cr3t/extra"),
            "/widget/otl/[token]/extra");
  EXPECT_EQ(RedactedPath("/widget/booking/acme/intro"),
            "/widget/booking/acme/intro");
  EXPECT_EQ(RedactedPath("/healthz"), "/healthz");
}

TEST(EmbedSnippetTest, IsAnIframeWithEscapedValues) {
  const std::string snippet =
      EmbedSnippet("https://book.example/widget/booking/acme/intro?a=1&b=2",
                   "\"><script>alert(1)</script>");
  EXPECT_THAT(snippet, HasSubstr("<iframe src=\"https://book.example/widget/"
                                 "booking/acme/intro?a=1&amp;b=2\""));
  EXPECT_THAT(snippet, HasSubstr("title=\"&quot;&gt;&lt;script&gt;"));
  EXPECT_THAT(snippet, Not(HasSubstr("<script")));
  EXPECT_THAT(snippet, HasSubstr("</iframe>"));
}

}  // namespace
}  // namespace scheduling::booking_page
