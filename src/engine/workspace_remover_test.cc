#include "engine/workspace_remover.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "sandbox/workspace.h"
#include "support/temp_dir.h"

namespace bt::engine {
namespace {

namespace fs = std::filesystem;
using bt::testing::TempDir;

fs::path make_workspace(const fs::path& data, const std::string& id) {
  auto ws = sandbox::create_workspace(data, id, 1, 0);
  EXPECT_TRUE(ws.ok());
  std::ofstream(ws->dir / "tool.nu") << "1\n";
  return data / "work" / id;
}

TEST(WorkspaceRemover, RemovesWhatIsQueuedAndNothingElse) {
  TempDir data;
  const fs::path a = make_workspace(data.path(), "exec-a"),
                 b = make_workspace(data.path(), "exec-b");
  WorkspaceRemover remover(data.path());
  remover.remove("exec-a");
  remover.drain();
  EXPECT_FALSE(fs::exists(a));
  EXPECT_TRUE(fs::exists(b / "1" / "0" / "tool.nu"));
}

TEST(WorkspaceRemover, FinishesItsQueueBeforeItIsGone) {
  TempDir data;
  std::vector<fs::path> dirs;
  {
    WorkspaceRemover remover(data.path());
    for (int i = 0; i < 20; ++i) {
      dirs.push_back(make_workspace(data.path(), "exec-" + std::to_string(i)));
      remover.remove("exec-" + std::to_string(i));
    }
  }
  for (const auto& d : dirs) EXPECT_FALSE(fs::exists(d)) << d;
}

TEST(WorkspaceRemover, ItsThreadNeverTakesTheProcessSignals) {
  TempDir data;
  // A background job's shell may hand SIGINT down ignored; the test needs
  // the default action (ending the process) to mean something.
  std::signal(SIGINT, SIG_DFL);
  // As in `bitter run`: the remover starts before the signals are blocked
  // for the thread that waits on them (util/signals.h).
  WorkspaceRemover remover(data.path());
  make_workspace(data.path(), "exec-1");
  remover.remove("exec-1");
  remover.drain();  // its thread is now surely running with its own mask
  sigset_t sigint, old;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigint, &old);
  // Were SIGINT open on the remover's thread, it would take it there and
  // the default action would end this test binary.
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  const timespec wait{5, 0};
  EXPECT_EQ(sigtimedwait(&sigint, nullptr, &wait), SIGINT);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace
}  // namespace bt::engine
