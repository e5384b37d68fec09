// A tiny loopback HTTP/1.1 server for the provider tests: it accepts one
// connection at a time, reads a request (body by Content-Length), records it
// and answers with a canned response, or never answers (to test timeouts).
// Test-only and deliberately minimal: no keep-alive, no chunked bodies.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/scoped_env.h"

namespace bt::test {

using bt::testing::ScopedEnv;

struct CannedResponse {
  int status = 200;
  std::string body;
  bool never_answer = false;  // read the request, then stay silent until shutdown
};

struct SeenRequest {
  std::string request_line;  // "POST /v1/chat/completions HTTP/1.1"
  std::string headers;       // the raw header lines, CRLF separated
  std::string body;

  // The value of a header (name case-insensitive), or "" when absent.
  std::string header(std::string_view name) const {
    std::string value;
    find(name, value);
    return value;
  }
  bool has_header(std::string_view name) const {
    std::string ignored;
    return find(name, ignored);
  }

 private:
  bool find(std::string_view name, std::string& value) const {
    std::string_view rest = headers;
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
      if (line.find(':') != name.size() ||
          !std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        continue;
      std::string_view v = line.substr(name.size() + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      value = std::string(v);
      return true;
    }
    return false;
  }
};

class FakeHttpServer {
 public:
  explicit FakeHttpServer(std::vector<CannedResponse> responses) : responses_(std::move(responses)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // let the kernel pick a free port
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      std::abort();  // the tests cannot run without loopback; fail loudly
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  explicit FakeHttpServer(CannedResponse response) : FakeHttpServer(std::vector{std::move(response)}) {}
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  ~FakeHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  // Waits up to 50 ms for fd to become readable, so every loop can notice stop_.
  static bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 50) > 0;
  }

  void serve() {
    while (!stop_) {
      if (!readable(listen_fd_)) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      handle(fd);
      ::close(fd);
    }
  }

  void handle(int fd) {
    std::string data;
    std::size_t header_end = std::string::npos, need = 0;
    char buf[4096];
    while (!stop_) {
      if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
        SeenRequest probe;
        probe.headers = data.substr(0, header_end);
        need = header_end + 4 + std::strtoul(probe.header("Content-Length").c_str(), nullptr, 10);
      }
      if (header_end != std::string::npos && data.size() >= need) break;
      if (!readable(fd)) continue;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;  // client gave up
      data.append(buf, static_cast<std::size_t>(n));
    }
    if (stop_) return;

    SeenRequest req;
    const auto first_eol = data.find("\r\n");
    req.request_line = data.substr(0, first_eol);
    req.headers = data.substr(first_eol + 2, header_end - first_eol - 2);
    req.body = data.substr(header_end + 4, need - header_end - 4);
    CannedResponse canned;
    {
      std::lock_guard lock(mu_);
      canned = responses_.empty() ? CannedResponse{} : responses_[std::min(seen_.size(), responses_.size() - 1)];
      seen_.push_back(std::move(req));
    }
    if (canned.never_answer) {
      while (!stop_ && !(readable(fd) && ::recv(fd, buf, sizeof buf, MSG_PEEK) <= 0)) {
      }
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(canned.status) + " " + reason(canned.status) + "\r\n" +
                      "Content-Type: application/json\r\nContent-Length: " + std::to_string(canned.body.size()) +
                      "\r\nConnection: close\r\n\r\n" + canned.body;
    for (std::size_t sent = 0; sent < out.size();) {
      const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  static const char* reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 404: return "Not Found";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "Status";
    }
  }

  std::vector<CannedResponse> responses_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<SeenRequest> seen_;
  std::thread thread_;
};

// Clears every variable the LLM layer or libcurl reads, for tests that need a
// known environment (a developer's proxy or key must not change results).
class CleanLlmEnv {
 public:
  CleanLlmEnv() {
    for (const char* name : {"BITTER_LLM", "BITTER_LLM_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "http_proxy",
                             "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
      vars_.emplace_back(std::make_unique<ScopedEnv>(name, nullptr));
  }

 private:
  std::vector<std::unique_ptr<ScopedEnv>> vars_;
};

// A loopback port where nobody listens: bound to learn a free number, then closed.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    std::abort();
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace bt::test
