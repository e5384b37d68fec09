// Makes the journal's commits durable on a thread of its own (group
// commit): a caller asks, and waits on the answer only when it must. Asks
// that arrive while a sync runs are answered together by the next one, which
// covers every commit before it, so executions running at once share their
// fdatasync calls instead of queueing one each behind the disk.
#pragma once

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "util/result.h"

namespace bt::store {

class WalSyncer {
 public:
  // `sync` makes everything written so far durable (fdatasync of the -wal
  // file); it runs on the syncer's thread only. Throws std::system_error
  // when no thread can be started.
  explicit WalSyncer(std::function<Status()> sync);
  // Answers what was asked first, then stops.
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Ready once every commit made before the call is durable, or the sync failed.
  std::future<Status> request();

 private:
  void run();

  const std::function<Status()> sync_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<std::promise<Status>> asked_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace bt::store
