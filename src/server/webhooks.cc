#include "server/webhooks.h"

#include <random>

#include <fmt/format.h>

#include "engine/loop.h"
#include "llm/post.h"
#include "llm/retry.h"
#include "util/log.h"
#include "util/url.h"

namespace bt::server {

Webhooks::Webhooks(std::vector<std::string> urls, WebhookPolicy policy, Logger& log)
    : urls_(std::move(urls)), policy_(policy), log_(log) {
  if (!urls_.empty()) thread_ = std::thread([this] { run(); });
}

Webhooks::~Webhooks() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhooks::on_finish(const store::ExecutionRow& row, const engine::Outcome& o) {
  if (o.escalation.empty()) return;  // only a failure after the last attempt escalates
  send({{"event", "execution.escalated"},
        {"execution_id", row.id},
        {"namespace", row.ns},
        {"flowId", row.flow_id},
        {"state", row.state},
        {"contract", row.contract},
        {"model", row.model},
        {"task", row.task},
        {"attempts", row.attempts},
        {"reason", row.reason},
        {"escalation", o.escalation},
        {"at", now_rfc3339()}});
}

void Webhooks::on_breaker(const std::string& endpoint, const std::string& from, const std::string& to, int failures) {
  if (to != "open") return;
  send({{"event", "breaker.opened"},
        {"endpoint", endpoint},
        {"from", from},
        {"failures", failures},
        {"at", now_rfc3339()}});
}

void Webhooks::send(nlohmann::json event) {
  if (urls_.empty()) return;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(event));
  }
  cv_.notify_all();
}

bool Webhooks::deliver(const std::string& url, const std::string& body) {
  std::mt19937_64 rng(std::random_device{}());
  for (int i = 0; i < policy_.attempts; ++i) {
    auto status = llm::post_json(url, body, policy_.timeout);
    if (status && *status >= 200 && *status < 300) return true;
    const std::string why = status ? fmt::format("HTTP {}", *status) : status.error().message;
    log_.warn(fmt::format("webhook {}: delivery {} of {} failed: {}", url_origin(url), i + 1, policy_.attempts, why));
    if (i + 1 == policy_.attempts) break;
    // The same backoff as LLM retries: exponential with full jitter.
    const auto wait = llm::full_jitter(i, {policy_.attempts - 1, policy_.base, policy_.cap}, rng);
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, wait, [&] { return stopping_; })) return false;
  }
  return false;
}

void Webhooks::run() {
  for (;;) {
    nlohmann::json event;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    const std::string body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& url : urls_) {
      const bool ok = deliver(url, body);
      std::lock_guard lock(mu_);
      ++(ok ? delivered_ : dropped_);
    }
  }
}

unsigned long long Webhooks::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

unsigned long long Webhooks::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace bt::server
