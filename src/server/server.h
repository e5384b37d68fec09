// `bitter serve`: the HTTP API (a Kestra-compatible subset), live progress
// as Server-Sent Events, Prometheus metrics, health checks and the
// dashboard, over one engine service.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/service.h"
#include "engine/settings.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "util/log.h"
#include "util/result.h"

namespace bt::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
  // Contracts named by path must lie under it (no ../ or symlink escapes).
  std::filesystem::path contracts_root;
  std::string rules_path;              // code gate rule file for every execution; "" = built-in
  engine::RunSettings defaults;        // what a request does not set
  size_t max_body = 2 << 20;           // request bodies (413 beyond)
  size_t max_contract = 256 << 10;     // inline contracts
  size_t max_contract_file = 1 << 20;  // contracts named by path
  int max_followers = 64;              // live /follow streams at once (503 beyond)
  int max_wait_s = 600;                // POST ...?wait=true answers after at most this
  int threads = 128;                   // HTTP threads; each live follower holds one
};

class Server {
 public:
  Server(ServerOptions options, engine::Service& service, Metrics& metrics, Auth auth, Logger& log);
  ~Server();
  // Binds (refusing a non-loopback address without authentication) and
  // returns the port.
  Result<int> bind();
  void serve();  // until stop()
  void stop();

 private:
  void routes();
  void post_execution(const httplib::Request& req, httplib::Response& res);
  void get_execution(const httplib::Request& req, httplib::Response& res);
  void get_logs(const httplib::Request& req, httplib::Response& res);
  void kill_execution(const httplib::Request& req, httplib::Response& res);
  void search(const httplib::Request& req, httplib::Response& res);
  void follow(const httplib::Request& req, httplib::Response& res);
  void stats(const httplib::Request& req, httplib::Response& res);

  ServerOptions options_;
  engine::Service& service_;
  Metrics& metrics_;
  Auth auth_;
  Logger& log_;
  httplib::Server http_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> followers_{0};
  int listen_fd_ = -1;
};

// The JSON error body every 4xx/5xx carries: {"message", "field"?}.
void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field = "");

}  // namespace bt::server
