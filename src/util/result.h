// Result<T>: a value or an Error. The engine, sandbox, store and contract
// layers return these; only the CLI (and later the HTTP layer) turns an Error
// into an exit code or a response.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace bt {

// What kind of failure this is decides the exit code and whether the loop may
// retry: usage/input are the caller's fault (exit 2), infra is the machine's
// or the provider's (exit 3), semantic is the generated tool's (feedback),
// cancelled means someone stopped the work (a kill request, Ctrl-C, a
// speculative candidate that lost): never retried, never fed back.
enum class ErrorKind { usage, input, infra, semantic, internal, cancelled };

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  // Set by a server that said when to come back (HTTP Retry-After).
  std::optional<std::chrono::milliseconds> retry_after{};
};

inline Error usage_error(std::string m) { return {ErrorKind::usage, std::move(m)}; }
inline Error input_error(std::string m) { return {ErrorKind::input, std::move(m)}; }
inline Error infra_error(std::string m) { return {ErrorKind::infra, std::move(m)}; }
inline Error semantic_error(std::string m) { return {ErrorKind::semantic, std::move(m)}; }
inline Error internal_error(std::string m) { return {ErrorKind::internal, std::move(m)}; }
inline Error cancelled_error(std::string m) { return {ErrorKind::cancelled, std::move(m)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace bt
