// `bitter serve` (the program bitter-serve): the HTTP API, metrics and
// dashboard over one engine service, until SIGINT or SIGTERM.

#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run.h"
#include "engine/resume.h"
#include "engine/service.h"
#include "gate/confine.h"
#include "sandbox/workspace.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/webhooks.h"
#include "util/cancel.h"
#include "util/files.h"
#include "util/log.h"
#include "util/signals.h"

namespace bt::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string contracts_root, rules, auth_file, llm, llm_model, nu, log_file;
  std::vector<std::string> webhooks;
  int workers = 4, llm_concurrency = 4;
  engine::RunSettings defaults;
  bool quiet = false;
};

// "HOST:PORT", "[v6]:PORT" or ":PORT".
Result<std::pair<std::string, int>> parse_listen(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return usage_error("--listen must be HOST:PORT, got " + s);
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) port = -1;
  } catch (...) {
  }
  if (port < 0 || port > 65535) return usage_error("--listen port must be 0..65535, got " + s.substr(colon + 1));
  return std::make_pair(host, port);
}

// Executions a dead bitter left unfinished continue here, queued like new
// ones (claimed first, so two servers never both run one).
void resume_interrupted(engine::Service& service, Logger& log) {
  auto recent = service.journal().recent(1000);
  if (!recent) return;
  for (const auto& e : *recent) {
    if (!engine::interrupted(e)) continue;
    auto job = engine::resume_job(service.journal(), e);
    if (!job) {
      log.warn(fmt::format("execution {} cannot be resumed: {}", e.id, job.error().message));
      continue;
    }
    const int at = job->resume->next_attempt;
    auto id = service.submit(std::move(*job));
    if (id) {
      log.info(fmt::format("resuming execution {} at attempt {}", e.id, at));
      continue;
    }
    // Claimed but not queued: it must not stay RUNNING under this process.
    log.warn(fmt::format("execution {} cannot be resumed: {}", e.id, id.error().message));
    (void)service.journal().set_state(e.id, store::State::FAILED,
                                      "interrupted; could not be resumed: " + id.error().message);
  }
}

int serve(const ServeOptions& opt) {
  Logger log(opt.quiet ? Logger::Format::none : Logger::auto_format(), stderr);
  if (!opt.log_file.empty() && !log.open_file(opt.log_file))
    return fail(usage_error("cannot open log file " + opt.log_file), false);
  auto listen = parse_listen(opt.listen);
  if (!listen) return fail(listen.error(), false);
  if (auto s = opt.defaults.check(); !s) return fail(s.error(), false);
  if (opt.workers < 1 || opt.workers > 256) return fail(usage_error("--workers must be from 1 to 256"), false);
  if (opt.llm_concurrency < 1 || opt.llm_concurrency > 256)
    return fail(usage_error("--llm-concurrency must be from 1 to 256"), false);
  auto auth = server::Auth::from_env_and_file(opt.auth_file);
  if (!auth) return fail(auth.error(), false);
  std::error_code ec;
  const auto root = opt.contracts_root.empty() ? std::filesystem::current_path(ec)
                                               : std::filesystem::weakly_canonical(opt.contracts_root, ec);
  if (!std::filesystem::is_directory(root))
    return fail(usage_error("--contracts-root " + root.string() + " is not a directory"), false);
  std::string rules_path;
  if (!opt.rules.empty()) {
    if (!std::filesystem::exists(opt.rules)) return fail(usage_error("--rules " + opt.rules + " does not exist"), false);
    rules_path = std::filesystem::absolute(opt.rules).string();
  }

  // SIGINT/SIGTERM/SIGHUP cancel `stop` (created before any thread starts,
  // so every thread inherits the blocked mask); the stopper thread and the
  // janitor wait on it.
  auto stop = CancelToken::make();
  SignalCancel on_signal(stop);

  server::Metrics metrics;
  server::Webhooks webhooks(opt.webhooks, {}, log);
  engine::EventFanout events({&metrics, &webhooks});

  engine::ServiceOptions so = service_options(opt.nu, opt.llm, opt.llm_model);
  so.workers = opt.workers;
  so.llm_concurrency = opt.llm_concurrency;
  so.events = &events;
  auto service = engine::Service::open(so, log);
  if (!service) return fail(service.error(), false);
  metrics.set_provider((*service)->provider_label());
  (*service)->warm_up();
  resume_interrupted(**service, log);

  server::ServerOptions sopt;
  sopt.host = listen->first;
  sopt.port = listen->second;
  sopt.contracts_root = root;
  sopt.rules_path = rules_path;
  sopt.defaults = opt.defaults;
  server::Server http(sopt, **service, metrics, *auth, log);
  auto port = http.bind();
  if (!port) return fail(port.error(), false);

  // The janitor: failed workspaces past their retention go at start-up and
  // then hourly (and before each execution, as in `bitter run`).
  std::thread janitor([&] {
    do {
      if (auto s = sandbox::sweep_workspaces(so.data_dir, sandbox::workspace_retention()); !s)
        log.warn("workspace janitor: " + s.error().message);
    } while (stop->sleep_for(std::chrono::hours(1)));
  });
  std::thread stopper([&] {
    while (stop->sleep_for(std::chrono::hours(24))) {
    }
    log.info(stop->reason() + ": stopping; running and queued executions are left for the next start");
    (*service)->shutdown();  // first: nothing keeps running (or calling the LLM) while HTTP drains
    http.stop();
  });
  const std::string host = sopt.host.find(':') != std::string::npos ? "[" + sopt.host + "]" : sopt.host;
  log.info(fmt::format("listening on http://{}:{} (dashboard at /, API at /api/v1/executions, metrics at /metrics); "
                       "LLM {}; {} workers; auth {}",
                       host, *port, (*service)->provider_label(), opt.workers, auth->enabled() ? "on" : "off"));
  // Scripts (and tests) read the address from stdout.
  std::cout << fmt::format("http://{}:{}\n", host, *port) << std::flush;
  http.serve();
  stop->cancel("the HTTP server ended");  // if it ended on its own
  stopper.join();
  janitor.join();
  return kExitOk;
}

}  // namespace

