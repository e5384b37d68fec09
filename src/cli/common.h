// What every subcommand shares: exit codes, the error funnel, the data dir.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace bt::cli {

// Exit codes, the same for every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // contract not satisfied / verdict negative
inline constexpr int kExitUsage = 2;   // bad usage or bad input
inline constexpr int kExitInfra = 3;   // LLM unreachable, nu missing, disk, journal
inline constexpr int kExitKilled = 130;  // stopped by Ctrl-C / SIGTERM (state KILLED), as shells report SIGINT
// What every --help ends with.
inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok, 1 contract not satisfied, 2 bad usage or input, 3 infrastructure.\n"
    "Data dir: $BITTER_HOME (default ~/.local/share/bitter).";

int exit_code_for(const Error& e);

// Prints "bitter: error: <message>" (or a JSON error object with --json) and
// returns the exit code for the error's kind.
int fail(const Error& e, bool json);

void print_json(const nlohmann::json& j);

}  // namespace bt::cli
