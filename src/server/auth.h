// Who may call the API: a bearer token and/or basic-auth credentials, from
// the environment or a file, compared in constant time. Without any, the
// server only binds to loopback.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.h"

namespace bt::server {

class Auth {
 public:
  // BITTER_API_TOKEN (bearer) and BITTER_API_BASIC ("user:password"); a file
  // (--auth-file) holds lines `token: ...` and/or `basic: user:password`,
  // and must not be readable by others.
  static Result<Auth> from_env_and_file(const std::filesystem::path& file);
  static Auth none() { return {}; }

  bool enabled() const { return !token_.empty() || !basic_.empty(); }
  bool has_basic() const { return !basic_.empty(); }
  // The Authorization header's value (or a token from the query string,
  // for EventSource, which cannot send headers). True when auth is off.
  bool allows(const std::string& authorization, const std::string& query_token) const;

 private:
  std::string token_;
  std::string basic_;  // base64 of user:password, as the header carries it
};

// Equal strings, in time that depends only on their lengths.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace bt::server
