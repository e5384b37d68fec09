#include "sandbox/runtime.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "support/scoped_env.h"

namespace bt::sandbox {
namespace {
namespace fs = std::filesystem;
using bt::testing::ScopedEnv;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bt-runtime-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  // <root>/<dir>/nu, a script printing `version`, with the given mode.
  fs::path fake_nu(const std::string& dir, mode_t mode, const std::string& version = "0.99.1") {
    fs::create_directories(root_ / dir);
    const fs::path p = root_ / dir / "nu";
    std::ofstream(p) << "#!/bin/sh\necho " << version << "\n";
    ::chmod(p.c_str(), mode);
    return p;
  }
  static bool looked_for(const RuntimeLookup& l, const std::string& line) {
    for (const auto& s : l.looked)
      if (s == line) return true;
    return false;
  }
  fs::path root_;
};

TEST_F(RuntimeTest, FlagWins) {
  const fs::path nu = fake_nu("flag", 0755);
  ScopedEnv env("BITTER_NU", (root_ / "elsewhere").string());
  auto l = find_nu(nu.string());
  ASSERT_TRUE(l.found);
  EXPECT_EQ(*l.found, nu);
  EXPECT_TRUE(looked_for(l, "--nu flag: " + nu.string() + " (found)"));
}

TEST_F(RuntimeTest, UnusableFlagDoesNotFallBack) {
  const fs::path plain = fake_nu("plain", 0644);
  fake_nu("good", 0755);
  ScopedEnv path("PATH", (root_ / "good").string());
  auto l = find_nu(plain.string());
  EXPECT_FALSE(l.found);
  EXPECT_TRUE(looked_for(l, "--nu flag: " + plain.string() + " (not executable)"));

  l = find_nu((root_ / "nope" / "nu").string());
  EXPECT_FALSE(l.found);
  EXPECT_TRUE(looked_for(l, "--nu flag: " + (root_ / "nope" / "nu").string() + " (missing)"));

  l = find_nu(root_.string());
  EXPECT_FALSE(l.found);
  EXPECT_TRUE(looked_for(l, "--nu flag: " + root_.string() + " (not a regular file)"));
}

TEST_F(RuntimeTest, EnvVariable) {
  const fs::path nu = fake_nu("env", 0700);
  ScopedEnv env("BITTER_NU", nu.string());
  auto l = find_nu("");
  ASSERT_TRUE(l.found);
  EXPECT_EQ(*l.found, nu);
  EXPECT_EQ(l.looked.at(0), "--nu flag: not given");
  EXPECT_EQ(l.looked.at(1), "$BITTER_NU: " + nu.string() + " (found)");
}

TEST_F(RuntimeTest, PathSearchSkipsUnusableEntries) {
  fake_nu("a", 0644);  // not executable
  const fs::path target = fake_nu("real", 0755);
  fs::create_directories(root_ / "b");
  fs::create_symlink(target, root_ / "b" / "nu");  // symlinks are followed
  ScopedEnv env("BITTER_NU", std::nullopt);
  ScopedEnv path("PATH", "relative/dir::" + (root_ / "missing").string() + ":" +
                             (root_ / "a").string() + ":" + (root_ / "b").string());
  auto l = find_nu("", root_ / "self");
  ASSERT_TRUE(l.found);
  EXPECT_EQ(*l.found, root_ / "b" / "nu");
  EXPECT_TRUE(looked_for(l, "$BITTER_NU: not set"));
  EXPECT_TRUE(looked_for(l, "PATH: 'relative/dir' skipped (not absolute)"));
  EXPECT_TRUE(looked_for(l, "PATH: '' skipped (not absolute)"));
  EXPECT_TRUE(looked_for(l, "PATH: " + (root_ / "missing" / "nu").string() + " (missing)"));
  EXPECT_TRUE(looked_for(l, "PATH: " + (root_ / "a" / "nu").string() + " (not executable)"));
  EXPECT_TRUE(looked_for(l, "PATH: " + (root_ / "b" / "nu").string() + " (found)"));
  EXPECT_EQ(l.looked.at(2).rfind("next to bitter: ", 0), 0u) << l.looked.at(2);
}

TEST_F(RuntimeTest, NotFoundAnywhere) {
  ScopedEnv env("BITTER_NU", std::nullopt);
  ScopedEnv path("PATH", (root_ / "empty").string());
  auto l = find_nu("", root_ / "self");
  EXPECT_FALSE(l.found);
  EXPECT_EQ(l.looked.size(), 4u);
  EXPECT_EQ(l.looked.back(), "PATH: " + (root_ / "empty" / "nu").string() + " (missing)");
}

TEST_F(RuntimeTest, Version) {
  auto v = nu_version(fake_nu("v", 0755, "0.101.0"));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, "0.101.0");

  const fs::path broken = root_ / "broken-nu";
  std::ofstream(broken) << "#!/bin/sh\necho 'no such flag' >&2\nexit 2\n";
  ::chmod(broken.c_str(), 0755);
  auto bad = nu_version(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::infra);
  EXPECT_NE(bad.error().message.find("exit 2: no such flag"), std::string::npos)
      << bad.error().message;
}

TEST(MinimalEnv, IsExplicitAndSmall) {
  ::setenv("OPENAI_API_KEY", "sk-test", 1);
  const auto env = minimal_env("/data/work/x/1/0");
  ::unsetenv("OPENAI_API_KEY");
  EXPECT_EQ(env,
            (std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/data/work/x/1/0",
                                      "LANG=C.UTF-8", "TMPDIR=/data/work/x/1/0", "NO_COLOR=1"}));
}

}  // namespace
}  // namespace bt::sandbox
