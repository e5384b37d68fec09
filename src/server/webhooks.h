// Escalation alerts: when an execution fails after its last attempt, or a
// circuit breaker opens, a JSON event is POSTed to each configured URL from
// a thread of its own, retried with exponential backoff and full jitter. A
// slow or dead receiver delays only its own alerts, never an execution.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/events.h"
#include "util/log.h"

namespace bt::server {

struct WebhookPolicy {
  int attempts = 5;
  std::chrono::milliseconds base{250}, cap{10'000}, timeout{5'000};
};

class Webhooks final : public engine::EventSink {
 public:
  Webhooks(std::vector<std::string> urls, WebhookPolicy policy, Logger& log);
  ~Webhooks();  // tries what is still queued once more, then stops
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  void on_finish(const store::ExecutionRow& row, const engine::Outcome& o) override;
  void on_breaker(const std::string& endpoint, const std::string& from, const std::string& to, int failures) override;

  void send(nlohmann::json event);  // queued; returns at once
  unsigned long long delivered() const;
  unsigned long long dropped() const;

 private:
  void run();
  bool deliver(const std::string& url, const std::string& body);

  std::vector<std::string> urls_;
  WebhookPolicy policy_;
  Logger& log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<nlohmann::json> queue_;
  bool stopping_ = false;
  unsigned long long delivered_ = 0, dropped_ = 0;
  std::thread thread_;
};

}  // namespace bt::server
