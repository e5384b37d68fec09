// Runs the real `bitter` binary for black-box tests, with a private data dir.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sandbox/process.h"
#include "support/temp_dir.h"

namespace bt::testing {

inline std::filesystem::path source_dir() { return BITTER_SOURCE_DIR; }

struct BitterRun {
  int exit_code = -1;
  std::string out, err;
};

// The environment bitter gets: nothing inherited but PATH and the nu location,
// so a developer's own OPENAI_* or BITTER_* settings cannot leak into tests.
inline std::vector<std::string> bitter_env(const std::filesystem::path& home,
                                           const std::vector<std::string>& extra = {}) {
  std::vector<std::string> env = {"BITTER_HOME=" + home.string(), "HOME=" + home.string(),
                                  "PATH=/usr/local/bin:/usr/bin:/bin",
                                  // Tests keep contracts in temp dirs; the input gate's
                                  // root confinement has its own test (gate_test.cc).
                                  "BITTER_ROOT=/"};
  if (const char* nu = std::getenv("BITTER_NU")) env.push_back(std::string("BITTER_NU=") + nu);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

inline BitterRun run_bitter(const std::vector<std::string>& args,
                            const std::vector<std::string>& env,
                            const std::filesystem::path& cwd = source_dir(),
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  sandbox::ProcessSpec spec;
  spec.argv = {BITTER_BINARY};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = env;
  spec.cwd = cwd.string();
  spec.timeout = timeout;
  auto r = sandbox::run_process(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  EXPECT_FALSE(r->timed_out) << "bitter did not finish in time; stderr:\n" << r->err;
  return {r->exit_code, r->out, r->err};
}

}  // namespace bt::testing
