#include "engine/cache.h"

#include <yaml-cpp/yaml.h>

#include "contract/yaml_values.h"
#include "util/hash.h"

namespace bt::engine {
namespace {

// The contract as sorted JSON: the same contract written differently (key
// order, comments, quoting) gives the same text.
std::string normalised(const contract::Contract& c) {
  try {
    return contract::yaml::to_json(YAML::Load(c.text)).dump();
  } catch (const std::exception&) {
    return c.text;  // it loaded once, so this is only belt and braces
  }
}

void part(std::string& out, const std::string& s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ';';
}

}  // namespace

std::string cache_key(const CacheKeyInput& in) {
  std::string material = "bitter-tool-cache-v1;";
  part(material, in.contract ? normalised(*in.contract) : "");
  part(material, in.model);
  part(material, in.task);
  part(material, in.runtime);
  part(material, in.llm);
  part(material, std::to_string(in.prompt_version));
  return sha256_hex(material);
}

}  // namespace bt::engine
