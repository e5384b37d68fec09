// The per-execution knobs a user may set (CLI flags, API fields, saved for
// `bitter resume`), checked in one place so every front end refuses the same
// impossible values before any LLM call.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "engine/loop.h"
#include "util/result.h"

namespace bt::engine {

struct RunSettings {
  int max_attempts = 3;
  int speculate = 1;       // candidates per attempt
  double timeout_s = 10;   // each run of the tool
  double deadline_s = 1800, generate_s = 300;
  uint64_t memory_mb = 1024;
  bool unsafe = false;     // no sandbox
  bool keep = false;       // keep workspaces of accepted tools
  bool no_cache = false;

  // How a usage error names the knob: as a CLI flag or an API field.
  enum class Names { flags, fields };
  // Usage errors whose first word names the knob ("--timeout", "timeout").
  Status check(Names names = Names::flags) const;
  // Copies the knobs into a loop configuration.
  void apply(LoopConfig& config) const;
  nlohmann::json to_json() const;
  // Missing keys keep the values of `defaults`.
  static RunSettings from_json(const nlohmann::json& j, const RunSettings& defaults);
};

}  // namespace bt::engine
