// `bitter doctor`: says what bitter found on this machine and where it looked.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "sandbox/isolate.h"
#include "sandbox/runtime.h"
#include "engine/resilience.h"
#include "store/journal.h"
#include "util/clock.h"
#include "util/files.h"

namespace bt::cli {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

int doctor(const std::string& nu_flag, bool json) {
  bool healthy = true;
  nlohmann::json report;

  auto nu = sandbox::find_nu(nu_flag);
  report["nu"] = {{"looked", nu.looked}};
  if (nu.found) {
    report["nu"]["path"] = nu.found->string();
    auto version = sandbox::nu_version(*nu.found);
    report["nu"]["version"] = version ? *version : "unknown (" + version.error().message + ")";
    if (!version) healthy = false;
  } else {
    healthy = false;
  }

  // `bitter serve` needs it; the other commands do not, so it is reported,
  // not counted against health.
  const auto serve = serve_program();
  const bool serve_found = serve && ::access(serve->c_str(), X_OK) == 0;
  report["serve"] = {{"path", serve ? serve->string() : serve.error().message}, {"found", serve_found}};

  const auto sbx = sandbox::probe_sandbox();
  report["sandbox"] = {{"usable", sbx.usable},       {"user_ns", sbx.user_ns},
                       {"pid_ns", sbx.pid_ns},       {"net_ns", sbx.net_ns},
                       {"mount_ns", sbx.mount_ns},   {"seccomp", sbx.seccomp},
                       {"notes", sbx.notes}};
  if (!sbx.usable) healthy = false;

  const auto data = data_dir();
  report["data_dir"] = {{"path", data.string()}};
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  const bool writable = !ec && ::access(data.c_str(), W_OK) == 0;
  report["data_dir"]["writable"] = writable;
  if (!writable) healthy = false;
  auto journal = writable ? store::Journal::open(data / "journal.db")
                          : Result<std::unique_ptr<store::Journal>>(infra_error("no data dir"));
  report["journal"] = {{"path", (data / "journal.db").string()}, {"ok", journal.ok()}};
  if (!journal) {
    report["journal"]["error"] = journal.error().message;
    healthy = false;
  }

  // Secrets are reported as set or not, never shown.
  report["llm"] = {{"BITTER_LLM", env_or("BITTER_LLM", "")},
                   {"OPENAI_BASE_URL", env_or("OPENAI_BASE_URL", "")},
                   {"BITTER_LLM_MODEL", env_or("BITTER_LLM_MODEL", "")},
                   {"OPENAI_API_KEY", std::getenv("OPENAI_API_KEY") ? "set (hidden)" : "not set"}};
  // Circuit breakers: an open one means runs against that endpoint fail fast.
  report["breakers"] = nlohmann::json::array();
  if (journal) {
    if (auto rows = (*journal)->breakers(); rows) {
      const auto open_s = engine::resilience_from_env();
      const long long open_ms = open_s ? open_s->breaker.open_for.count() : 30'000;
      for (const auto& b : *rows) {
        nlohmann::json j = {{"endpoint", b.endpoint}, {"state", b.state}, {"failures", b.failures},
                            {"updated_at", b.updated_at}};
        if (b.state == "open") j["next_probe_in_s"] = std::max(0LL, (b.opened_at_ms + open_ms - system_clock().wall_ms()) / 1000);
        report["breakers"].push_back(j);
      }
    }
  }
  report["healthy"] = healthy;

  if (json) {
    print_json(report);
  } else {
    std::cout << "nu (Nushell runtime):\n";
    for (const auto& l : nu.looked) std::cout << "  looked: " << l << "\n";
    if (nu.found)
      std::cout << fmt::format("  using {} ({})\n", nu.found->string(),
                               report["nu"]["version"].get<std::string>());
    else
      std::cout << "  NOT FOUND: install it with the README's set-up command or pass --nu\n";
    auto yn = [](bool b) { return b ? "yes" : "no"; };
    std::cout << fmt::format("sandbox:  {} (user ns {}, pid ns {}, net ns {}, mount ns {}, "
                             "seccomp {})\n",
                             sbx.usable ? "isolation available" : "NOT AVAILABLE", yn(sbx.user_ns),
                             yn(sbx.pid_ns), yn(sbx.net_ns), yn(sbx.mount_ns), yn(sbx.seccomp));
    for (const auto& n : sbx.notes) std::cout << "  " << n << "\n";
    std::cout << fmt::format("server:   {} ({})\n", report["serve"]["path"].get<std::string>(),
                             serve_found ? "found" : "MISSING: `bitter serve` cannot start; keep it beside bitter");
    std::cout << fmt::format("data dir: {} ({})\n", data.string(),
                             writable ? "writable" : "NOT writable");
    std::cout << fmt::format("journal:  {} ({})\n", (data / "journal.db").string(),
                             journal ? "ok" : journal.error().message);
    std::cout << "llm:\n";
    for (auto& [k, v] : report["llm"].items())
      std::cout << fmt::format("  {:<17} {}\n", k,
                               v.get<std::string>().empty() ? "(not set)" : v.get<std::string>());
    for (const auto& b : report["breakers"]) {
      std::string line = fmt::format("llm breaker: {} {} ({} consecutive failures", b["endpoint"].get<std::string>(),
                                     b["state"].get<std::string>(), b["failures"].get<int>());
      if (b.contains("next_probe_in_s")) line += fmt::format(", next probe in {} s", b["next_probe_in_s"].get<long long>());
      std::cout << line << ")\n";
    }
    std::cout << (healthy ? "ok\n" : "problems found\n");
  }
  return healthy ? kExitOk : kExitInfra;
}

}  // namespace

Handler add_doctor(CLI::App& app) {
  struct Opt {
    std::string nu;
    bool json = false;
  };
  auto opt = std::make_shared<Opt>();
  app.add_option("--nu", opt->nu, "Path to the nu binary to check");
  app.add_flag("--json", opt->json, "Print the report as JSON");
  return [opt] { return doctor(opt->nu, opt->json); };
}

}  // namespace bt::cli
