#include "sandbox/workspace.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace bt::sandbox {
namespace {
namespace fs = std::filesystem;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bt-workspace-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    data_ = root_ / "data";  // does not exist yet: created 0700 too
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  static mode_t mode(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }
  fs::path root_, data_;
};

TEST_F(WorkspaceTest, CreatesNestedPrivateDirectories) {
  const mode_t old = ::umask(022);
  auto ws = create_workspace(data_, "exec-1", 2, 1);
  ::umask(old);
  ASSERT_TRUE(ws.ok()) << ws.error().message;
  EXPECT_EQ(ws->dir, data_ / "work" / "exec-1" / "2" / "1");
  EXPECT_TRUE(fs::is_directory(ws->dir));
  for (const fs::path& p :
       {data_, data_ / "work", data_ / "work" / "exec-1", data_ / "work" / "exec-1" / "2", ws->dir})
    EXPECT_EQ(mode(p), 0700u) << p;
  EXPECT_EQ(mode(root_), 0700u);  // mkdtemp's mode, left alone

  auto second = create_workspace(data_, "exec-1", 2);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->dir, data_ / "work" / "exec-1" / "2" / "0");
}

TEST_F(WorkspaceTest, ExistingParentsKeepTheirMode) {
  fs::create_directories(data_ / "work");
  fs::permissions(data_, fs::perms(0755));
  ASSERT_TRUE(create_workspace(data_, "e", 1).ok());
  EXPECT_EQ(mode(data_), 0755u);
  EXPECT_EQ(mode(data_ / "work" / "e"), 0700u);
}

TEST_F(WorkspaceTest, DuplicateIsAnError) {
  ASSERT_TRUE(create_workspace(data_, "exec-2", 1).ok());
  auto again = create_workspace(data_, "exec-2", 1);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos)
      << again.error().message;
}

TEST_F(WorkspaceTest, RejectsIdsThatAreNotOneComponent) {
  for (const std::string id : {"", ".", "..", "../escape", "a/b"}) {
    EXPECT_FALSE(create_workspace(data_, id, 1).ok()) << id;
    EXPECT_FALSE(remove_execution_workspaces(data_, id).ok()) << id;
  }
  EXPECT_FALSE(fs::exists(root_ / "escape"));
}

TEST_F(WorkspaceTest, RemovesEverythingAndToleratesMissing) {
  auto a = create_workspace(data_, "exec-3", 1);
  auto b = create_workspace(data_, "exec-3", 2);
  auto other = create_workspace(data_, "exec-4", 1);
  ASSERT_TRUE(a.ok() && b.ok() && other.ok());
  std::ofstream(a->dir / "tool.nu") << "print 1\n";
  // A tool that locks its own directory must not make cleanup fail.
  fs::create_directories(b->dir / "locked" / "deeper");
  std::ofstream(b->dir / "locked" / "deeper" / "f") << "x";
  ::chmod((b->dir / "locked").c_str(), 0);

  auto s = remove_execution_workspaces(data_, "exec-3");
  EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(fs::exists(data_ / "work" / "exec-3"));
  EXPECT_TRUE(fs::exists(other->dir));
  EXPECT_TRUE(remove_execution_workspaces(data_, "exec-3").ok());
  EXPECT_TRUE(remove_execution_workspaces(data_, "never-existed").ok());
}

}  // namespace
}  // namespace bt::sandbox
