// Code-gate rules: each has an id, a severity, a reason, a fix hint for the
// LLM and an RE2 pattern (linear time, so a hostile tool cannot make the gate
// itself slow). The built-in set is the default; a YAML rule file can add,
// disable or override rules by id.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gate/tokenize.h"
#include "util/result.h"

namespace re2 {
class RE2;
}

namespace bt::gate {

enum class Severity { warn, block };
std::string to_string(Severity s);

struct Rule {
  std::string id;
  Runtime runtime = Runtime::nu;
  Severity severity = Severity::block;
  std::string reason;  // why it is dangerous
  std::string fix;     // what the LLM should do instead
  // Matched against the code view (strings masked) unless `view_text`; a
  // capture group 1, when present, marks the reported position.
  std::string pattern;
  bool view_text = false;
  // When set, must also match the rest of the statement after the pattern
  // (text view, string variables expanded): the arguments of the call.
  std::string args;
  bool enabled = true;
};

// A rule with its compiled patterns.
struct CompiledRule {
  Rule rule;
  std::shared_ptr<re2::RE2> re, args;
};

class RuleSet {
 public:
  static RuleSet builtin();
  // Applies a YAML rule file: `rules: [{id, disable|runtime|severity|pattern|args|view|reason|fix}]`.
  Status apply_yaml(const std::string& yaml, const std::string& name);
  Status apply_file(const std::filesystem::path& path);

  const std::vector<CompiledRule>& rules() const { return rules_; }
  Status add_or_replace(Rule r);  // errors (input) on a bad pattern

 private:
  std::vector<CompiledRule> rules_;
};

// The built-in rules (rules_builtin.cc).
std::vector<Rule> builtin_rules();

}  // namespace bt::gate
