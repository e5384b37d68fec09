#include "sandbox/workspace.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "support/scoped_env.h"

namespace bt::sandbox {
namespace {
namespace fs = std::filesystem;
using bt::testing::ScopedEnv;

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

// Makes <data>/work/<id> look last modified `age` ago (after its contents
// are in place: adding an entry would refresh it).
void age_by(const fs::path& dir, std::chrono::hours age) {
  fs::last_write_time(dir, fs::file_time_type::clock::now() - age);
}

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
    EXPECT_FALSE(create_exec_workspace(data_, id).ok()) << id;
    EXPECT_FALSE(remove_execution_workspaces(data_, id).ok()) << id;
  }
  EXPECT_FALSE(fs::exists(root_ / "escape"));
}

TEST_F(WorkspaceTest, AnExecWorkspaceIsOnePrivateDirectoryUnderWork) {
  const mode_t old = ::umask(022);
  auto ws = create_exec_workspace(data_, "exec-5");
  ::umask(old);
  ASSERT_TRUE(ws.ok()) << ws.error().message;
  EXPECT_EQ(ws->dir, data_ / "work" / "exec-5");
  for (const fs::path& p : {data_, data_ / "work", ws->dir}) EXPECT_EQ(mode(p), 0700u) << p;
  EXPECT_FALSE(create_exec_workspace(data_, "exec-5").ok());  // never reused
  ASSERT_TRUE(remove_execution_workspaces(data_, "exec-5").ok());
  EXPECT_FALSE(fs::exists(ws->dir));
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

TEST_F(WorkspaceTest, SweepRemovesOnlyExecutionsOlderThanTheRetention) {
  using std::chrono::hours;
  const fs::path work = data_ / "work";
  auto old = create_workspace(data_, "old-failed", 1);
  auto young = create_workspace(data_, "young-failed", 1);
  auto fresh = create_workspace(data_, "running-now", 1);
  ASSERT_TRUE(old.ok() && young.ok() && fresh.ok());
  std::ofstream(old->dir / "tool.nu") << "print 1\n";
  // What a failed tool may leave: a directory it locked.
  fs::create_directories(old->dir / "locked" / "deeper");
  ::chmod((old->dir / "locked").c_str(), 0);
  // Not workspaces: a stray file and a symlink to a directory elsewhere.
  std::ofstream(work / "notes.txt") << "mine";
  const fs::path elsewhere = root_ / "elsewhere";
  fs::create_directories(elsewhere);
  std::ofstream(elsewhere / "keep.me") << "x";
  fs::create_directory_symlink(elsewhere, work / "link-old");
  age_by(work / "old-failed", hours(73));
  age_by(work / "young-failed", hours(71));
  age_by(work / "notes.txt", hours(1000));

  auto s = sweep_workspaces(data_, hours(72));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(fs::exists(work / "old-failed"));
  EXPECT_TRUE(fs::exists(young->dir));
  EXPECT_TRUE(fs::exists(fresh->dir));
  EXPECT_TRUE(fs::exists(work / "notes.txt"));
  EXPECT_TRUE(fs::is_symlink(work / "link-old"));
  EXPECT_TRUE(fs::exists(elsewhere / "keep.me"));

  // A shorter retention catches the younger one too.
  ASSERT_TRUE(sweep_workspaces(data_, hours(70)).ok());
  EXPECT_FALSE(fs::exists(work / "young-failed"));
  EXPECT_TRUE(fs::exists(fresh->dir));
}

TEST_F(WorkspaceTest, SweepWithoutAWorkDirIsFine) {
  EXPECT_TRUE(sweep_workspaces(data_, std::chrono::hours(1)).ok());
  EXPECT_FALSE(fs::exists(data_));  // and creates nothing
}

TEST_F(WorkspaceTest, RetentionComesFromTheEnvironment) {
  using std::chrono::hours;
  const char* var = "BITTER_WORKSPACE_RETENTION_HOURS";
  {
    ScopedEnv e(var, std::nullopt);
    EXPECT_EQ(workspace_retention(), hours(72));
  }
  for (const auto& [text, want] : std::vector<std::pair<std::string, long>>{
           {"5", 5}, {"0", 0}, {"", 72}, {"abc", 72}, {"12h", 72}, {"-3", 72}}) {
    ScopedEnv e(var, text);
    EXPECT_EQ(workspace_retention(), hours(want)) << "'" << text << "'";
  }
}

// "Keep them for ever" must not overflow the clock into "remove them all".
TEST_F(WorkspaceTest, AVeryLongRetentionKeepsEverything) {
  auto old = create_workspace(data_, "old-failed", 1);
  ASSERT_TRUE(old.ok());
  age_by(data_ / "work" / "old-failed", std::chrono::hours(100));
  for (const long long h : {9'999'999LL, 1'000'000'000'000LL}) {
    ScopedEnv e("BITTER_WORKSPACE_RETENTION_HOURS", std::to_string(h));
    ASSERT_TRUE(sweep_workspaces(data_, workspace_retention()).ok());
    EXPECT_TRUE(fs::exists(old->dir)) << "swept with a retention of " << h << " hours";
  }
  ASSERT_TRUE(sweep_workspaces(data_, std::chrono::hours::max()).ok());
  EXPECT_TRUE(fs::exists(old->dir));
}

TEST_F(WorkspaceTest, FreeSpaceCheckFailsFastWithTheNumbers) {
  struct statvfs st {};
  ASSERT_EQ(::statvfs(root_.c_str(), &st), 0);
  const uint64_t avail = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;

  EXPECT_TRUE(check_free_space(data_, 0).ok());
  EXPECT_TRUE(check_free_space(data_, avail / 2).ok());
  EXPECT_FALSE(fs::exists(data_));  // a missing data dir: its parent's file system

  const uint64_t want = avail + (1ULL << 40);  // a terabyte more than there is
  auto s = check_free_space(data_, want);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::infra);
  const std::string& m = s.error().message;
  EXPECT_NE(m.find(data_.string()), std::string::npos) << m;
  EXPECT_NE(m.find("at least " + std::to_string(want >> 20) + " MB"), std::string::npos) << m;
  EXPECT_NE(m.find("BITTER_MIN_FREE_MB"), std::string::npos) << m;
}

TEST_F(WorkspaceTest, MinimumFreeSpaceComesFromTheEnvironment) {
  const char* var = "BITTER_MIN_FREE_MB";
  {
    ScopedEnv e(var, std::nullopt);
    EXPECT_EQ(min_free_bytes(), 100ULL << 20);
  }
  {
    ScopedEnv e(var, "250");
    EXPECT_EQ(min_free_bytes(), 250ULL << 20);
  }
  {
    ScopedEnv e(var, "lots");
    EXPECT_EQ(min_free_bytes(), 100ULL << 20);
  }
  // 2^44 MB is 2^64 bytes: it must not wrap around to "needs nothing".
  for (const char* huge : {"17592186044416", "17592186044417", "9223372036854775807"}) {
    ScopedEnv e(var, huge);
    EXPECT_GE(min_free_bytes(), 1ULL << 60) << huge;
    EXPECT_FALSE(check_free_space(data_, min_free_bytes()).ok()) << huge;
  }
}

}  // namespace
}  // namespace bt::sandbox
