#include "util/signals.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>

namespace bt {

SignalCancel::SignalCancel(CancelPtr token) : token_(std::move(token)) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || stop_fd_ < 0) {
    // Without the fds the signals keep their default action.
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    return;
  }
  waiter_ = std::thread([this] {
    int seen = 0;
    for (;;) {
      pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents) return;
      signalfd_siginfo info{};
      if (::read(signal_fd_, &info, sizeof info) != sizeof info) continue;
      if (++seen > 1) {
        static const char msg[] = "bitter: second signal, exiting now\n";
        (void)!::write(2, msg, sizeof msg - 1);
        ::_exit(128 + static_cast<int>(info.ssi_signo));
      }
      const char* name = ::sigabbrev_np(static_cast<int>(info.ssi_signo));
      token_->cancel(name ? std::string("received SIG") + name : std::string("received a signal"));
    }
  });
}

SignalCancel::~SignalCancel() {
  if (waiter_.joinable()) {
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    waiter_.join();
  }
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace bt
