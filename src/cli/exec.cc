// `bitter exec FILE`: runs one tool in the sandbox, as the loop would, and
// shows what happened. For trying the sandbox and for benchmarks.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "sandbox/process.h"
#include "sandbox/runtime.h"
#include "sandbox/workspace.h"
#include "util/files.h"
#include "util/ids.h"

namespace bt::cli {
namespace {

namespace fs = std::filesystem;

struct ExecOptions {
  std::string file, runtime, input, nu;
  double timeout_s = 10;
  uint64_t memory_mb = 1024;
  bool json = false, unsafe = false, input_given = false;
};

// argv prefix and the paths the sandbox must show read-only.
Result<std::pair<std::vector<std::string>, std::vector<std::string>>> runtime_argv(
    const ExecOptions& opt) {
  std::string rt = opt.runtime;
  if (rt.empty()) {
    const std::string ext = fs::path(opt.file).extension().string();
    rt = ext == ".nu" ? "nu" : ext == ".py" ? "python3" : ext == ".sh" ? "bash" : "";
    if (rt.empty())
      return usage_error(
          fmt::format("cannot tell the runtime of {}: {}; pass --runtime nu|python3|bash", opt.file,
                      ext.empty() ? "it has no extension (.nu, .py or .sh)"
                                  : "its extension is '" + ext + "', not .nu, .py or .sh"));
  }
  if (rt == "python3")
    return std::pair{std::vector<std::string>{"/usr/bin/python3", "-I"},
                     std::vector<std::string>{}};
  if (rt == "bash")
    return std::pair{std::vector<std::string>{"/bin/bash"}, std::vector<std::string>{}};
  if (rt != "nu") return usage_error("--runtime must be nu, python3 or bash");
  auto nu = sandbox::find_nu(opt.nu);
  if (!nu.found) return infra_error("nu (Nushell) not found; pass --nu or set BITTER_NU");
  const std::string path = nu.found->string();
  return std::pair{std::vector<std::string>{path, "--no-config-file", "--stdin"},
                   std::vector<std::string>{path}};
}

nlohmann::json result_json(const sandbox::ProcessResult& r) {
  return {{"exit_code", r.exit_code},
          {"signal", r.term_signal ? sandbox::signal_name(r.term_signal) : ""},
          {"timed_out", r.timed_out},
          {"limit_hit", r.limit_hit},
          {"summary", r.describe()},
          {"stdout", r.out},
          {"stderr", r.err},
          {"stdout_truncated", r.stdout_truncated},
          {"wall_ms", r.wall.count()},
          {"cpu_ms", r.cpu.count() / 1000},
          {"max_rss_kb", r.max_rss_kb},
          {"isolated", r.isolated}};
}

int exec(const ExecOptions& opt) {
  auto code = read_file(opt.file);
  if (!code) return fail(usage_error(code.error().message), opt.json);  // "cannot read FILE: why"
  auto rt = runtime_argv(opt);
  if (!rt) return fail(rt.error(), opt.json);
  std::string input;
  if (opt.input_given) {
    auto text = literal_or_file(opt.input);
    if (!text) return fail(text.error(), opt.json);
    input = *text;
  } else {
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (!(opt.timeout_s > 0)) return fail(usage_error("--timeout must be positive"), opt.json);
  if (opt.memory_mb < 16) return fail(usage_error("--memory must be at least 16 (MB)"), opt.json);

  const auto data = data_dir();
  (void)sandbox::sweep_workspaces(data, sandbox::workspace_retention());
  if (auto s = sandbox::check_free_space(data, sandbox::min_free_bytes()); !s)
    return fail(s.error(), opt.json);
  const std::string id = "exec-" + new_execution_id();
  auto ws = sandbox::create_exec_workspace(data, id);
  if (!ws) return fail(ws.error(), opt.json);
  const fs::path tool = ws->dir / fs::path(opt.file).filename();
  if (auto s = write_new_file(tool, *code); !s) return fail(s.error(), opt.json);

  sandbox::ProcessSpec spec;
  spec.argv = rt->first;
  spec.argv.push_back(tool.string());
  spec.cwd = ws->dir.string();
  spec.env = sandbox::minimal_env(ws->dir);
  spec.stdin_data = std::move(input);
  spec.timeout = std::chrono::milliseconds(static_cast<long long>(opt.timeout_s * 1000));
  if (opt.unsafe) {
    std::fprintf(stderr,
                 "bitter: warning: --unsafe-no-sandbox: the tool runs with your "
                 "privileges, network and files\n");
  } else {
    sandbox::Isolation iso;
    iso.workspace = ws->dir.string();
    iso.ro_paths = rt->second;
    iso.limits.memory_bytes = opt.memory_mb << 20;
    spec.isolation = iso;
  }
  auto r = sandbox::run_process(spec);
  if (!r) {
    Error e = r.error();
    if (!opt.unsafe)
      e.message +=
          " (bitter doctor shows what the sandbox needs; --unsafe-no-sandbox runs the tool "
          "anyway, unisolated)";
    return fail(e, opt.json);
  }
  const bool clean = !r->timed_out && r->term_signal == 0 && r->limit_hit.empty();
  if (clean) (void)sandbox::remove_execution_workspaces(data, id);
  if (opt.json) {
    auto j = result_json(*r);
    if (!clean) j["workspace"] = ws->dir.string();
    print_json(j);
  } else {
    std::cout << r->out << std::flush;
    std::cerr << r->err;
    std::cerr << fmt::format("bitter: {} (wall {} ms, cpu {} ms, max RSS {} MB{})\n", r->describe(),
                             r->wall.count(), r->cpu.count() / 1000, r->max_rss_kb >> 10,
                             r->isolated ? ", sandboxed" : ", NOT sandboxed");
  }
  return clean ? r->exit_code : kExitFailed;
}

}  // namespace

Handler add_exec(CLI::App& app) {
  auto opt = std::make_shared<ExecOptions>();
  app.add_option("file", opt->file, "The tool: .nu, .py or .sh")->required();
  app.add_option("--runtime", opt->runtime, "nu, python3 or bash (default: from the extension)");
  app.add_option("--input", opt->input,
                 "Input for the tool's stdin, JSON or @FILE (default: our stdin)")
      ->each([opt](const std::string&) { opt->input_given = true; });
  app.add_option("--timeout", opt->timeout_s, "Wall-clock limit in seconds (default 10)");
  app.add_option("--memory", opt->memory_mb, "Address-space limit in MB (default 1024)");
  app.add_option("--nu", opt->nu, "Path to the nu binary (else $BITTER_NU, next to bitter, PATH)");
  app.add_flag("--json", opt->json, "Print everything as one JSON object");
  app.add_flag("--unsafe-no-sandbox", opt->unsafe, "Run the tool without isolation");
  return [opt] { return exec(*opt); };
}

}  // namespace bt::cli
