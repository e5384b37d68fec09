// `bitter schema`: the JSON Schema bitter derives from one model of a contract,
// the same one the validator checks and the prompt shows.
#include "contract/schema.h"

#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "contract/loader.h"

namespace bt::cli {
namespace {

struct SchemaCmdOptions {
  std::string contract, model;
};

int print_schema(const SchemaCmdOptions& opt) {
  auto contract = contract::load_file(opt.contract);
  if (!contract) return fail(contract.error(), false);
  // Same default as `run`: the model named *Input is never the output.
  auto input_model = contract::pick_input_model(*contract, "");
  if (!input_model) return fail(input_model.error(), false);
  auto model = contract::pick_model(*contract, opt.model, *input_model);
  if (!model) return fail(model.error(), false);
  print_json(contract::to_json_schema(**model));
  return kExitOk;
}

}  // namespace

Handler add_schema(CLI::App& app) {
  auto opt = std::make_shared<SchemaCmdOptions>();
  app.add_option("contract", opt->contract, "Data contract (Data Contract Specification YAML)")
      ->required();
  app.add_option("--model", opt->model,
                 "Model to print (default: the only one that is not the *Input model)");
  app.footer(
      "\nPrints the JSON Schema (draft-07) bitter checks for the model: strict (objects reject\n"
      "undeclared keys), optional fields nullable, formats implied by the type (timestamp ->\n"
      "date-time).\n"
      "Exit codes: 0 printed, 2 bad usage, contract that does not load, or unknown model.");
  return [opt] { return print_schema(*opt); };
}

}  // namespace bt::cli
