#include "sandbox/runtime.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "sandbox/process.h"

namespace bt::sandbox {
namespace fs = std::filesystem;
namespace {

// "(found)", "(missing)", "(not a regular file)", "(not executable)".
std::string check(const fs::path& candidate, bool& usable) {
  usable = false;
  struct stat st {};
  if (::stat(candidate.c_str(), &st) != 0)  // follows symlinks
    return errno == ENOENT || errno == ENOTDIR ? "missing" : "not accessible";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  // eaccess: the effective ids are what execve will check.
  if (::eaccess(candidate.c_str(), X_OK) != 0) return "not executable";
  usable = true;
  return "found";
}

// Tries one candidate and records the line; true when it is usable.
bool consider(RuntimeLookup& lookup, const std::string& where, const fs::path& candidate) {
  std::error_code ec;
  const fs::path abs = fs::absolute(candidate, ec);
  const fs::path& path = ec ? candidate : abs;
  bool usable = false;
  const std::string verdict = check(path, usable);
  lookup.looked.push_back(fmt::format("{}: {} ({})", where, path.string(), verdict));
  if (usable) lookup.found = path;
  return usable;
}

}  // namespace

RuntimeLookup find_nu(const std::string& flag_value) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return find_nu(flag_value, ec ? fs::path() : self.parent_path());
}

RuntimeLookup find_nu(const std::string& flag_value, const fs::path& self_dir) {
  RuntimeLookup lookup;
  if (flag_value.empty()) {
    lookup.looked.push_back("--nu flag: not given");
  } else {
    consider(lookup, "--nu flag", flag_value);
    return lookup;  // explicit: found or not, we look no further
  }

  const char* env = std::getenv("BITTER_NU");
  if (env == nullptr || *env == '\0') {
    lookup.looked.push_back("$BITTER_NU: not set");
  } else {
    consider(lookup, "$BITTER_NU", env);
    return lookup;
  }

  if (self_dir.empty())
    lookup.looked.push_back("next to bitter: unknown (cannot read /proc/self/exe)");
  else if (consider(lookup, "next to bitter", self_dir / "nu"))
    return lookup;

  const char* path = std::getenv("PATH");
  if (path == nullptr || *path == '\0') {
    lookup.looked.push_back("PATH: not set");
    return lookup;
  }
  const std::string entries = path;
  for (size_t begin = 0; begin <= entries.size();) {
    size_t end = entries.find(':', begin);
    if (end == std::string::npos) end = entries.size();
    const std::string dir = entries.substr(begin, end - begin);
    begin = end + 1;
    // Empty and relative entries mean "the current directory" or depend on
    // it; picking up ./nu from wherever we were started is a trap.
    if (dir.empty() || dir[0] != '/') {
      lookup.looked.push_back(fmt::format("PATH: '{}' skipped (not absolute)", dir));
      continue;
    }
    if (consider(lookup, "PATH", fs::path(dir) / "nu")) return lookup;
  }
  return lookup;
}

Result<std::string> nu_version(const fs::path& nu) {
  ProcessSpec spec;
  spec.argv = {fs::absolute(nu).string(), "--version"};
  spec.cwd = "/";
  std::error_code ec;
  const fs::path tmp = fs::temp_directory_path(ec);  // honours $TMPDIR
  spec.env = minimal_env(ec ? fs::path("/tmp") : tmp);
  spec.timeout = std::chrono::seconds(5);
  spec.stdout_cap = 64 << 10;
  spec.stderr_cap = 64 << 10;
  auto run = run_process(spec);
  if (!run) return run.error();
  if (run->timed_out || run->term_signal != 0 || run->exit_code != 0) {
    const std::string err = run->err.substr(0, run->err.find('\n'));
    return infra_error(fmt::format("{} --version failed: {}{}{}", nu.string(), run->describe(),
                                   err.empty() ? "" : ": ", err));
  }
  std::string version = run->out.substr(0, run->out.find('\n'));
  while (!version.empty() && (version.back() == '\r' || version.back() == ' ')) version.pop_back();
  if (version.empty()) return infra_error(nu.string() + " --version printed nothing");
  return version;
}

std::vector<std::string> minimal_env(const fs::path& home) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home.string(), "LANG=C.UTF-8",
          "TMPDIR=" + home.string(), "NO_COLOR=1"};
}

}  // namespace bt::sandbox
