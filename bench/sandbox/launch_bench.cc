// The sandbox's launch cost inside a running bitter, the way `bitter run`
// pays it for every tool it runs (twice per attempt: the syntax check and
// the tool): the same command started plain (posix_spawn and waitpid, no
// isolation, no capture) and through run_process() sandboxed (namespaces,
// mounts, rlimits, seccomp, stdio captured, deadline), in one workspace made
// beforehand, the two alternating so drift hits both alike.
//
//   bench_sandbox --nu PATH [--runs N] [--dir DIR]
//
// Prints one JSON line per command: mean and p50 wall milliseconds per
// launch, plain and sandboxed, and the difference.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/process.h"
#include "sandbox/runtime.h"

namespace bt {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Series {
  std::vector<double> ms;
  double mean() const {
    double s = 0;
    for (double v : ms) s += v;
    return ms.empty() ? 0 : s / static_cast<double>(ms.size());
  }
  double p50() const {
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
};

// The baseline: plain posix_spawn and waitpid, stdio on /dev/null, no
// capture, no deadline, no isolation.
double spawn_plain(const sandbox::ProcessSpec& spec) {
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int fd : {0, 1, 2}) posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
  const auto t0 = Clock::now();
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) == 0) waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  posix_spawn_file_actions_destroy(&fa);
  if (status != 0) {
    std::fprintf(stderr, "bench_sandbox: %s failed plain (status %d)\n", argv[0], status);
    std::exit(1);
  }
  return ms;
}

// One sandboxed launch; exits the benchmark if the command does not run cleanly.
double launch(const sandbox::ProcessSpec& spec) {
  const auto t0 = Clock::now();
  auto r = sandbox::run_process(spec);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!r || r->exit_code != 0) {
    std::fprintf(stderr, "bench_sandbox: %s failed: %s\n", spec.argv[0].c_str(),
                 r ? (r->describe() + ": " + r->err).c_str() : r.error().message.c_str());
    std::exit(1);
  }
  return ms;
}

nlohmann::json measure(const std::string& name, std::vector<std::string> argv,
                       std::vector<std::string> ro_paths, const fs::path& ws, int runs) {
  sandbox::ProcessSpec plain;
  plain.argv = std::move(argv);
  plain.cwd = ws.string();
  plain.env = sandbox::minimal_env(ws);
  plain.timeout = std::chrono::seconds(30);
  sandbox::ProcessSpec isolated = plain;
  sandbox::Isolation iso;
  iso.workspace = ws.string();
  iso.ro_paths = std::move(ro_paths);
  iso.limits.memory_bytes = 1024ULL << 20;  // bitter exec's default
  isolated.isolation = iso;
  for (int i = 0; i < 3; ++i) spawn_plain(plain), launch(isolated);  // warm: page cache, seccomp compile
  Series p, s;
  for (int i = 0; i < runs; ++i) {
    p.ms.push_back(spawn_plain(plain));
    s.ms.push_back(launch(isolated));
  }
  return {{"command", name},
          {"runs", runs},
          {"plain_ms_mean", p.mean()},
          {"plain_ms_p50", p.p50()},
          {"sandboxed_ms_mean", s.mean()},
          {"sandboxed_ms_p50", s.p50()},
          {"added_ms_mean", s.mean() - p.mean()},
          {"added_ms_p50", s.p50() - p.p50()}};
}

int main_(int argc, char** argv) {
  std::string nu;
  std::string dir = "/tmp/bitter-bench-sandbox";
  int runs = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--nu") nu = argv[i + 1];
    else if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    else if (flag == "--dir") dir = argv[i + 1];
  }
  if (nu.empty() || runs < 1) {
    std::fprintf(stderr, "usage: bench_sandbox --nu PATH [--runs N] [--dir DIR]\n");
    return 2;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  const fs::path ws = fs::path(dir) / "ws";
  fs::create_directories(ws);
  std::ofstream(ws / "true.sh") << "#!/bin/sh\nexit 0\n";
  std::printf("%s\n", measure("true.sh", {"/bin/bash", (ws / "true.sh").string()}, {}, ws, runs).dump().c_str());
  std::printf("%s\n", measure("nu -c 1", {nu, "--no-config-file", "-c", "1"}, {nu}, ws, runs).dump().c_str());
  fs::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace bt

int main(int argc, char** argv) { return bt::main_(argc, argv); }
