#include "server/auth/access_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::auth {
namespace {

using ::testing::HasSubstr;

std::string Policy(const std::string& principals,
                   const std::string& roles =
                       R"([{"name": "booker", "permissions": ["links.book"]},
                           {"name": "reader", "permissions":
                             ["calendars.read", "links.read"]}])") {
  return R"({"roles": )" + roles + R"(, "principals": )" + principals + "}";
}

std::string KeyPrincipal(const std::string& name, const std::string& key,
                         const std::string& grants) {
  return R"({"name": ")" + name + R"(", "apiKeySha256": [")" + ApiKeyHash(key) +
         R"("], "grants": )" + grants + "}";
}

absl::Status ParseError(const std::string& json) {
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy =
      AccessPolicy::Parse(json);
  EXPECT_FALSE(policy.ok()) << json;
  return policy.ok() ? absl::OkStatus() : policy.status();
}

TEST(AccessPolicyTest, KeysAndIdentitiesFindTheirPrincipal) {
  auto policy = AccessPolicy::Parse(
      Policy("[" +
             KeyPrincipal("page", "k-page",
                          R"([{"role": "booker", "locations": ["acme"]}])") +
             R"(, {"name": "crm", "certificateIdentities":
             ["spiffe://cluster.local/ns/crm/sa/backend", "crm.internal"],
           "apiKeySha256": [")" +
             ApiKeyHash("k-crm-old") + R"(", ")" + ApiKeyHash("k-crm-new") +
             R"("], "grants": [{"role": "reader", "locations": ["*"]}]}])"));
  ASSERT_TRUE(policy.ok()) << policy.status();
  const AccessPolicy& p = **policy;
  ASSERT_NE(p.FindByApiKey("k-page"), nullptr);
  EXPECT_EQ(p.FindByApiKey("k-page")->name(), "page");
  EXPECT_EQ(p.FindByApiKey("k-crm-old")->name(), "crm");
  EXPECT_EQ(p.FindByApiKey("k-crm-new")->name(), "crm");
  EXPECT_EQ(p.FindByApiKey("k-crm"), nullptr);
  EXPECT_EQ(p.FindByApiKey(""), nullptr);
  EXPECT_EQ(
      p.FindByCertificateIdentity("spiffe://cluster.local/ns/crm/sa/backend")
          ->name(),
      "crm");
  EXPECT_EQ(p.FindByCertificateIdentity("crm.internal")->name(), "crm");
  EXPECT_EQ(p.FindByCertificateIdentity("other.internal"), nullptr);
}

TEST(AccessPolicyTest, GrantsArePerLocationOrEverywhere) {
  auto policy = AccessPolicy::Parse(Policy(
      "[" +
      KeyPrincipal("page", "k1",
                   R"([{"role": "booker", "locations": ["acme", "globex"]},
              {"role": "reader", "locations": ["acme"]}])") +
      "," +
      KeyPrincipal("auditor", "k2",
                   R"([{"role": "reader", "locations": ["*"]}])") +
      "]"));
  ASSERT_TRUE(policy.ok()) << policy.status();
  const PolicyPrincipal& page = *(*policy)->FindByApiKey("k1");
  EXPECT_TRUE(page.Allows(Permission::kLinksBook, "acme"));
  EXPECT_TRUE(page.Allows(Permission::kLinksBook, "globex"));
  EXPECT_FALSE(page.Allows(Permission::kLinksBook, "initech"));
  EXPECT_TRUE(page.Allows(Permission::kCalendarsRead, "acme"));
  EXPECT_FALSE(page.Allows(Permission::kCalendarsRead, "globex"));
  EXPECT_FALSE(page.Allows(Permission::kLinksCreate, "acme"));
  EXPECT_TRUE(page.AllowsSomewhere(Permission::kLinksBook));
  EXPECT_FALSE(page.AllowsSomewhere(Permission::kEventsRead));
  const PolicyPrincipal& auditor = *(*policy)->FindByApiKey("k2");
  EXPECT_TRUE(auditor.Allows(Permission::kLinksRead, "anything"));
  EXPECT_FALSE(auditor.Allows(Permission::kLinksBook, "anything"));
}

