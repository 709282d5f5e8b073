#include "server/domain/secrets.h"

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "server/domain/names.h"

namespace scheduling::domain {
namespace {

TEST(SecretsTest, GeneratedTokenIsWellFormed) {
  const std::string token = GenerateLinkToken();
  EXPECT_EQ(token.size(), static_cast<size_t>(kLegacyLinkTokenLength));
  EXPECT_TRUE(IsWellFormedLinkToken(token)) << token;
}

TEST(SecretsTest, VersionTwoTokenCarriesTheLocationsRoutingKey) {
  const std::string name = "locations/acme/calendars/intro/oneTimeLinks/abc";
  const std::string token = DeriveLinkToken("secret-1", "acme", name);
  ASSERT_EQ(token.size(), static_cast<size_t>(kLinkTokenLength));
  EXPECT_EQ(token[0], '2');
  EXPECT_TRUE(IsWellFormedLinkToken(token)) << token;
  EXPECT_EQ(TokenRoutingKey(token), LocationRoutingKey("acme"));
  EXPECT_EQ(LocationRoutingKey("acme").size(),
            static_cast<size_t>(kRoutingKeyBytes));
  EXPECT_NE(LocationRoutingKey("acme"), LocationRoutingKey("acme2"));
  // The secret part is the version 1 token of the same link.
  EXPECT_EQ(token.substr(kLinkTokenLength - kLegacyLinkTokenLength),
            DeriveLegacyLinkToken("secret-1", name));
  EXPECT_EQ(TokenRoutingKey(DeriveLegacyLinkToken("secret-1", name)), "");
}

TEST(SecretsTest, VersionTwoTokenHasOneSpelling) {
  const std::string token = DeriveLinkToken(
      "secret-1", "acme", "locations/acme/calendars/intro/oneTimeLinks/abc");
  std::string other_version = token;
  other_version[0] = '3';
  EXPECT_FALSE(IsWellFormedLinkToken(other_version));
  // The routing key's last character has two unused bits; setting them
  // would spell the same key another way.
  std::string respelled = token;
  const char last = respelled[11];
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  ASSERT_EQ(alphabet.find(last) & 3, 0u);  // the canonical spelling
  respelled[11] = alphabet[alphabet.find(last) | 1];
  EXPECT_FALSE(IsWellFormedLinkToken(respelled));
}

TEST(SecretsTest, GeneratedTokenCarriesTwentyFourRandomBytes) {
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(GenerateLinkToken(), &bytes));
  EXPECT_EQ(bytes.size(), 24u);
}

TEST(SecretsTest, GeneratedTokensDiffer) {
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) tokens.insert(GenerateLinkToken());
  EXPECT_EQ(tokens.size(), 1000u);
}

TEST(SecretsTest, WellFormedTokenUsesUrlSafeAlphabet) {
  EXPECT_TRUE(IsWellFormedLinkToken("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"));
  EXPECT_TRUE(IsWellFormedLinkToken("ghijklmnopqrstuvwxyz0123456789-_"));
}

TEST(SecretsTest, RejectsTokenOfWrongLength) {
  EXPECT_FALSE(IsWellFormedLinkToken(""));
  EXPECT_FALSE(IsWellFormedLinkToken(std::string(kLinkTokenLength - 1, 'a')));
  EXPECT_FALSE(IsWellFormedLinkToken(std::string(kLinkTokenLength + 1, 'a')));
  EXPECT_FALSE(
      IsWellFormedLinkToken(std::string(kLegacyLinkTokenLength - 1, 'a')));
  EXPECT_FALSE(
      IsWellFormedLinkToken(std::string(kLegacyLinkTokenLength + 1, 'a')));
}

TEST(SecretsTest, RejectsTokenWithCharactersOutsideAlphabet) {
  for (char c : {'+', '/', '=', ' ', '.', '\0', '\xff'}) {
    std::string token(kLegacyLinkTokenLength, 'a');
    token[10] = c;
    EXPECT_FALSE(IsWellFormedLinkToken(token)) << static_cast<int>(c);
  }
}

TEST(SecretsTest, HashIsLowercaseHexSha256) {
  EXPECT_EQ(HashLinkToken(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashLinkToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretsTest, HashDiffersForDifferentTokens) {
  const std::string token = GenerateLinkToken();
  EXPECT_EQ(HashLinkToken(token), HashLinkToken(token));
  EXPECT_NE(HashLinkToken(token), HashLinkToken(GenerateLinkToken()));
}

TEST(SecretsTest, ResourceIdIsValidAndStartsWithLetter) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = GenerateResourceId();
    ASSERT_EQ(id.size(), 20u);
    EXPECT_TRUE(id[0] >= 'a' && id[0] <= 'z') << id;
    for (char c : id) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
    }
    EXPECT_TRUE(IsValidId(id)) << id;
  }
}

TEST(SecretsTest, ResourceIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(GenerateResourceId());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(SecretsTest, ManageTokenIsDerivedAndApartFromLinkTokens) {
  const std::string name = "locations/acme/calendars/intro/bookings/b1";
  const std::string token = DeriveManageToken("secret-1", "acme", name);
  ASSERT_EQ(token.size(), static_cast<size_t>(kManageTokenLength));
  EXPECT_EQ(token[0], 'm');
  EXPECT_TRUE(IsWellFormedManageToken(token)) << token;
  EXPECT_FALSE(IsWellFormedLinkToken(token)) << token;
  // The same booking, secret and location: the same token (a retry gets
  // it back); any of them different: another.
  EXPECT_EQ(DeriveManageToken("secret-1", "acme", name), token);
  EXPECT_NE(DeriveManageToken("secret-2", "acme", name), token);
  EXPECT_NE(DeriveManageToken("secret-1", "acme",
                              "locations/acme/calendars/intro/bookings/b2"),
            token);
  // Never the secret part of the link token of the same name.
  EXPECT_NE(token.substr(12), DeriveLegacyLinkToken("secret-1", name));
  EXPECT_EQ(token.substr(1, 11),
            DeriveLinkToken("secret-1", "acme", name).substr(1, 11));
  const std::string link_token = DeriveLinkToken("secret-1", "acme", name);
  EXPECT_FALSE(IsWellFormedManageToken(link_token));
}

TEST(SecretsTest, RejectsMalformedManageTokens) {
  const std::string token = DeriveManageToken(
      "secret-1", "acme", "locations/acme/calendars/intro/bookings/b1");
  EXPECT_FALSE(IsWellFormedManageToken(""));
  EXPECT_FALSE(IsWellFormedManageToken(token.substr(1)));
  EXPECT_FALSE(IsWellFormedManageToken(token + "A"));
  EXPECT_FALSE(IsWellFormedManageToken("2" + token.substr(1)));
  std::string bad_char = token;
  bad_char[20] = '+';
  EXPECT_FALSE(IsWellFormedManageToken(bad_char));
  // The routing key has one spelling: its last character's unused bits
  // must be zero.
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const size_t last = std::string(kAlphabet).find(token[11]);
  ASSERT_EQ(last % 4, 0u);
  std::string other_spelling = token;
  other_spelling[11] = kAlphabet[last | 1];
  EXPECT_FALSE(IsWellFormedManageToken(other_spelling));
}

}  // namespace
}  // namespace scheduling::domain
