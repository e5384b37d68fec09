// libcurl, loaded on first use. Linking it pulls some thirty libraries (TLS,
// Kerberos, LDAP, ...) into every start of bitter, about 8 ms, although only
// commands that talk to an LLM need it; `bitter validate` must start fast.
#pragma once

#include <curl/curl.h>

#include "util/result.h"

namespace bt::llm {

struct CurlApi {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The loaded library, initialised once (curl_global_init included), or an
// infra error naming what is missing.
Result<const CurlApi*> curl_api();

}  // namespace bt::llm
