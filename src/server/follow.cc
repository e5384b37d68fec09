// GET .../executions/{id}/follow: Server-Sent Events until the execution
// ends. Every stage result comes as `event: stage` (and a Kestra-style
// `event: log`), every state change as a plain `data:` event carrying the
// execution, and the end as `event: end` with the final execution.
#include <chrono>

#include <fmt/format.h>

#include "server/kestra.h"
#include "server/server.h"

namespace bt::server {
namespace {

struct Follow {
  explicit Follow(std::atomic<int>& n) : count(n) { ++count; }
  ~Follow() { --count; }  // when the stream is over and its provider gone
  std::atomic<int>& count;
  std::string id;
  std::string last_state;
  long long seq = 0;
  bool done = false;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
};

std::string event(const std::string& name, const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return (name.empty() ? "" : "event: " + name + "\n") + "data: " + text + "\n\n";
}

}  // namespace

void Server::follow(const httplib::Request& req, httplib::Response& res) {
  auto row = service_.journal().get(req.matches[1]);
  if (!row) return send_error(res, 500, row.error().message);
  if (!*row) return send_error(res, 404, "no execution " + std::string(req.matches[1]), "id");
  // Each stream holds an HTTP thread; some must stay free for everything else.
  if (followers_ >= options_.max_followers)
    return send_error(res, 503, fmt::format("too many live followers ({}); poll GET .../executions/{{id}} instead",
                                            options_.max_followers));
  auto st = std::make_shared<Follow>(followers_);
  st->id = (*row)->id;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [this, st](size_t, httplib::DataSink& sink) {
    if (stopping_ && !st->done) {
      // Said, so a follower knows the stream did not end with the execution.
      const std::string e = event("shutdown", {{"message", "the server is shutting down; follow again after it restarts"}});
      sink.write(e.data(), e.size());
      st->done = true;
    }
    if (st->done) {
      sink.done();
      return true;
    }
    store::Journal& journal = service_.journal();
    const uint64_t seen = journal.changes();
    // The row is read before the stages: when it is final, every stage it
    // had was written before it and is in the read that follows.
    auto now = journal.get(st->id);
    auto stages = journal.stages_since(st->id, st->seq);
    if (!now || !*now || !stages) {
      const std::string e = event("error", {{"message", "the journal cannot be read"}});
      sink.write(e.data(), e.size());
      sink.done();
      return true;
    }
    std::string out;
    for (const auto& s : *stages) {
      out += event("stage", store::to_json(s));
      out += event("log", log_json(**now, s));
      st->seq = s.seq;
    }
    if ((*now)->state != st->last_state) {
      st->last_state = (*now)->state;
      out += event("", execution_json(**now));
    }
    const bool final = is_final((*now)->state);
    if (final) out += event("end", execution_json(**now));
    const auto t = std::chrono::steady_clock::now();
    if (out.empty() && t - st->last_write > std::chrono::seconds(15)) out = ": keep-alive\n\n";
    if (!out.empty()) {
      if (!sink.write(out.data(), out.size())) return false;  // the client went away
      st->last_write = t;
    }
    if (final) {
      st->done = true;
      sink.done();
      return true;
    }
    journal.wait_for_change(seen, std::chrono::milliseconds(1000));
    return true;
  });
}

void Server::stats(const httplib::Request&, httplib::Response& res) {
  res.set_content(metrics_.summary(service_).dump(), "application/json");
}

}  // namespace bt::server
