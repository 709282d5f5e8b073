#include "client/booking_page/form_security.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

using Verdict = FormSigner::Verdict;

const absl::Time kIssued = absl::FromUnixSeconds(1'800'000'000);

TEST(FormSignerTest, AcceptsItsOwnTokenForTheSameScopeAndNonce) {
  const FormSigner signer("0123456789abcdef-secret", absl::Hours(2));
  const std::string token = signer.Issue("/widget/otl/abc", "key1", kIssued);
  EXPECT_EQ(signer.Verify(token, "/widget/otl/abc", "key1", kIssued),
            Verdict::kValid);
  EXPECT_EQ(signer.Verify(token, "/widget/otl/abc", "key1",
                          kIssued + absl::Minutes(119)),
            Verdict::kValid);
}

TEST(FormSignerTest, RefusesAnotherScopeNonceOrSecret) {
  const FormSigner signer("0123456789abcdef-secret", absl::Hours(2));
  const std::string token = signer.Issue("/widget/otl/abc", "key1", kIssued);
  EXPECT_EQ(signer.Verify(token, "/widget/otl/abd", "key1", kIssued),
            Verdict::kForged);
  EXPECT_EQ(signer.Verify(token, "/widget/otl/abc", "key2", kIssued),
            Verdict::kForged);
  const FormSigner other("another-secret-of-16+", absl::Hours(2));
  EXPECT_EQ(other.Verify(token, "/widget/otl/abc", "key1", kIssued),
            Verdict::kForged);
  // Scope and nonce cannot trade characters.
  const std::string shifted = signer.Issue("/widget/otl/ab", "ckey1", kIssued);
  EXPECT_EQ(signer.Verify(shifted, "/widget/otl/abc", "key1", kIssued),
            Verdict::kForged);
}

TEST(FormSignerTest, RefusesATamperedIssueTime) {
  const FormSigner signer("0123456789abcdef-secret", absl::Hours(2));
  const std::string token = signer.Issue("/p", "k", kIssued);
  // Moving the time forward to dodge expiry breaks the MAC.
  const std::string later =
      std::to_string(absl::ToUnixSeconds(kIssued) + 3600) +
      token.substr(token.find('.'));
  EXPECT_EQ(signer.Verify(later, "/p", "k", kIssued), Verdict::kForged);
}

TEST(FormSignerTest, ExpiresAfterMaxAgeAndRefusesTheFarFuture) {
  const FormSigner signer("0123456789abcdef-secret", absl::Hours(2));
  const std::string token = signer.Issue("/p", "k", kIssued);
  EXPECT_EQ(signer.Verify(token, "/p", "k", kIssued + absl::Minutes(121)),
            Verdict::kExpired);
  EXPECT_EQ(signer.Verify(token, "/p", "k", kIssued - absl::Minutes(1)),
            Verdict::kValid);  // a replica's clock a little behind
  EXPECT_EQ(signer.Verify(token, "/p", "k", kIssued - absl::Hours(1)),
            Verdict::kExpired);
}

TEST(FormSignerTest, RefusesMalformedTokens) {
  const FormSigner signer("0123456789abcdef-secret", absl::Hours(2));
  for (const char* token : {"", ".", "abc", "12x.abc", ".abc"}) {
    EXPECT_NE(signer.Verify(token, "/p", "k", kIssued), Verdict::kValid)
        << token;
  }
  EXPECT_EQ(signer.Verify("no-dot-here", "/p", "k", kIssued),
            Verdict::kMalformed);
}

TEST(RandomUrlSafeKeyTest, IsUrlSafeOfTheExpectedLengthAndUnique) {
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = RandomUrlSafeKey();
    ASSERT_EQ(key.size(), 22u);
    for (const char c : key) {
      ASSERT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_')
          << key;
    }
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(IsSameSitePostTest, AcceptsThisOriginAndRequestsWithoutHeaders) {
  EXPECT_TRUE(
      IsSameSitePost("http://127.0.0.1:8080", "same-origin", "127.0.0.1:8080"));
  // Under Referrer-Policy no-referrer a browser's own form post says
  // Origin "null"; Sec-Fetch-Site decides.
  EXPECT_TRUE(IsSameSitePost("null", "same-origin", "book.example.com"));
  EXPECT_TRUE(IsSameSitePost("", "none", "book.example.com"));
  // No Sec-Fetch-Site (an older browser, curl): Origin if it says anything.
  EXPECT_TRUE(
      IsSameSitePost("https://book.example.com", "", "book.example.com"));
  EXPECT_TRUE(IsSameSitePost("null", "", "book.example.com"));
  EXPECT_TRUE(IsSameSitePost("", "", "book.example.com"));
}

TEST(IsSameSitePostTest, RefusesOtherSites) {
  EXPECT_FALSE(
      IsSameSitePost("https://evil.example", "cross-site", "book.example.com"));
  EXPECT_FALSE(IsSameSitePost("null", "cross-site", "book.example.com"));
  // A sibling subdomain is same-site, but not this origin.
  EXPECT_FALSE(IsSameSitePost("https://other.example.com", "same-site",
                              "book.example.com"));
  EXPECT_FALSE(IsSameSitePost("https://evil.example", "", "book.example.com"));
  EXPECT_FALSE(IsSameSitePost("http://127.0.0.1:8081", "", "127.0.0.1:8080"));
  EXPECT_FALSE(IsSameSitePost("file://", "", "book.example.com"));
}

}  // namespace
}  // namespace scheduling::booking_page
