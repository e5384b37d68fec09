// Runs the real `bitter` with data on its stdin and, optionally, under a
// wrapper program (e.g. no_namespaces), for the `bitter exec` tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sandbox/process.h"
#include "support/bitter_process.h"

namespace bt::testing {

struct BitterCall {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string stdin_data;
  std::vector<std::string> wrapper;  // argv before bitter's own, absolute paths
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

inline BitterRun call_bitter(const BitterCall& c) {
  sandbox::ProcessSpec spec;
  spec.argv = c.wrapper;
  spec.argv.push_back(BITTER_BINARY);
  spec.argv.insert(spec.argv.end(), c.args.begin(), c.args.end());
  spec.env = c.env;
  spec.cwd = source_dir().string();
  spec.stdin_data = c.stdin_data;
  spec.timeout = c.timeout;
  auto r = sandbox::run_process(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  EXPECT_FALSE(r->timed_out) << "bitter did not finish in time; stderr:\n" << r->err;
  return {r->exit_code, r->out, r->err};
}

// Writes `text` to dir/name and returns the path.
inline std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                        const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// <home>/work/exec-* directories `bitter exec` left behind.
inline int exec_workspaces(const std::filesystem::path& home) {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(home / "work", ec), end; !ec && it != end;
       it.increment(ec))
    if (it->path().filename().string().rfind("exec-", 0) == 0) ++n;
  return n;
}

}  // namespace bt::testing
