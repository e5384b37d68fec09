// Subcommands: each registers its options on a CLI11 app and returns the
// handler that runs once parsing succeeded.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

#include "util/result.h"

namespace bt::cli {

using Handler = std::function<int()>;

Handler add_run(CLI::App& app);
Handler add_show(CLI::App& app);
Handler add_list(CLI::App& app);
Handler add_doctor(CLI::App& app);
Handler add_exec(CLI::App& app);
Handler add_scan(CLI::App& app);
Handler add_gate(CLI::App& app);
Handler add_schema(CLI::App& app);
Handler add_validate(CLI::App& app);
Handler add_lint(CLI::App& app);
Handler add_cache(CLI::App& app);
Handler add_resume(CLI::App& app);
// `bitter serve`: hands everything after `serve` to bitter-serve (serve.cc,
// a program of its own; see serve_launcher.cc for why), which it expects
// beside the running bitter, at serve_program().
Handler add_serve_launcher(CLI::App& app);
Result<std::filesystem::path> serve_program();

// Parses argv into `app`. Set: parsing ended the command (--help, --version
// or a usage error, which CLI11 has printed), with this exit code.
std::optional<int> parse_args(CLI::App& app, int argc, char** argv);

// bitter: parses argv and runs the chosen subcommand; returns the exit code.
int main_entry(int argc, char** argv);

// bitter-serve: `bitter serve`'s options and the server.
Handler add_serve(CLI::App& app);
int serve_main(int argc, char** argv);

}  // namespace bt::cli
