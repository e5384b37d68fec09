// Structured log lines: one JSON object per line (trace_id, execution_id,
// attempt, stage, duration_ms, msg, ...) to stderr or a file; when stderr is a
// terminal and no file is given, a short human progress view instead.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace bt {

enum class LogLevel { debug, info, warn, error };

class Logger {
 public:
  enum class Format { json, human, none };
  // Chooses json for files and pipes, human for a terminal.
  static Format auto_format();

  Logger() = default;
  Logger(Format format, std::FILE* out) : format_(format), out_(out) {}
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Opens (appends to) a JSON-lines log file; human progress stays on stderr.
  bool open_file(const std::string& path);
  void set_format(Format f) { format_ = f; }

  // `fields` is merged into the line; msg and level are always present.
  void log(LogLevel level, const std::string& msg, const nlohmann::json& fields = {});
  void info(const std::string& msg, const nlohmann::json& fields = {}) {
    log(LogLevel::info, msg, fields);
  }
  void warn(const std::string& msg, const nlohmann::json& fields = {}) {
    log(LogLevel::warn, msg, fields);
  }
  void error(const std::string& msg, const nlohmann::json& fields = {}) {
    log(LogLevel::error, msg, fields);
  }

 private:
  void write_json(std::FILE* out, LogLevel level, const std::string& msg,
                  const nlohmann::json& fields);
  void write_human(LogLevel level, const std::string& msg, const nlohmann::json& fields);

  std::mutex mu_;
  Format format_ = Format::none;
  std::FILE* out_ = nullptr;   // stderr, not owned
  std::FILE* file_ = nullptr;  // owned
};

// Current UTC time as RFC 3339 with milliseconds.
std::string now_rfc3339();

}  // namespace bt
