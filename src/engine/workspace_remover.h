// Removes finished executions' workspaces on a thread of its own. Deleting
// a directory can cost milliseconds (ext4 mounted with online discard
// trims each freed block as it goes: 2-8 ms per directory measured here),
// and an execution's result should not wait for its clean-up.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace bt::engine {

class WorkspaceRemover {
 public:
  explicit WorkspaceRemover(std::filesystem::path data_dir);
  // Finishes the queue first, so a process that ends normally leaves no
  // workspace behind; what a crash leaves is the janitor's
  // (sandbox::sweep_workspaces).
  ~WorkspaceRemover();
  WorkspaceRemover(const WorkspaceRemover&) = delete;
  WorkspaceRemover& operator=(const WorkspaceRemover&) = delete;

  // Queues <data>/work/<execution_id> for removal.
  void remove(const std::string& execution_id);
  // Returns once everything queued so far is removed.
  void drain();

 private:
  void run();

  const std::filesystem::path data_dir_;
  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<std::string> queue_;
  bool busy_ = false, stopping_ = false;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace bt::engine