Handler add_serve(CLI::App& app) {
  auto opt = std::make_shared<ServeOptions>();
  app.add_option("--listen", opt->listen, "Address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 = any)");
  app.add_option("--contracts-root", opt->contracts_root,
                 "Contracts named by path must lie under this directory (default: the working directory)");
  app.add_option("--auth-file", opt->auth_file,
                 "File with `token: ...` and/or `basic: user:password` lines (mode 600); also "
                 "$BITTER_API_TOKEN, $BITTER_API_BASIC. Required to listen beyond loopback");
  app.add_option("--webhook", opt->webhooks,
                 "URL to POST escalation alerts to (execution failed after its last attempt, breaker opened); "
                 "repeatable");
  app.add_option("--workers", opt->workers, "Executions running at once; more wait QUEUED (default 4)");
  app.add_option("--llm-concurrency", opt->llm_concurrency, "LLM requests in flight at once (default 4)");
  app.add_option("--llm", opt->llm, "LLM provider: openai or replay:FILE (default $BITTER_LLM)");
  app.add_option("--llm-model", opt->llm_model, "Model name for the provider (or $BITTER_LLM_MODEL)");
  app.add_option("--nu", opt->nu, "Path to the nu binary (else $BITTER_NU, next to bitter, PATH)");
  app.add_option("--rules", opt->rules, "YAML rule file for the code gate, for every execution");
  app.add_option("--max-attempts", opt->defaults.max_attempts, "Default attempts per execution (default 3)");
  app.add_option("--timeout", opt->defaults.timeout_s, "Default limit in seconds per tool run (default 10)");
  app.add_option("--deadline", opt->defaults.deadline_s, "Default deadline in seconds per execution (default 1800)");
  app.add_option("--memory", opt->defaults.memory_mb, "Address-space limit in MB per tool run (default 1024)");
  app.add_option("--log-file", opt->log_file, "Append JSON log lines to this file");
  app.add_flag("-q,--quiet", opt->quiet, "No log lines on stderr");
  app.footer(
      "\nTrigger an execution as with Kestra:\n"
      "  curl -X POST http://127.0.0.1:8080/api/v1/executions/demo/contract-loop \\\n"
      "       -F contract=@datacontract.yaml -F task='Echo the message' -F input_json='{\"message\":\"hi\"}'\n"
      "then GET /api/v1/executions/ID, /follow (SSE) or open http://127.0.0.1:8080/ in a browser.\n\n" +
      std::string(kExitCodesHelp));
  return [opt] { return serve(*opt); };
}

int serve_main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill the server
  CLI::App app{"bitter serve: the HTTP API (Kestra-compatible), live progress, metrics and the dashboard",
               "bitter serve"};
  const Handler run = add_serve(app);
  if (auto rc = parse_args(app, argc, argv)) return *rc;
  return run();
}

}  // namespace bt::cli
