// A fake OpenAI-compatible server on 127.0.0.1 for end-to-end tests. It
// speaks the real wire format (POST /v1/chat/completions) and answers from a
// script, recording every request so tests can check what the loop sent.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace bt::testing {

struct FakeAnswer {
  int status = 200;
  std::string content;  // the assistant message text (status 200)
  std::string raw_body; // sent as is when set (errors, garbage)
  std::string finish_reason = "stop";
  std::map<std::string, std::string> headers;  // e.g. Retry-After
  std::chrono::milliseconds delay{0};          // a slow or hanging server
};

class FakeLlm {
 public:
  FakeLlm() {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      const int now = ++in_flight_;
      for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
      }
      struct Leave {
        std::atomic<int>& n;
        ~Leave() { --n; }
      } leave{in_flight_};
      FakeAnswer a;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(nlohmann::json::parse(req.body, nullptr, false));
        auth_.push_back(req.get_header_value("Authorization"));
        if (responder_) {
          a = responder_(requests_.back());
        } else if (!script_.empty()) {
          a = script_.front();
          if (script_.size() > 1 || !repeat_last_) script_.pop_front();
        } else {
          a = {500, "", R"({"error":{"message":"fake LLM: script exhausted"}})"};
        }
      }
      if (a.delay.count() > 0) {
        // Sleep in slices so stopping the server is not held up for long.
        const auto until = std::chrono::steady_clock::now() + a.delay;
        while (std::chrono::steady_clock::now() < until && !stopping_)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      res.status = a.status;
      for (const auto& [k, v] : a.headers) res.set_header(k, v);
      if (!a.raw_body.empty()) {
        res.set_content(a.raw_body, "application/json");
        return;
      }
      nlohmann::json body = {
          {"id", "chatcmpl-fake"},
          {"object", "chat.completion"},
          {"model", "fake-model"},
          {"choices",
           {{{"index", 0},
             {"message", {{"role", "assistant"}, {"content", a.content}}},
             {"finish_reason", a.finish_reason}}}},
          {"usage", {{"prompt_tokens", 100}, {"completion_tokens", 50}, {"total_tokens", 150}}}};
      res.set_content(body.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeLlm() {
    stopping_ = true;
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Answers in order; with repeat_last the final answer is given forever.
  void script(std::vector<FakeAnswer> answers, bool repeat_last = false) {
    std::lock_guard lock(mu_);
    script_.assign(answers.begin(), answers.end());
    repeat_last_ = repeat_last;
  }
  // Answers computed from each request (e.g. by its seed, to tell
  // speculative candidates apart); replaces the script.
  void respond(std::function<FakeAnswer(const nlohmann::json& request)> f) {
    std::lock_guard lock(mu_);
    responder_ = std::move(f);
  }
  std::vector<nlohmann::json> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The most requests it was answering at the same moment.
  int max_in_flight() const { return max_in_flight_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<FakeAnswer> script_;
  bool repeat_last_ = false;
  std::function<FakeAnswer(const nlohmann::json&)> responder_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  std::vector<nlohmann::json> requests_;
  std::vector<std::string> auth_;
};

// Wraps Nushell code the way models usually answer: prose and a fenced block.
inline std::string nu_answer(const std::string& code) {
  return "Here is the tool:\n\n```nu\n" + code + "```\n";
}

// Everything the loop said to the model in one request, for searching.
inline std::string all_message_text(const nlohmann::json& request) {
  std::string text;
  for (const auto& m : request["messages"]) text += m.value("content", "") + "\n";
  return text;
}

}  // namespace bt::testing
