#include "server/server.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <regex>

#include <fmt/format.h>

#include "server/dashboard.h"

namespace bt::server {
namespace {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

// The route a path belongs to, for metrics: one label per endpoint, never
// the raw path (unbounded, and not always valid UTF-8).
std::string route_of(const httplib::Request& req) {
  std::string p = req.path;
  if (p.rfind("/api/v1/main/", 0) == 0) p.erase(7, 5);
  static const std::regex kExecution("^/api/v1/executions/[^/]+(/logs|/follow|/kill)?$");
  std::smatch m;
  if (p == "/api/v1/executions/search") return req.method + " /api/v1/executions/search";
  static const std::regex kSubmit("^/api/v1/executions/[^/]+/[^/]+$");
  if (req.method == "POST" && std::regex_match(p, kSubmit))
    return "POST /api/v1/executions/{namespace}/{flowId}";
  if (std::regex_match(p, m, kExecution)) return req.method + " /api/v1/executions/{id}" + m[1].str();
  if (p == "/api/v1/stats" || p == "/metrics" || p == "/healthz" || p == "/readyz") return req.method + " " + p;
  if (p.rfind("/api/", 0) == 0) return "other /api";
  return "GET /dashboard";
}

// host[:port] or [v6]:port without the port.
std::string host_only(const std::string& host_header) {
  if (!host_header.empty() && host_header.front() == '[') return host_header.substr(1, host_header.find(']') - 1);
  return host_header.substr(0, host_header.rfind(':') == std::string::npos ? host_header.size()
                                                                            : host_header.rfind(':'));
}

}  // namespace

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field) {
  nlohmann::json j = {{"message", message}};
  if (!field.empty()) j["field"] = field;
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

Server::Server(ServerOptions options, engine::Service& service, Metrics& metrics, Auth auth, Logger& log)
    : options_(std::move(options)), service_(service), metrics_(metrics), auth_(std::move(auth)), log_(log) {
  if (options_.contracts_root.empty()) options_.contracts_root = std::filesystem::current_path();
  const int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_.set_payload_max_length(options_.max_body);
  // Debian's httplib is a compiled library that listens with a backlog of
  // 5: a burst of clients overflows it and their SYNs are retried a second
  // later. Keep the socket to raise the backlog after bind.
  http_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  // Short: a client that trickles its request holds a thread only briefly.
  http_.set_read_timeout(5, 0);
  http_.set_write_timeout(10, 0);
  http_.set_keep_alive_timeout(5);
  routes();
}

Server::~Server() { stop(); }

Result<int> Server::bind() {
  if (!is_loopback(options_.host) && !auth_.enabled())
    return usage_error(fmt::format(
        "refusing to listen on {} without authentication: set BITTER_API_TOKEN or BITTER_API_BASIC, or pass "
        "--auth-file (or listen on 127.0.0.1)",
        options_.host));
  const int port = options_.port == 0 ? http_.bind_to_any_port(options_.host)
                                      : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) return infra_error(fmt::format("cannot listen on {}:{} (in use, or not an address here)",
                                               options_.host, options_.port));
  if (listen_fd_ >= 0) ::listen(listen_fd_, 1024);
  return port;
}

void Server::serve() { http_.listen_after_bind(); }

void Server::stop() {
  stopping_ = true;
  http_.stop();
}

