// `bitter serve` as a child process for black-box API tests: started on a
// free loopback port (it prints its URL first), stopped with SIGTERM.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "support/bitter_process.h"

namespace bt::testing {

class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
               const std::filesystem::path& log_dir, const std::filesystem::path& cwd = source_dir()) {
    err_path_ = log_dir / "serve.stderr";
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    std::vector<std::string> argv = {BITTER_BINARY, "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    // Everything the child needs is built before fork: the test process has
    // threads (the fake LLM), so the child may only exec.
    std::vector<std::string> env_copy = env;
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : env_copy) e.push_back(s.data());
    e.push_back(nullptr);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const std::string dir = cwd.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err, 2);
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      ::execve(a[0], a.data(), e.data());
      ::_exit(127);
    }
    if (err >= 0) ::close(err);
    ::close(out[1]);
    out_fd_ = out[0];
    // The first line on stdout is the URL; give it ten seconds.
    std::string line;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    if (auto nl = line.find('\n'); nl != std::string::npos) url_ = line.substr(0, nl);
    if (auto colon = url_.rfind(':'); colon != std::string::npos) port_ = std::atoi(url_.c_str() + colon + 1);
  }
  ~ServeProcess() { stop(); }

  bool started() const { return port_ > 0; }
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  std::string stderr_text() const {
    std::ifstream in(err_path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // As a crash would: SIGKILL, no chance to clean up.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = 128 + SIGKILL;
  }
  // SIGTERM, then the exit status (SIGKILL after 15 s). -1 if not running.
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 1500; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
      if (i == 1499) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  std::string url_;
  std::filesystem::path err_path_;
};

}  // namespace bt::testing
