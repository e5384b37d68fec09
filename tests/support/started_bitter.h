// Starting the real `bitter` in the background and killing it by pid.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "support/bitter_process.h"

namespace bt::testing {

// `bitter` started without waiting for it, for tests that kill -9 it at a
// moment of their choosing: its pid is known, so the kill reaches this
// process and nothing else (other tests, on a shared machine, run bitter too).
// stdout and stderr go to files in `dir`, readable while it runs.
class StartedBitter {
 public:
  StartedBitter(const std::vector<std::string>& args, const std::vector<std::string>& env,
                const std::filesystem::path& dir)
      : out_(dir / "run.out"), err_(dir / "run.err") {
    std::vector<std::string> argv = {BITTER_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    std::vector<std::string> envs = env;
    for (auto& s : envs) e.push_back(s.data());
    e.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addchdir_np(&fa, source_dir().c_str());
    if (posix_spawn(&pid_, BITTER_BINARY, &fa, nullptr, a.data(), e.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~StartedBitter() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string stderr_text() const { return text(err_); }
  std::string stdout_text() const { return text(out_); }
  // Still running (not exited on its own)?
  bool running() const {
    siginfo_t si{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           si.si_pid == 0;
  }
  // kill -9 and reap; the wait status.
  int kill9() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

 private:
  static std::string text(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Polls `f` every 5 ms until it holds or `within` passed; whether it held.
inline bool eventually(const std::function<bool()>& f, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!f()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace bt::testing