void Server::routes() {
  // Everything but the health checks and the dashboard's static page needs
  // credentials when they are configured; the page asks for them itself.
  // Runs before a body is read.
  http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    const std::string host = host_only(req.get_header_value("Host"));
    // Without credentials only loopback can reach us, but a web page can
    // still make the browser call us (DNS rebinding, cross-site forms):
    // the Host must be a loopback name, and a write must come from our origin.
    if (!auth_.enabled() && !host.empty() && !is_loopback(host)) {
      send_error(res, 403, "Host " + host + " is not allowed: without credentials the server answers loopback names only");
      return R::Handled;
    }
    const bool write = req.method != "GET" && req.method != "HEAD";
    if (write && req.has_header("Origin")) {
      const std::string origin = req.get_header_value("Origin");
      const auto scheme = origin.find("://");
      if (scheme == std::string::npos || origin.substr(scheme + 3) != req.get_header_value("Host")) {
        send_error(res, 403, "cross-origin request from " + origin + " refused");
        return R::Handled;
      }
    }
    // Bodies are read whole: their size must be known before they are.
    if (write && req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos) {
      send_error(res, 411, "send the body with a Content-Length (chunked bodies are not accepted)");
      return R::Handled;
    }
    if (req.method == "POST" && !req.has_header("Content-Length")) {
      send_error(res, 411, "a POST needs a body with a Content-Length");
      return R::Handled;
    }
    const bool open = req.path == "/healthz" || req.path == "/readyz" ||
                      (req.path.rfind("/api/", 0) != 0 && req.path != "/metrics");
    if (open || auth_.allows(req.get_header_value("Authorization"), req.get_param_value("access_token")))
      return R::Unhandled;
    // A Basic challenge lets a browser ask for the credentials itself (and
    // send them on every request, EventSource included).
    res.set_header("WWW-Authenticate", auth_.has_basic() ? "Basic realm=\"bitter\"" : "Bearer realm=\"bitter\"");
    send_error(res, 401, "authentication required: send Authorization: Bearer TOKEN (or basic credentials)");
    return R::Handled;
  });
  http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    metrics_.count_request(route_of(req), res.status);
  });
  http_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_.error(fmt::format("{} {}: internal error: {}", req.method, req.path, what));
    send_error(res, 500, "internal error (logged on the server)");
  });
  http_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    // Errors httplib produces itself (404 of unknown paths, 413, 400) get
    // the same JSON body as ours; ours already have one.
    if (!res.body.empty()) return;
    const char* why = res.status == 404   ? "no such endpoint"
                      : res.status == 413 ? "request body too large"
                                          : "bad request";
    send_error(res, res.status, why);
  });

  http_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"UP"})", "application/json");
  });
  http_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    // Ready when the journal answers; a breaker that is open is reported, as
    // executions would fail fast, but the server itself still serves.
    auto counts = service_.journal().count_by_state();
    const auto st = service_.stats();
    nlohmann::json j = {{"status", counts ? "UP" : "DOWN"}, {"queued", st.queued}, {"running", st.running}};
    if (!counts) j["error"] = counts.error().message;
    res.status = counts ? 200 : 503;
    res.set_content(j.dump(), "application/json");
  });
  http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(service_), "text/plain; version=0.0.4; charset=utf-8");
  });

  // Kestra's paths, with and without the tenant prefix.
  const std::string api = "/api/v1(?:/main)?/executions";
  auto bind = [this](void (Server::*h)(const httplib::Request&, httplib::Response&)) {
    return [this, h](const httplib::Request& req, httplib::Response& res) { (this->*h)(req, res); };
  };
  http_.Get(api + "/search", bind(&Server::search));
  http_.Post(api + "/([^/]+)/([^/]+)", bind(&Server::post_execution));
  http_.Get(api + "/([^/]+)/logs", bind(&Server::get_logs));
  http_.Get("/api/v1(?:/main)?/logs/([^/]+)", bind(&Server::get_logs));  // where Kestra serves them
  http_.Get(api + "/([^/]+)/follow", bind(&Server::follow));
  http_.Delete(api + "/([^/]+)/kill", bind(&Server::kill_execution));
  http_.Get(api + "/([^/]+)", bind(&Server::get_execution));
  http_.Get("/api/v1/stats", bind(&Server::stats));

  http_.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  for (const auto& asset : dashboard_assets())
    http_.Get(asset.path, [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(std::string(asset.body), asset.content_type);
    });
}

}  // namespace bt::server
