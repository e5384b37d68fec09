// Subcommands: each registers its options on a CLI11 app and returns the
// handler that runs once parsing succeeded.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

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
Handler add_serve(CLI::App& app);

// Parses argv and runs the chosen subcommand; returns the exit code.
int main_entry(int argc, char** argv);

}  // namespace bt::cli
