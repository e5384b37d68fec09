#include "util/log.h"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace bt {
namespace {

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

}  // namespace

std::string now_rfc3339() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms));
}

Logger::Format Logger::auto_format() {
  return ::isatty(STDERR_FILENO) ? Format::human : Format::json;
}

Logger::~Logger() {
  if (file_) std::fclose(file_);
}

bool Logger::open_file(const std::string& path) {
  std::lock_guard lock(mu_);
  if (file_) std::fclose(file_);
  file_ = std::fopen(path.c_str(), "a");
  return file_ != nullptr;
}

void Logger::log(LogLevel level, const std::string& msg, const nlohmann::json& fields) {
  std::lock_guard lock(mu_);
  if (file_) write_json(file_, level, msg, fields);
  if (!out_) return;
  if (format_ == Format::json && !file_) write_json(out_, level, msg, fields);
  if (format_ == Format::human) write_human(level, msg, fields);
}

void Logger::write_json(std::FILE* out, LogLevel level, const std::string& msg,
                        const nlohmann::json& fields) {
  nlohmann::json line = {{"ts", now_rfc3339()}, {"level", level_name(level)}};
  if (fields.is_object()) line.update(fields);
  line["msg"] = msg;
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

void Logger::write_human(LogLevel level, const std::string& msg, const nlohmann::json& fields) {
  if (level == LogLevel::debug) return;
  std::string prefix;
  if (fields.is_object() && fields.contains("attempt") && fields.contains("max_attempts")) {
    prefix = fmt::format("[{}/{}] ", fields["attempt"].get<int>(),
                         fields["max_attempts"].get<int>());
  }
  std::string suffix;
  if (fields.is_object() && fields.contains("duration_ms"))
    suffix = fmt::format(" ({} ms)", fields["duration_ms"].get<long long>());
  const char* tag = level == LogLevel::error ? "error: " : level == LogLevel::warn ? "warning: " : "";
  fmt::print(out_, "{}{}{}{}\n", prefix, tag, msg, suffix);
  std::fflush(out_);
}

}  // namespace bt
