// `bitter validate`: check a data file (or the contract's server path)
// against the contract, strict by default or as datacontract-cli does.
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "contract/data_check.h"
#include "contract/loader.h"

namespace bt::cli {
namespace {

struct ValidateOptions {
  std::string contract, data, model, server, delimiter;
  bool compat = false, json = false;
  size_t max_errors = 0;
};

int run_validate(const ValidateOptions& opt) {
  auto contract = contract::load_file(opt.contract, contract::LoadOptions{opt.compat});
  if (!contract) {
    if (!opt.compat) return fail(contract.error(), opt.json);
    // Upstream turns a contract it cannot parse into a run with result error.
    if (opt.json) print_json({{"result", "error"}, {"error", contract.error().message}});
    else std::fprintf(stderr, "bitter: error: %s\nresult: error\n", contract.error().message.c_str());
    return kExitUsage;
  }
  contract::DataOptions d;
  d.mode = opt.compat ? contract::Mode::compat : contract::Mode::strict;
  d.model = opt.model;
  d.server = opt.server;
  if (!opt.data.empty()) d.data = opt.data;
  if (!opt.delimiter.empty()) {
    auto delim = contract::parse_delimiter(opt.delimiter == "none" ? "" : opt.delimiter);
    if (!delim) return fail(delim.error(), opt.json);
    d.delimiter = *delim;
  }
  d.cap = opt.max_errors ? opt.max_errors : (opt.compat ? 500 : 50);
  auto report = contract::check_data(*contract, d);
  if (!report) return fail(report.error(), opt.json);
  if (opt.json) print_json(contract::to_json(*report));
  else std::fputs(contract::to_text(*report).c_str(), stdout);
  if (report->result == "passed" || report->result == "warning") return kExitOk;
  return report->result == "failed" ? kExitFailed : kExitUsage;
}

}  // namespace

Handler add_validate(CLI::App& app) {
  auto opt = std::make_shared<ValidateOptions>();
  app.add_option("contract", opt->contract, "Data contract (DCS or ODCS v3 YAML)")->required();
  app.add_option("data", opt->data,
                 "JSON data file: one document, an array of records or NDJSON (default: the "
                 "server's path, relative to the working directory)");
  app.add_option("--model", opt->model, "Model to check (default: every model with data / the only one)");
  app.add_option("--server", opt->server, "Server entry whose path and delimiter to use (default: the first)");
  app.add_option("--delimiter", opt->delimiter, "How records sit in DATA: new_line, array or none")
      ->check(CLI::IsMember({"new_line", "array", "none"}));
  app.add_flag("--compat", opt->compat, "Judge exactly as `datacontract test` (datacontract-cli 1.1.1) does");
  app.add_option("--max-errors", opt->max_errors, "Violations to list (default 50; compat 500)");
  app.add_flag("--json", opt->json, "Print the report as JSON");
  app.footer(
      "\nStrict mode (default) is draconian: undeclared keys, impossible dates, unknown formats and\n"
      "unsupported constraints are errors; --compat reproduces upstream's lenient results. See\n"
      "docs/contract-modes.md for every difference.\n"
      "Result: passed | warning | failed | error.\n"
      "Exit codes: 0 passed or warning, 1 failed, 2 error or unusable input.");
  return [opt] { return run_validate(*opt); };
}

}  // namespace bt::cli
