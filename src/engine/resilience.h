// How the engine rides out a flaky LLM: retry and breaker settings from the
// environment, and the breaker state kept in the journal so every bitter
// process on this data dir shares it.
#pragma once

#include "llm/breaker.h"
#include "llm/retry.h"
#include "store/journal.h"
#include "util/result.h"

namespace bt::engine {

struct Resilience {
  llm::RetryPolicy retry;
  llm::BreakerPolicy breaker;
};

// BITTER_LLM_RETRIES (4), BITTER_LLM_BACKOFF_MS (500), BITTER_LLM_BACKOFF_CAP_MS
// (20000), BITTER_BREAKER_THRESHOLD (5), BITTER_BREAKER_OPEN_S (30). A value
// that is not a number in range is a usage error naming the variable.
Result<Resilience> resilience_from_env();

class JournalBreakerStore : public llm::BreakerStore {
 public:
  explicit JournalBreakerStore(store::Journal& journal) : journal_(journal) {}
  Result<llm::BreakerState> update(const std::string& endpoint,
                                   const std::function<void(llm::BreakerState&)>& change) override;

 private:
  store::Journal& journal_;
};

}  // namespace bt::engine
