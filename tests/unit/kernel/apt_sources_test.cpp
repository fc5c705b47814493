#include "kernel/apt_sources.hpp"

#include <gtest/gtest.h>

#include "fake_kernel.hpp"
#include "kernel/apt_repo.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::kernel;

// The shape of a stock Debian 12 debian.sources, with comments inside
// stanzas. Mirror host names here are test data, not configuration.
constexpr const char* kDeb822 = R"(Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# a comment
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
)";

TEST(AptSources, ParsesDeb822StanzasWithComments) {
  auto s = parse_deb822_sources(kDeb822);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].types, (std::vector<std::string>{"deb"}));
  EXPECT_EQ(s[0].uris, (std::vector<std::string>{"http://mirror.example/debian"}));
  EXPECT_EQ(s[0].suites, (std::vector<std::string>{"bookworm", "bookworm-updates"}));
  EXPECT_EQ(s[0].options.at("signed-by"), "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_EQ(s[1].suites, (std::vector<std::string>{"bookworm-security"}));
}

TEST(AptSources, PicksMainArchiveNotSecurity) {
  // Security first in file order: the pick must not depend on order.
  auto s = parse_deb822_sources(
      "Types: deb\nURIs: http://mirror.example/debian-security/\nSuites: bookworm-security\nComponents: main\n\n"
      "Types: deb deb-src\nURIs: http://mirror.example/debian/\nSuites: bookworm\nComponents: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n");
  auto loc = pick_debian_archive(s);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->uri, "http://mirror.example/debian");  // trailing slash dropped
  EXPECT_EQ(loc->keyring, "/usr/share/keyrings/debian-archive-keyring.gpg");
}

TEST(AptSources, Deb822ContinuationAndDisabledStanzas) {
  auto s = parse_deb822_sources(
      "Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n\n"
      "Types: deb\nURIs:\n http://cont.example/debian\nSuites: trixie\nComponents: main\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_FALSE(s[0].enabled);
  EXPECT_EQ(s[1].uris, (std::vector<std::string>{"http://cont.example/debian"}));
  EXPECT_EQ(pick_debian_archive(s)->uri, "http://cont.example/debian");
}

TEST(AptSources, ParsesOneLineFormatWithOptions) {
  auto s = parse_one_line_sources(
      "# comment line\n"
      "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian "
      "bookworm main contrib # trailing comment\n"
      "deb-src http://mirror.example/debian bookworm main\n"
      "deb http://security.example/debian-security bookworm-security main\n"
      "\n   \n"
      "deb http://mirror.example/debian bookworm-updates main\n");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].options.at("arch"), "amd64");
  EXPECT_EQ(s[0].components, (std::vector<std::string>{"main", "contrib"}));
  EXPECT_EQ(s[1].types, (std::vector<std::string>{"deb-src"}));
  auto loc = pick_debian_archive(s);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->uri, "http://mirror.example/debian");
}

TEST(AptSources, PrefersDebianCodenameOverThirdPartyRepo) {
  auto s = parse_one_line_sources(
      "deb [signed-by=/etc/apt/keyrings/vendor.gpg] https://vendor.example/node nodistro main\n"
      "deb https://mirror.example/debian sid main\n");
  EXPECT_EQ(pick_debian_archive(s)->uri, "https://mirror.example/debian");
}

TEST(AptSources, NothingSuitable) {
  auto s = parse_one_line_sources(
      "deb-src http://mirror.example/debian bookworm main\n"
      "deb http://mirror.example/debian-security bookworm-security main\n");
  EXPECT_FALSE(pick_debian_archive(s));
}

TEST(AptSources, ReadsSystemLayoutFromDirectory) {
  fake::TempDir dir;
  fake::ScopedEnv no_override("KTSTR_APT_URI", nullptr);
  fake::write(dir.path() / "sources.list.d" / "debian.sources", std::string(kDeb822));
  fake::write(dir.path() / "sources.list.d" / "other.list.disabled",
              std::string("deb http://x.example/debian sid main\n"));
  auto loc = system_debian_archive(dir.path());
  EXPECT_EQ(loc.uri, "http://mirror.example/debian");

  fake::TempDir empty;
  EXPECT_KTSTR_ERROR(system_debian_archive(empty.path()), "no Debian archive");
}

TEST(AptSources, EnvironmentOverride) {
  fake::TempDir empty;
  fake::ScopedEnv env("KTSTR_APT_URI", "http://local.example/debian/");
  EXPECT_EQ(system_debian_archive(empty.path()).uri, "http://local.example/debian");
}

TEST(AptRepo, PrivateSourcesListLine) {
  ArchiveLocation a{"http://mirror.example/debian", "/k.gpg"};
  EXPECT_EQ(sources_list_line(a, "sid"), "deb [signed-by=/k.gpg] http://mirror.example/debian sid main\n");
  auto opts = private_apt_options("/tmp/x");
  auto has = [&](const std::string& o) { return std::find(opts.begin(), opts.end(), o) != opts.end(); };
  EXPECT_TRUE(has("-oDir::State::Lists=/tmp/x/lists"));
  EXPECT_TRUE(has("-oDir::Cache=/tmp/x/cache"));  // keeps apt-cache off the system pkgcache
  EXPECT_TRUE(has("-oDir::Etc::SourceParts=/dev/null"));
}
