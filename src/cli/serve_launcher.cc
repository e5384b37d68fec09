// `bitter serve` runs bitter-serve, built beside bitter, in its place (same
// pid, stdio and signals). The server is a program of its own because only
// it needs cpp-httplib, and Debian's build of that library pulls in OpenSSL,
// zlib and brotli, whose loading and initialisation would cost every other
// command about 4 ms at start-up (git keeps git-remote-https apart from git
// for the same reason).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"

namespace bt::cli {
namespace {

namespace fs = std::filesystem;

int launch_serve(const std::vector<std::string>& args) {
  auto found = serve_program();
  if (!found) return fail(found.error(), false);
  const std::string program = found->string();
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(program.c_str(), argv.data());
  return fail(infra_error(fmt::format("cannot start {}: {} (`bitter serve` runs the bitter-serve program that "
                                      "is built with bitter and kept beside it; scripts/setup.sh builds both)",
                                      program, std::strerror(errno))),
              false);
}

}  // namespace

Result<fs::path> serve_program() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return infra_error("cannot find bitter-serve: /proc/self/exe: " + ec.message());
  return self.parent_path() / "bitter-serve";
}

Handler add_serve_launcher(CLI::App& app) {
  // Everything after `serve`, --help included, is bitter-serve's to parse.
  app.set_help_flag();
  app.allow_extras();
  app.prefix_command();
  return [&app] { return launch_serve(app.remaining()); };
}

}  // namespace bt::cli
