// `bitter gate`: the input gate's task-text checks alone.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/gate.h"
#include "engine/loop.h"
#include "gate/confine.h"
#include "gate/input_gate.h"
#include "store/journal.h"
#include "util/files.h"
#include "util/log.h"

namespace bt::cli {
namespace {

struct GateOptions {
  std::string task;
  size_t max_bytes = 4 << 10;
  bool json = false;
};

int gate_task(const GateOptions& opt) {
  auto text = literal_or_file(opt.task);
  if (!text) return fail(input_error(text.error().message), opt.json);
  gate::InputGateOptions go;
  go.max_task_bytes = opt.max_bytes;
  auto v = gate::check_task(*text, go);
  if (!v) return fail(v.error(), opt.json);
  if (opt.json) {
    print_json(v->to_json());
  } else {
    std::cout << fmt::format("{} (score {:.2f}, threshold {:.2f})\n",
                             v->accept ? "accept" : "reject", v->score, go.reject_threshold)
              << v->reasons_text();
  }
  return v->accept ? kExitOk : kExitFailed;
}

}  // namespace

std::filesystem::path gate_root(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("BITTER_ROOT"); env && *env) return env;
  std::error_code ec;
  return std::filesystem::current_path(ec);
}

Result<std::string> read_confined(const std::string& arg, const std::filesystem::path& root) {
  if (arg.empty() || arg[0] != '@') return arg;
  auto path = gate::confine(arg.substr(1), root, kWidenRoot);
  if (!path) return path.error();
  return literal_or_file("@" + path->string());
}

Handler add_gate(CLI::App& app) {
  auto opt = std::make_shared<GateOptions>();
  app.add_option("--task", opt->task, "Task text to check, or @FILE")->required();
  app.add_option("--max-bytes", opt->max_bytes, "Length cap for the task in bytes (default 4096)");
  app.add_flag("--json", opt->json, "Print verdict, score and reasons as JSON");
  app.footer("\nExit codes: 0 accept, 1 reject, 2 unusable input.");
  return [opt] { return gate_task(*opt); };
}

}  // namespace bt::cli
