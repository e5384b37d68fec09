#include "engine/service.h"

#include <fmt/format.h>

#include "engine/cache.h"
#include "gate/rules.h"
#include "llm/prompt.h"
#include "sandbox/runtime.h"
#include "sandbox/workspace.h"
#include "util/clock.h"

namespace bt::engine {
namespace {

// Stands in for the LLM when the input gate rejected the task: the loop
// records the execution and stops before any request.
class NoRequests final : public llm::Provider {
 public:
  Result<llm::Response> complete(const llm::Request&) override {
    return usage_error("the input gate rejected the task; no LLM request is made");
  }
  std::string describe() const override { return "none (rejected by the input gate)"; }
};

NoRequests no_requests;

}  // namespace

Result<std::unique_ptr<Service>> Service::open(const ServiceOptions& options, Logger& log,
                                               llm::Provider* injected) {
  std::unique_ptr<Service> s(new Service(options, log));
  auto resilience = resilience_from_env();
  if (!resilience) return resilience.error();
  s->resilience_ = *resilience;

  auto nu = sandbox::find_nu(options.nu);
  if (!nu.found) {
    std::string looked;
    for (const auto& l : nu.looked) looked += "\n  " + l;
    return infra_error("nu (Nushell) not found; looked at:" + looked +
                       "\nInstall it with the README's set-up command, or pass --nu PATH");
  }
  s->nu_ = *nu.found;

  if (injected) {
    s->provider_ = injected;
  } else {
    auto provider = llm::make_provider(options.llm);
    if (!provider) return provider.error();
    s->owned_provider_ = std::move(*provider);
    s->provider_ = s->owned_provider_.get();
  }
  s->provider_label_ = s->provider_->describe();
  s->limited_ = std::make_unique<llm::LimitedProvider>(*s->provider_, options.llm_concurrency);

  auto journal = store::Journal::open(options.data_dir / "journal.db");
  if (!journal) return journal.error();
  s->journal_ = std::move(*journal);
  s->remover_ = std::make_unique<WorkspaceRemover>(options.data_dir);
  if (auto orphans = s->journal_->fail_interrupted(); orphans && !orphans->empty())
    log.warn(fmt::format("{} execution(s) of a bitter process that ended are marked interrupted; `bitter resume` "
                         "(or the next `bitter serve`) continues them",
                         orphans->size()));

  // One breaker per endpoint, its state in the journal, so every bitter
  // process using this data dir agrees on whether the server is down.
  s->breaker_store_ = std::make_unique<JournalBreakerStore>(*s->journal_);
  s->breaker_ = std::make_unique<llm::CircuitBreaker>(
      s->provider_->endpoint(), s->resilience_.breaker, *s->breaker_store_, system_clock(),
      [&log, events = options.events, endpoint = s->provider_->endpoint()](
          const std::string& from, const std::string& to, const llm::BreakerState& st) {
        log.warn(fmt::format("circuit breaker for {}: {} -> {} ({} consecutive failures)", "the LLM endpoint", from,
                             to, st.failures));
        if (events) events->on_breaker(endpoint, from, to, st.failures);
      });
  return s;
}

void Service::shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, token] : running_) token->cancel(kShutdownReason);
    for (const auto& p : queue_)
      (void)journal_->set_state(p->input.execution_id, store::State::FAILED,
                                std::string("interrupted: ") + kShutdownReason + " before it started");
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

Service::~Service() {
  if (journal_) shutdown();
}

Result<std::shared_ptr<const gate::RuleSet>> Service::rules_for(const std::string& path) {
  // Compiling the rules (RE2) costs more than the rest of a submission, so
  // each rule file is compiled once; a changed file needs a restart.
  std::lock_guard lock(mu_);
  if (auto it = rules_.find(path); it != rules_.end()) return it->second;
  auto rules = std::make_shared<gate::RuleSet>(gate::RuleSet::builtin());
  if (!path.empty())
    if (auto s = rules->apply_file(path); !s) return s.error();
  rules_[path] = rules;
  return std::shared_ptr<const gate::RuleSet>(rules);
}

void Service::probe_locked() {
  if (!probed_) sandbox_ = sandbox::probe_sandbox();
  probed_ = true;
}

void Service::version_locked() {
  if (!nu_version_.empty()) return;
  auto version = sandbox::nu_version(nu_);
  nu_version_ = version ? *version : "?";
}

void Service::warm_up() {
  std::lock_guard lock(mu_);
  probe_locked();
  version_locked();
}

