#include "gate/rules.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "util/files.h"

namespace bt::gate {

std::string to_string(Severity s) { return s == Severity::block ? "block" : "warn"; }

RuleSet RuleSet::builtin() {
  RuleSet set;
  for (auto& r : builtin_rules()) {
    auto s = set.add_or_replace(std::move(r));
    (void)s;  // built-ins are tested to compile (rules_test.cc)
  }
  return set;
}

Status RuleSet::add_or_replace(Rule r) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_shared<RE2>("(?m)" + r.pattern, o);
  if (!re->ok())
    return input_error(fmt::format("rule {}: bad pattern: {}", r.id, re->error()));
  std::shared_ptr<RE2> args;
  if (!r.args.empty()) {
    args = std::make_shared<RE2>(r.args, o);
    if (!args->ok()) return input_error(fmt::format("rule {}: bad args pattern: {}", r.id, args->error()));
  }
  for (auto& c : rules_) {
    if (c.rule.id == r.id && c.rule.runtime == r.runtime) {
      c = {std::move(r), std::move(re), std::move(args)};
      return {};
    }
  }
  rules_.push_back({std::move(r), std::move(re), std::move(args)});
  return {};
}

Status RuleSet::apply_yaml(const std::string& yaml, const std::string& name) {
  YAML::Node doc;
  try {
    doc = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return input_error(fmt::format("{}: invalid YAML: {}", name, e.what()));
  }
  const YAML::Node list = doc["rules"];
  if (!list || !list.IsSequence())
    return input_error(name + ": expected a top-level `rules:` list");
  try {
    for (const auto& n : list) {
      const int line = n.Mark().line + 1;
      const std::string id = n["id"] ? n["id"].as<std::string>() : "";
      if (id.empty()) return input_error(fmt::format("{}:{}: rule without id", name, line));
      if (id == "*") {  // every rule: audit mode (severity: warn) or all off
        for (auto& c : rules_) {
          if (n["disable"] && n["disable"].as<bool>()) c.rule.enabled = false;
          if (n["severity"])
            c.rule.severity = n["severity"].as<std::string>() == "block" ? Severity::block : Severity::warn;
        }
        continue;
      }
      // Find every built-in (any runtime) with this id, or start a new one.
      std::vector<CompiledRule*> existing;
      for (auto& c : rules_)
        if (c.rule.id == id) existing.push_back(&c);
      if (n["disable"] && n["disable"].as<bool>()) {
        if (existing.empty())
          return input_error(fmt::format("{}:{}: cannot disable unknown rule {}", name, line, id));
        for (auto* c : existing) c->rule.enabled = false;
        continue;
      }
      Rule r = existing.empty() ? Rule{} : existing.front()->rule;
      r.id = id;
      r.enabled = true;
      if (n["runtime"]) {
        auto rt = runtime_from_name(n["runtime"].as<std::string>());
        if (!rt) return input_error(fmt::format("{}:{}: rule {}: runtime must be nu, python3 or bash", name, line, id));
        r.runtime = *rt;
      }
      if (n["severity"]) {
        const auto sv = n["severity"].as<std::string>();
        if (sv != "block" && sv != "warn")
          return input_error(fmt::format("{}:{}: rule {}: severity must be block or warn", name, line, id));
        r.severity = sv == "block" ? Severity::block : Severity::warn;
      }
      if (n["pattern"]) r.pattern = n["pattern"].as<std::string>();
      if (n["args"]) r.args = n["args"].as<std::string>();
      if (n["view"]) r.view_text = n["view"].as<std::string>() == "text";
      if (n["reason"]) r.reason = n["reason"].as<std::string>();
      if (n["fix"]) r.fix = n["fix"].as<std::string>();
      if (r.pattern.empty() || r.reason.empty())
        return input_error(fmt::format("{}:{}: new rule {} needs pattern and reason", name, line, id));
      if (existing.size() > 1 && !n["runtime"]) {  // override every runtime's variant
        for (auto* c : existing) {
          Rule each = r;
          each.runtime = c->rule.runtime;
          if (!n["pattern"]) each.pattern = c->rule.pattern;
          if (!n["args"]) each.args = c->rule.args;
          if (auto s = add_or_replace(std::move(each)); !s) return s;
        }
        continue;
      }
      if (auto s = add_or_replace(std::move(r)); !s)
        return input_error(fmt::format("{}:{}: {}", name, line, s.error().message));
    }
  } catch (const YAML::Exception& e) {
    return input_error(fmt::format("{}: {}", name, e.what()));
  }
  return {};
}

Status RuleSet::apply_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return apply_yaml(*text, path.string());
}

}  // namespace bt::gate
