#include "server/auth.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <nettle/base64.h>

namespace bt::server {
namespace {

std::string base64(const std::string& s) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(s.size()), '\0');
  base64_encode_raw(out.data(), s.size(), reinterpret_cast<const uint8_t*>(s.data()));
  return out;
}

}  // namespace

bool constant_time_equal(const std::string& a, const std::string& b) {
  // Compare over the longer length so a short guess costs as much as a long one.
  const size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

Result<Auth> Auth::from_env_and_file(const std::filesystem::path& file) {
  Auth a;
  if (const char* t = std::getenv("BITTER_API_TOKEN"); t && *t) a.token_ = t;
  std::string basic;
  if (const char* b = std::getenv("BITTER_API_BASIC"); b && *b) basic = b;
  if (!file.empty()) {
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0) return input_error("cannot read the auth file " + file.string());
    if (st.st_mode & (S_IRWXG | S_IRWXO))
      return input_error("the auth file " + file.string() + " is readable by others; chmod 600 it");
    std::ifstream in(file);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos)
        return input_error(file.string() + ":" + std::to_string(n) + ": expected `token: ...` or `basic: user:password`");
      std::string key = line.substr(0, colon), value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
      if (value.empty())
        return input_error(file.string() + ":" + std::to_string(n) + ": " + key + " has no value");
      if (key == "token") a.token_ = value;
      else if (key == "basic") basic = value;
      else return input_error(file.string() + ":" + std::to_string(n) + ": unknown key " + key);
    }
  }
  if (!basic.empty()) {
    const auto colon = basic.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == basic.size())
      return input_error("basic credentials must be user:password, both non-empty");
    a.basic_ = base64(basic);
  }
  if (const char* t = std::getenv("BITTER_API_TOKEN"); t && !*t && a.token_.empty() && a.basic_.empty())
    return input_error("BITTER_API_TOKEN is set but empty");
  return a;
}

bool Auth::allows(const std::string& authorization, const std::string& query_token) const {
  if (!enabled()) return true;
  if (!token_.empty()) {
    if (authorization.rfind("Bearer ", 0) == 0 && constant_time_equal(authorization.substr(7), token_)) return true;
    if (!query_token.empty() && constant_time_equal(query_token, token_)) return true;
  }
  // EventSource cannot send headers: the dashboard passes base64(user:password).
  if (!basic_.empty() && !query_token.empty() && constant_time_equal(query_token, basic_)) return true;
  if (!basic_.empty() && authorization.rfind("Basic ", 0) == 0 && constant_time_equal(authorization.substr(6), basic_))
    return true;
  return false;
}

}  // namespace bt::server
