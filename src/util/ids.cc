#include "util/ids.h"

#include <random>

namespace bt {
namespace {

std::string random_chars(std::string_view alphabet, size_t n) {
  thread_local std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s;
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) s += alphabet[pick(rd)];
  return s;
}

}  // namespace

std::string new_execution_id() {
  return random_chars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 22);
}

std::string new_trace_id() { return random_chars("0123456789abcdef", 32); }

}  // namespace bt
