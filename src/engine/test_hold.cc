// FOR TESTS ONLY: the BITTER_TEST_HOLD_STAGE knob (see Context::hold_for_test
// in engine/context.h). Some stages take microseconds, so a test cannot aim a
// kill -9 at them by timing; this holds one of them for a while instead.
// Unset (as it always is outside tests/e2e/resume_stages_test.cc) it costs
// one string comparison per stage and changes nothing.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "engine/context.h"

namespace bt::engine::detail {

void Context::hold_for_test(int k, int c, const char* stage_name) const {
  static const std::string held = [] {
    const char* v = std::getenv("BITTER_TEST_HOLD_STAGE");
    return std::string(v ? v : "");
  }();
  static std::atomic<bool> done{false};
  if (held.empty() || held != stage_name || done.exchange(true)) return;  // once per process
  log.warn(fmt::format(
               "BITTER_TEST_HOLD_STAGE: holding {} for 20 s (a test knob; never set it otherwise)",
               stage_name),
           fields(k, c, stage_name));
  std::this_thread::sleep_for(std::chrono::seconds(20));
}

}  // namespace bt::engine::detail
