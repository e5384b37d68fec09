// The engine's own cost per attempt, and its memory at 100 concurrent
// executions, with a zero-latency in-process LLM and a trivial tool, over
// the real journal (SQLite file), gates, sandbox and nu.
//
//   bench_engine overhead [--executions N] [--data DIR]
//   bench_engine concurrent [--executions N] [--data DIR]
//
// overhead: N executions one after another, each of two attempts (the first
// answer misses a field, the second is right). Per attempt, the engine's
// overhead is the execution's wall time minus the time inside the LLM
// provider's complete() (timed by the provider itself, so prompt building and
// journaling the answer count as overhead) and inside child processes (the
// syntax check and the sandboxed tool run, from their stage events).
// Prints one JSON line.
//
// concurrent: N executions submitted at once to N workers; the LLM holds
// each request 1 s so all are in flight together; prints the peak RSS of
// this process (the child processes are the tools', not the engine's).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/service.h"
#include "util/log.h"

namespace bt {
namespace {

using Clock = std::chrono::steady_clock;

const std::string kGood = R"(def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r
}
)";
const std::string kMissing = R"(def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), was_dry_run: false } } | to json -r
}
)";

// Zero latency (or a fixed hold): the first request of each execution gets
// the tool that misses data.length, the second the right one.
class InstantLlm final : public llm::Provider {
 public:
  explicit InstantLlm(std::chrono::milliseconds hold) : hold_(hold) {}
  Result<llm::Response> complete(const llm::Request& r) override {
    const auto t0 = Clock::now();
    if (hold_.count() > 0) std::this_thread::sleep_for(hold_);
    const bool retry = r.messages.back().content.find("Your previous tool failed") != std::string::npos;
    llm::Response answer{"```nu\n" + (retry ? kGood : kMissing) + "```\n", "stop", "instant", 10, 10};
    inside_us_ += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    return answer;
  }
  std::string describe() const override { return "instant"; }
  long long inside_us() const { return inside_us_; }

 private:
  std::chrono::milliseconds hold_;
  std::atomic<long long> inside_us_{0};
};

// Sums, per execution, the microseconds spent in children.
class Outside final : public engine::EventSink {
 public:
  void on_stage(const engine::StageEvent& e) override {
    std::lock_guard lock(mu_);
    by_stage_[e.stage] += e.duration_us;
    if (e.stage != "syntax" && e.stage != "execute") return;
    us_[e.execution_id] += e.duration_us;
  }
  // Microseconds per stage over all executions so far, to show where the
  // overhead goes (what is not in a stage is journal writes and bookkeeping).
  std::map<std::string, long long> by_stage() {
    std::lock_guard lock(mu_);
    return by_stage_;
  }
  long long take(const std::string& id) {
    std::lock_guard lock(mu_);
    return us_[id];
  }

 private:
  std::mutex mu_;
  std::map<std::string, long long> us_;
  std::map<std::string, long long> by_stage_;
};

engine::Job job(int i) {
  engine::Submission sub;
  sub.contract_path = std::string(BITTER_SOURCE_DIR) + "/examples/echo/datacontract.yaml";
  sub.task = "Echo the message";
  sub.input_json = nlohmann::json{{"message", fmt::format("message {}", i)}}.dump();
  auto in = engine::intake(sub);
  if (!in) {
    std::fprintf(stderr, "intake: %s\n", in.error().message.c_str());
    std::exit(3);
  }
  engine::Job j;
  j.intake = std::move(*in);
  j.settings.no_cache = true;
  return j;
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(p * (v.size() - 1))];
}

