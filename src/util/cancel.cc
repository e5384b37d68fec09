#include "util/cancel.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace bt {

CancelToken::CancelToken() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CancelToken::~CancelToken() {
  if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<CancelToken> CancelToken::make(const std::shared_ptr<CancelToken>& parent) {
  std::shared_ptr<CancelToken> token(new CancelToken());
  if (!parent) return token;
  std::string inherited;
  {
    std::lock_guard lock(parent->mu_);
    if (parent->cancelled_) {
      inherited = parent->reason_;
    } else {
      std::erase_if(parent->children_, [](const auto& w) { return w.expired(); });
      parent->children_.push_back(token);
    }
  }
  if (!inherited.empty()) token->cancel(inherited);
  return token;
}

void CancelToken::cancel(const std::string& reason) {
  std::vector<std::weak_ptr<CancelToken>> children;
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    reason_ = reason.empty() ? "cancelled" : reason;
    children.swap(children_);
  }
  cv_.notify_all();
  if (fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
  }
  // Outside the lock: a child never locks its parent, so no order to get wrong.
  for (auto& w : children)
    if (auto child = w.lock()) child->cancel(reason_);
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

std::string CancelToken::reason() const {
  std::lock_guard lock(mu_);
  return reason_;
}

bool CancelToken::sleep_for(std::chrono::milliseconds d) const {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return cancelled_; });
}

}  // namespace bt
