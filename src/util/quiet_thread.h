// A thread that blocks every signal: SIGINT and SIGTERM are for the thread
// that waits on them (util/signals.h), which may be set up later, and a
// helper thread that took one would end the process instead.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace bt {

template <typename F>
std::thread quiet_thread(F&& f) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  std::thread t(std::forward<F>(f));  // inherits the mask; throws std::system_error
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

}  // namespace bt