int main_(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_engine overhead|concurrent [--executions N] [--data DIR]\n");
    return 2;
  }
  const std::string mode = argv[1];
  int n = mode == "overhead" ? 50 : 100;
  std::string data = "/tmp/bitter-bench-engine";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--executions") n = std::atoi(argv[i + 1]);
    else if (flag == "--data") data = argv[i + 1];
  }
  std::error_code ec;
  std::filesystem::remove_all(data, ec);
  Logger log(Logger::Format::none, stderr);
  Outside outside;
  engine::ServiceOptions o;
  o.data_dir = data;
  o.workers = mode == "overhead" ? 1 : n;
  o.llm_concurrency = o.workers;
  o.events = &outside;
  InstantLlm llm(mode == "overhead" ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1000));
  auto service = engine::Service::open(o, log, &llm);
  if (!service) {
    std::fprintf(stderr, "bench_engine: %s\n", service.error().message.c_str());
    return 3;
  }
  (*service)->warm_up();

  if (mode == "overhead") {
    (void)(*service)->run(job(-1));  // warm: page cache, rule compilation, sandbox probe
    const auto warm = outside.by_stage();
    std::vector<double> per_attempt;
    double wall_total = 0, outside_total = 0, intake_total = 0;
    int attempts = 0;
    for (int i = 0; i < n; ++i) {
      const auto t0 = Clock::now();
      engine::Job j = job(i);  // the input gate: contract load and lint, task and input checks
      intake_total += std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      const long long llm_before = llm.inside_us();
      auto out = (*service)->run(std::move(j));
      const double wall = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      if (!out || out->state != store::State::SUCCESS || out->attempts.size() != 2) {
        std::fprintf(stderr, "execution %d did not pass on attempt 2\n", i);
        return 1;
      }
      const double spent_outside =
          static_cast<double>(outside.take(out->execution_id) + llm.inside_us() - llm_before);
      per_attempt.push_back((wall - spent_outside) / 2 / 1000.0);
      wall_total += wall;
      outside_total += spent_outside;
      attempts += 2;
    }
    nlohmann::json stages = nlohmann::json::object();
    double in_stages = 0;
    for (const auto& [name, us] : outside.by_stage()) {
      const double ms = static_cast<double>(us - (warm.count(name) ? warm.at(name) : 0)) / attempts / 1000;
      stages[name] = ms;
      in_stages += ms;
    }
    const char* sync = std::getenv("BITTER_JOURNAL_SYNC");
    std::printf("%s\n", nlohmann::json{{"mode", "overhead"},
                                       {"executions", n},
                                       {"attempts", attempts},
                                       {"journal_sync", sync ? sync : "checkpoints"},
                                       {"overhead_ms_per_attempt_mean", (wall_total - outside_total) / attempts / 1000},
                                       {"overhead_ms_per_attempt_p50", percentile(per_attempt, 0.5)},
                                       {"overhead_ms_per_attempt_p95", percentile(per_attempt, 0.95)},
                                       {"wall_ms_per_attempt", wall_total / attempts / 1000},
                                       {"intake_ms_per_execution", intake_total / n / 1000},
                                       {"stage_ms_per_attempt", stages},
                                       {"between_stages_ms_per_attempt",
                                        wall_total / attempts / 1000 - in_stages - intake_total / attempts / 1000},
                                       {"llm_and_children_ms_per_attempt", outside_total / attempts / 1000}}
                            .dump()
                            .c_str());
    return 0;
  }

  const long rss_before = peak_rss_kb();
  const auto t0 = Clock::now();
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    auto id = (*service)->submit(job(i));
    if (!id) {
      std::fprintf(stderr, "submit: %s\n", id.error().message.c_str());
      return 1;
    }
    ids.push_back(*id);
  }
  int max_running = 0, succeeded = 0;
  for (;;) {
    const auto st = (*service)->stats();
    max_running = std::max(max_running, st.running);
    if (st.running == 0 && st.queued == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const auto& id : ids)
    if (auto row = (*service)->journal().get(id); row && *row && (*row)->state == "SUCCESS") ++succeeded;
  std::printf("%s\n", nlohmann::json{{"mode", "concurrent"},
                                     {"executions", n},
                                     {"succeeded", succeeded},
                                     {"max_running_at_once", max_running},
                                     {"seconds", std::chrono::duration<double>(Clock::now() - t0).count()},
                                     {"rss_before_mb", rss_before / 1024.0},
                                     {"peak_rss_mb", peak_rss_kb() / 1024.0}}
                          .dump()
                          .c_str());
  return succeeded == n ? 0 : 1;
}

}  // namespace
}  // namespace bt

int main(int argc, char** argv) { return bt::main_(argc, argv); }
