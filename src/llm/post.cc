#include "llm/post.h"

#include <memory>

#include "llm/curl_api.h"

namespace bt::llm {
namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

Result<long> post_json(const std::string& url, const std::string& body, std::chrono::milliseconds timeout) {
  auto loaded = curl_api();
  if (!loaded) return loaded.error();
  const CurlApi& api = **loaded;
  CURL* h = api.easy_init();
  if (!h) return infra_error("cannot initialise libcurl");
  curl_slist* headers = api.slist_append(nullptr, "Content-Type: application/json");
  char errbuf[CURL_ERROR_SIZE] = {};
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_POST, 1L);
  api.easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  api.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  api.easy_setopt(h, CURLOPT_USERAGENT, "bitter-truth");
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  const CURLcode rc = api.easy_perform(h);
  long status = 0;
  if (rc == CURLE_OK) api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  const std::string why = errbuf[0] ? errbuf : api.easy_strerror(rc);
  api.slist_free_all(headers);
  api.easy_cleanup(h);
  if (rc != CURLE_OK) return infra_error("POST " + url + " failed: " + why);
  return status;
}

}  // namespace bt::llm