TEST(AccessPolicyTest, BadPoliciesSayWhatAndWhere) {
  EXPECT_THAT(ParseError("{not json").message(),
              HasSubstr("not an access policy"));
  EXPECT_THAT(
      ParseError(R"({"roles": [], "principals": [], "extra": 1})").message(),
      HasSubstr("not an access policy"));
  EXPECT_THAT(
      ParseError(
          Policy("[]", R"([{"name": "r", "permissions": ["links.fly"]}])"))
          .message(),
      HasSubstr("roles[0].permissions[0]: no permission \"links.fly\""));
  EXPECT_THAT(ParseError(Policy("[]", R"([{"name": "r", "permissions": []}])"))
                  .message(),
              HasSubstr("roles[0]: a role needs at least one permission"));
  EXPECT_THAT(
      ParseError(Policy("[]", R"([{"name": "r", "permissions": ["links.book"]},
                                  {"name": "r", "permissions": ["links.book"]}])"))
          .message(),
      HasSubstr("roles[1]: role \"r\" is defined twice"));
  EXPECT_THAT(
      ParseError(
          Policy("[" +
                 KeyPrincipal("p", "k",
                              R"([{"role": "nope", "locations": ["a"]}])") +
                 "]"))
          .message(),
      HasSubstr("principals[0].grants[0]: no role \"nope\""));
  EXPECT_THAT(
      ParseError(
          Policy("[" +
                 KeyPrincipal("p", "k",
                              R"([{"role": "booker", "locations": []}])") +
                 "]"))
          .message(),
      HasSubstr("principals[0].grants[0]: a grant needs locations"));
  EXPECT_THAT(
      ParseError(
          Policy(
              "[" +
              KeyPrincipal("p", "k",
                           R"([{"role": "booker", "locations": ["Bad Id"]}])") +
              "]"))
          .message(),
      HasSubstr("principals[0].grants[0].locations[0]: not a location id"));
  EXPECT_THAT(ParseError(Policy(R"([{"name": "p", "apiKeySha256": ["abc"],
                             "grants": []}])"))
                  .message(),
              HasSubstr("principals[0].api_key_sha256[0]: not a SHA-256"));
  EXPECT_THAT(
      ParseError(Policy(R"([{"name": "p", "grants": []}])")).message(),
      HasSubstr("principals[0]: a principal needs a certificate identity or "
                "an API key"));
  EXPECT_THAT(ParseError(Policy("[" + KeyPrincipal("p", "k", "[]") + "," +
                                KeyPrincipal("q", "k", "[]") + "]"))
                  .message(),
              HasSubstr("principals[1].api_key_sha256[0]: the same key hash is "
                        "already given to principal \"p\""));
  EXPECT_THAT(ParseError(Policy("[" + KeyPrincipal("p", "k1", "[]") + "," +
                                KeyPrincipal("p", "k2", "[]") + "]"))
                  .message(),
              HasSubstr("principals[1]: principal \"p\" is defined twice"));
  EXPECT_THAT(ParseError(Policy(R"([{"name": "p", "certificateIdentities":
                                     ["a.internal"], "grants": []},
                                    {"name": "q", "certificateIdentities":
                                     ["a.internal"], "grants": []}])"))
                  .message(),
              HasSubstr("principals[1].certificate_identities[0]: identity "
                        "\"a.internal\" already proves another principal"));
}

TEST(AccessPolicyTest, LoadNamesTheFile) {
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> missing =
      AccessPolicy::Load("/nonexistent/policy.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("access policy /nonexistent/policy.json: cannot read"));
}

TEST(AccessPolicyTest, ApiKeyHashIsLowercaseHexSha256) {
  EXPECT_EQ(ApiKeyHash("test"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
}

}  // namespace
}  // namespace scheduling::auth