Result<Service::Prepared> Service::prepare(Job job) {
  Prepared p;
  LoopConfig& config = p.config;
  LoopInput& in = p.input;
  const Intake& intake = job.intake;
  in.contract = intake.contract.get();
  in.model = intake.model;
  in.contract_label = intake.contract_label;
  in.task = intake.task;
  in.input = intake.input;
  in.input_gate = intake.verdict.to_json();
  in.resume = job.resume;
  in.ns = job.ns;
  in.flow_id = job.flow_id;
  config.data_dir = options_.data_dir;
  config.remover = remover_.get();
  config.nu = nu_;
  config.events = options_.events;
  if (!intake.verdict.accept) {
    // Recorded, never run: no LLM, no sandbox, no disk needed.
    in.provider_label = no_requests.describe();
    p.provider = &no_requests;
    p.job = std::move(job);
    return p;
  }

  if (auto s = job.settings.check(); !s) return s.error();
  job.settings.apply(config);
  auto rules = rules_for(job.rules_path);
  if (!rules) return rules.error();
  config.scan_rules = *rules;
  config.retry = resilience_.retry;
  config.breaker = breaker_.get();

  // Budgets that cannot all be used: said before the first request.
  if (const auto worst = worst_case(config); worst > config.deadline) {
    const std::string why = fmt::format(
        "{} attempts at their stage budgets (generate {} s + syntax {} s + tool {} s) may take {} s, "
        "more than the deadline of {} s",
        config.max_attempts, config.generate_budget.count() / 1000.0, config.syntax_timeout.count() / 1000.0,
        config.tool_timeout.count() / 1000.0, worst.count() / 1000.0, config.deadline.count() / 1000.0);
    if (options_.strict_budget)
      return usage_error(why + "; refusing to start (--strict-budget): raise the deadline or lower the budgets");
    log_.warn(why + "; the deadline wins");
  }

  {
    std::lock_guard lock(mu_);
    if (job.settings.unsafe) {
      log_.warn("--unsafe-no-sandbox: generated tools run with bitter's privileges, network and files");
    } else {
      probe_locked();
      if (!sandbox_.usable) {
        std::string why;
        for (const auto& n : sandbox_.notes) why += "\n  " + n;
        return infra_error("the sandbox is not available here, so generated code will not run:" + why +
                           "\nSee `bitter doctor`; --unsafe-no-sandbox runs it anyway, unisolated");
      }
    }
    if (!job.settings.no_cache) version_locked();
  }
  // Old failed workspaces go first; then make sure this execution fits.
  (void)sandbox::sweep_workspaces(options_.data_dir, sandbox::workspace_retention());
  if (auto s = sandbox::check_free_space(options_.data_dir, sandbox::min_free_bytes()); !s) return s.error();

  if (!job.settings.no_cache)
    config.cache_key = cache_key({intake.contract.get(), intake.model->name, intake.task, "nu " + nu_version_,
                                  provider_label_, llm::kPromptVersion});
  in.provider_label = provider_label_;
  // What `bitter resume` needs: where everything came from and how it was
  // configured. Secrets stay in the environment.
  nlohmann::json resume = job.settings.to_json();
  resume.update({{"contract_path", intake.contract_path}, {"contract_text", intake.contract->text},
                 {"contract_label", intake.contract_label}, {"model", intake.model->name},
                 {"llm", options_.llm.spec}, {"llm_model", options_.llm.model}, {"nu", options_.nu},
                 {"rules_path", job.rules_path}});
  in.resume_json = resume.dump();
  p.provider = limited_.get();
  p.job = std::move(job);
  return p;
}

Result<Outcome> Service::run(Job job, CancelPtr cancel) {
  auto p = prepare(std::move(job));
  if (!p) return p.error();
  p->config.cancel = cancel ? cancel : CancelToken::make();
  return run_loop(p->config, p->input, *p->provider, *journal_, log_);
}

Result<std::string> Service::submit(Job job) {
  auto prepared = prepare(std::move(job));
  if (!prepared) return prepared.error();
  auto p = std::make_shared<Prepared>(std::move(*prepared));
  // The intake's contract outlives the LoopInput pointing into it: both
  // live in *p.
  p->input.contract = p->job.intake.contract.get();
  p->input.model = p->job.intake.model;
  if (!p->job.intake.verdict.accept) {
    auto o = run_loop(p->config, p->input, *p->provider, *journal_, log_);
    if (!o) return o.error();
    return o->execution_id;
  }
  if (p->input.resume) {
    // Its row exists (claimed by resume_job): it waits like any other.
    p->input.execution_id = p->input.resume->execution_id;
    if (auto s = journal_->set_state(p->input.execution_id, store::State::QUEUED); !s) return s.error();
  } else if (auto s = queue_execution(p->config, p->input, *journal_); !s) {
    return s.error();
  }
  const std::string id = p->input.execution_id;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return infra_error("the server is shutting down");
    queue_.push_back(std::move(p));
    start_workers();
  }
  cv_.notify_one();
  return id;
}

void Service::start_workers() {
  const int want = std::max(1, options_.workers);
  while (static_cast<int>(workers_.size()) < want) workers_.emplace_back([this] { worker(); });
}

void Service::worker() {
  for (;;) {
    std::shared_ptr<Prepared> p;
    CancelPtr token = CancelToken::make();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      p = std::move(queue_.front());
      queue_.pop_front();
      running_[p->input.execution_id] = token;
    }
    p->config.cancel = token;
    auto o = run_loop(p->config, p->input, *p->provider, *journal_, log_);
    if (!o) log_.error("execution " + p->input.execution_id + ": " + o.error().message);
    std::lock_guard lock(mu_);
    running_.erase(p->input.execution_id);
  }
}

Service::KillResult Service::kill(const std::string& id, const std::string& why) {
  auto final_row = [&] {
    auto row = journal_->get(id);
    return row && *row && store::is_final((*row)->state);
  };
  {
    std::lock_guard lock(mu_);
    // Its worker may still hold an execution whose row is already final.
    if (auto it = running_.find(id); it != running_.end() && !final_row()) {
      it->second->cancel(why);
      return KillResult::killed;
    }
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if ((*it)->input.execution_id != id) continue;
      queue_.erase(it);
      (void)journal_->set_state(id, store::State::KILLED, "killed: " + why + " (before it started)");
      return KillResult::killed;
    }
  }
  auto row = journal_->get(id);
  return row && *row ? KillResult::already_finished : KillResult::not_found;
}

ServiceStats Service::stats() const {
  std::lock_guard lock(mu_);
  return {static_cast<int>(queue_.size()), static_cast<int>(running_.size()), static_cast<int>(workers_.size()),
          limited_->in_flight(), limited_->waiting()};
}

}  // namespace bt::engine
