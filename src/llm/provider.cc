// make_provider: turns "--llm SPEC" (or $BITTER_LLM, or just $OPENAI_BASE_URL)
// into a provider. Every way this can go wrong is a usage error whose text
// says how to fix the configuration, because it is the first thing a new user
// sees.
#include <cstdlib>
#include <string>

#include "llm/openai.h"
#include "llm/provider.h"
#include "llm/replay.h"
#include "util/strings.h"

namespace bt::llm {
namespace {

constexpr const char* kReplayPrefix = "replay:";

}  // namespace

Result<std::unique_ptr<Provider>> make_provider(const ProviderConfig& config) {
  std::string spec = trim(config.spec);
  std::string origin = "--llm";
  if (spec.empty()) {
    spec = trim(env_or_empty("BITTER_LLM"));
    origin = "BITTER_LLM";
  }
  // Someone who set OPENAI_BASE_URL (a local llama.cpp or vLLM) obviously
  // means the openai provider; don't make them say it twice.
  if (spec.empty() && !trim(env_or_empty("OPENAI_BASE_URL")).empty()) spec = "openai";
  if (spec.empty())
    return usage_error(
        "no LLM provider configured: pass --llm openai (with OPENAI_BASE_URL and BITTER_LLM_MODEL) "
        "or --llm replay:FILE, or set BITTER_LLM");

  if (spec == "openai") return make_openai_provider(config);
  if (spec.starts_with(kReplayPrefix)) {
    const std::string path = spec.substr(std::string_view(kReplayPrefix).size());
    if (path.empty()) return usage_error("replay provider needs a file: " + origin + " replay:FILE");
    return make_replay_provider(path);
  }
  return usage_error("unknown LLM provider '" + spec + "' (from " + origin +
                     "): valid ones are 'openai' (an OpenAI-compatible endpoint at OPENAI_BASE_URL) "
                     "and 'replay:FILE' (recorded answers, one JSON object per line)");
}

}  // namespace bt::llm
