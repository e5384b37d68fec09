#include "engine/settings.h"

#include <algorithm>

#include <fmt/format.h>

namespace bt::engine {
namespace {

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

Status RunSettings::check(Names names) const {
  // --max-attempts on the command line, max_attempts in the HTTP API.
  const bool flags = names == Names::flags;
  auto name = [flags](std::string n) {
    if (flags) return "--" + n;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
  };
  if (max_attempts < 1 || max_attempts > 100)
    return usage_error(fmt::format("{} must be between 1 and 100, got {}", name("max-attempts"), max_attempts));
  if (speculate < 1 || speculate > 8)
    return usage_error(fmt::format("{} must be between 1 and 8, got {}", name("speculate"), speculate));
  // Seconds as the user wrote them; NaN, infinity and values that would
  // round to "no limit" or overflow are refused.
  struct Span {
    const char* name;
    double v, min, max;
  };
  for (const Span& s : {Span{"timeout", timeout_s, 0.01, 86'400}, Span{"deadline", deadline_s, 0.01, 604'800},
                        Span{"generate-timeout", generate_s, 0.01, 86'400}})
    if (!(s.v >= s.min && s.v <= s.max))
      return usage_error(
          fmt::format("{} must be a number of seconds from {} to {}, got {}", name(s.name), s.min, s.max, s.v));
  if (memory_mb < 64 || memory_mb > (uint64_t{1} << 22))
    return usage_error(fmt::format("{} must be from 64 MB (nu itself needs about that) to 4194304 MB, got {}",
                                   name("memory"), memory_mb));
  return {};
}

void RunSettings::apply(LoopConfig& config) const {
  config.max_attempts = max_attempts;
  config.speculate = speculate;
  config.tool_timeout = ms(timeout_s);
  config.deadline = ms(deadline_s);
  config.generate_budget = ms(generate_s);
  config.memory_mb = memory_mb;
  config.isolate = !unsafe;
  config.keep_workspace = keep;
}

nlohmann::json RunSettings::to_json() const {
  return {{"max_attempts", max_attempts}, {"speculate", speculate},   {"timeout_s", timeout_s},
          {"deadline_s", deadline_s},     {"generate_s", generate_s}, {"memory_mb", memory_mb},
          {"unsafe", unsafe},             {"keep", keep},             {"no_cache", no_cache}};
}

RunSettings RunSettings::from_json(const nlohmann::json& j, const RunSettings& d) {
  RunSettings s;
  s.max_attempts = j.value("max_attempts", d.max_attempts);
  s.speculate = j.value("speculate", d.speculate);
  s.timeout_s = j.value("timeout_s", d.timeout_s);
  s.deadline_s = j.value("deadline_s", d.deadline_s);
  s.generate_s = j.value("generate_s", d.generate_s);
  s.memory_mb = j.value("memory_mb", d.memory_mb);
  s.unsafe = j.value("unsafe", d.unsafe);
  s.keep = j.value("keep", d.keep);
  s.no_cache = j.value("no_cache", d.no_cache);
  return s;
}

}  // namespace bt::engine
