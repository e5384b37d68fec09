#include "store/wal_syncer.h"

#include "util/quiet_thread.h"

namespace bt::store {

WalSyncer::WalSyncer(std::function<Status()> sync)
    : sync_(std::move(sync)), thread_(quiet_thread([this] { run(); })) {}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::future<Status> WalSyncer::request() {
  std::promise<Status> p;
  auto answer = p.get_future();
  {
    std::lock_guard lock(mu_);
    asked_.push_back(std::move(p));
  }
  wake_.notify_one();
  return answer;
}

void WalSyncer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !asked_.empty(); });
    if (asked_.empty()) return;  // stopping, nothing left to answer
    // Everyone asking now committed before this sync starts.
    std::vector<std::promise<Status>> batch;
    batch.swap(asked_);
    lock.unlock();
    const Status done = sync_();
    for (auto& p : batch) p.set_value(done);
    lock.lock();
  }
}

}  // namespace bt::store
