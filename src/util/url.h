// URLs as logs and messages may show them: never with credentials.
#pragma once

#include <string>

namespace bt {

// "http://user:pw@host/v1" -> "http://host/v1".
inline std::string display_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host = scheme + 3;
  const auto at = url.find('@', host);
  if (at == std::string::npos || at > url.find('/', host)) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

// scheme://host[:port] alone, for URLs whose path or query may hold a
// token (webhooks); "?" when it is not a URL.
inline std::string url_origin(const std::string& url) {
  const std::string shown = display_url(url);
  const auto scheme = shown.find("://");
  if (scheme == std::string::npos) return "?";
  return shown.substr(0, shown.find_first_of("/?#", scheme + 3));
}

}  // namespace bt
