#include <csignal>
#include <cstdio>
#include <map>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"

namespace bt::cli {
namespace {

constexpr const char* kDescription =
    "bitter-truth: an LLM writes a small data tool, and nothing unverified gets through.\n"
    "Give it a data contract (what the tool's JSON output must look like) and a task;\n"
    "it generates Nushell code, checks it, runs it on your input and validates the\n"
    "output against the contract, feeding exact errors back until it passes.";

const std::string kFooter = std::string("\n") + kExitCodesHelp + " Run `bitter COMMAND --help`.";

}  // namespace

std::optional<int> parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return std::nullopt;
}

int main_entry(int argc, char** argv) {
  // A tool that closes its stdin early must not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{kDescription, "bitter"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", "bitter 0.1.0");

  // Only the subcommand named gets its options: building every option of
  // every subcommand would be most of bitter's own start-up work, and
  // `bitter --help` lists the subcommands without them.
  const std::string named = argc > 1 ? argv[1] : "";
  std::map<CLI::App*, Handler> handlers;
  auto add = [&](const char* name, const char* help, Handler (*registrar)(CLI::App&)) {
    CLI::App* sub = app.add_subcommand(name, help);
    if (named == name) handlers[sub] = registrar(*sub);
  };
  add("run", "Generate, check, run and validate a tool until it satisfies the contract", add_run);
  add("show", "Show one execution: attempts, stages, errors, the accepted tool", add_show);
  add("list", "List recent executions", add_list);
  add("exec", "Run one tool file in the sandbox and show its output and limits", add_exec);
  add("doctor", "Check the set-up: nu runtime, data dir, journal, LLM configuration",
      add_doctor);
  add("scan", "Check a tool against the code-gate rules without running it", add_scan);
  add("gate", "Check a task text with the input gate (verdict, score, reasons)", add_gate);
  add("validate", "Check JSON data against a contract (strict, or --compat as datacontract-cli)",
      add_validate);
  add("lint", "Check a contract itself: unknown types, broken $ref, contradictions", add_lint);
  add("resume", "Continue executions a dead bitter process left unfinished", add_resume);
  add("serve", "Serve the HTTP API (Kestra-compatible), live progress, metrics and the dashboard",
      add_serve_launcher);
  add("cache", "List or purge the validated tools `run` reuses", add_cache);
  add("schema", "Print the JSON Schema bitter derives for a model of a contract", add_schema);

  if (auto rc = parse_args(app, argc, argv)) return *rc;
  for (auto& [sub, handler] : handlers) {
    if (sub->parsed()) return handler();
  }
  return kExitUsage;
}

}  // namespace bt::cli
