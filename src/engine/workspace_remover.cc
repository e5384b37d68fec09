#include "engine/workspace_remover.h"

#include "sandbox/workspace.h"
#include "util/quiet_thread.h"

namespace bt::engine {

WorkspaceRemover::WorkspaceRemover(std::filesystem::path data_dir)
    : data_dir_(std::move(data_dir)), thread_(quiet_thread([this] { run(); })) {}

WorkspaceRemover::~WorkspaceRemover() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WorkspaceRemover::remove(const std::string& execution_id) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(execution_id);
  }
  wake_.notify_one();
}

void WorkspaceRemover::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void WorkspaceRemover::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    const std::string id = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    // A workspace that cannot be removed now is left for the janitor.
    (void)sandbox::remove_execution_workspaces(data_dir_, id);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace bt::engine
