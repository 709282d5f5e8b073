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
  EXPECT_EQ(token.size(), static_cast<size_t>(kLinkTokenLength));
  EXPECT_TRUE(IsWellFormedLinkToken(token)) << token;
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
}

TEST(SecretsTest, RejectsTokenWithCharactersOutsideAlphabet) {
  for (char c : {'+', '/', '=', ' ', '.', '\0', '\xff'}) {
    std::string token(kLinkTokenLength, 'a');
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

}  // namespace
}  // namespace scheduling::domain
