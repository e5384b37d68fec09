// `bitter scan`: the code gate on one file, without running anything.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "gate/scan.h"
#include "util/files.h"

namespace bt::cli {
namespace {

struct ScanOptions {
  std::string file, runtime, rules;
  bool json = false;
};

int scan_file(const ScanOptions& opt) {
  auto source = read_file(opt.file);
  if (!source) return fail(input_error(source.error().message), opt.json);
  gate::Runtime rt = gate::guess_runtime(opt.file, *source);
  if (!opt.runtime.empty()) {
    auto named = gate::runtime_from_name(opt.runtime);
    if (!named) return fail(usage_error("--runtime must be nu, python3 or bash"), opt.json);
    rt = *named;
  }
  auto rules = gate::RuleSet::builtin();
  if (!opt.rules.empty()) {
    if (auto s = rules.apply_file(opt.rules); !s) return fail(input_error(s.error().message), opt.json);
  }
  const auto report = gate::scan(*source, rt, rules);
  if (opt.json) {
    auto j = report.to_json();
    j["file"] = opt.file;
    print_json(j);
  } else {
    std::cout << fmt::format("{}: {} ({}, {} finding(s))\n", opt.file, report.verdict(),
                             gate::to_string(rt), report.findings.size());
    for (const auto& f : report.findings)
      std::cout << fmt::format("  {}:{}:{} {} {}: {}\n      {}\n      fix: {}\n", opt.file, f.line,
                               f.column, gate::to_string(f.severity), f.rule, f.reason, f.excerpt,
                               f.fix);
  }
  return report.blocked() ? kExitFailed : kExitOk;
}

}  // namespace

Handler add_scan(CLI::App& app) {
  auto opt = std::make_shared<ScanOptions>();
  app.add_option("file", opt->file, "Tool to check (Nushell, python3 or bash)")->required();
  app.add_option("--runtime", opt->runtime,
                 "nu, python3 or bash (default: by extension or shebang, else nu)");
  app.add_option("--rules", opt->rules, "YAML rule file that adds, disables or overrides rules");
  app.add_flag("--json", opt->json, "Print the verdict and findings as JSON");
  app.footer("\nExit codes: 0 pass or warn, 1 block, 2 unusable input.");
  return [opt] { return scan_file(*opt); };
}

}  // namespace bt::cli
