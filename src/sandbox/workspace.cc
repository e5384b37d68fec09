#include "sandbox/workspace.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

namespace bt::sandbox {
namespace fs = std::filesystem;
namespace {

constexpr mode_t kPrivateDir = 0700;

Status check_id(const std::string& id) {
  // The id becomes a path component; anything else could escape <data>/work.
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos ||
      id.find('\0') != std::string::npos)
    return internal_error(fmt::format("invalid execution id '{}' for a workspace path", id));
  return {};
}

// mkdir with an explicit mode (std::filesystem would use 0777 & ~umask) and a
// chmod afterwards, because a umask such as 0077 is fine but 0277 is not.
// EEXIST counts as success only when `may_exist`.
Status make_dir(const fs::path& dir, bool may_exist) {
  if (::mkdir(dir.c_str(), kPrivateDir) == 0) {
    if (::chmod(dir.c_str(), kPrivateDir) != 0)
      return infra_error(fmt::format("cannot chmod {}: {}", dir.string(), std::strerror(errno)));
    return {};
  }
  const int err = errno;
  if (err == EEXIST && may_exist) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return {};  // existing parents keep their mode
    return infra_error(fmt::format("{} exists and is not a directory", dir.string()));
  }
  if (err == EEXIST) return infra_error(fmt::format("workspace {} already exists", dir.string()));
  return infra_error(fmt::format("cannot create {}: {}", dir.string(), std::strerror(err)));
}

// Gives the owner rwx on every directory below `dir` (not following
// symlinks), so remove_all can descend into and empty what a tool chmod'ed.
void make_removable(const fs::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
  ::chmod(dir.c_str(), (st.st_mode & 07777) | S_IRWXU);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    make_removable(it->path());
}

// `dir` and each missing ancestor, all 0700; `dir` itself must be new.
Result<Workspace> make_workspace(const fs::path& dir) {
  fs::path partial;
  for (const auto& part : dir.parent_path()) {
    partial /= part;
    std::error_code ec;
    if (part.empty() || fs::is_directory(partial, ec)) continue;  // keep existing modes
    if (auto s = make_dir(partial, true); !s) return s.error();
  }
  if (auto s = make_dir(dir, false); !s) return s.error();
  return Workspace{dir};
}

}  // namespace

Result<Workspace> create_workspace(const fs::path& data_dir, const std::string& execution_id,
                                   int attempt, int candidate) {
  if (auto s = check_id(execution_id); !s) return s.error();
  if (attempt < 0 || candidate < 0)
    return internal_error(fmt::format("invalid workspace numbers {}/{}", attempt, candidate));
  return make_workspace(data_dir / "work" / execution_id / std::to_string(attempt) /
                        std::to_string(candidate));
}

Result<Workspace> create_exec_workspace(const fs::path& data_dir, const std::string& id) {
  if (auto s = check_id(id); !s) return s.error();
  return make_workspace(data_dir / "work" / id);
}

namespace {

long long env_number(const char* name, long long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return *end == '\0' && n >= 0 ? n : fallback;
}

}  // namespace

std::chrono::hours workspace_retention() {
  return std::chrono::hours(env_number("BITTER_WORKSPACE_RETENTION_HOURS", 72));
}

uint64_t min_free_bytes() {
  const auto mb = static_cast<uint64_t>(env_number("BITTER_MIN_FREE_MB", 100));
  // Past 2^44 MB the shift would wrap around to "needs nothing".
  return mb > (UINT64_MAX >> 20) ? UINT64_MAX : mb << 20;
}

Status sweep_workspaces(const fs::path& data_dir, std::chrono::hours retention) {
  const fs::path work = data_dir / "work";
  std::error_code ec;
  if (!fs::exists(work, ec)) return {};
  const auto now = fs::file_time_type::clock::now();
  // Ages are compared in hours: now - retention in the clock's nanoseconds
  // would overflow for a retention of centuries ("keep for ever") and wrap
  // into the future, sweeping everything.
  using fractional_hours = std::chrono::duration<double, std::ratio<3600>>;
  fs::directory_iterator it(work, ec), end;
  if (ec) return infra_error(fmt::format("cannot list {}: {}", work.string(), ec.message()));
  std::vector<std::string> old;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    std::error_code e2;
    if (!it->is_directory(e2) || it->is_symlink(e2)) continue;
    const auto t = fs::last_write_time(it->path(), e2);
    if (!e2 && fractional_hours(now - t) > retention) old.push_back(it->path().filename().string());
  }
  for (const auto& id : old) (void)remove_execution_workspaces(data_dir, id);
  return {};
}

Status check_free_space(const fs::path& data_dir, uint64_t min_bytes) {
  // The data dir may not exist yet; its nearest existing ancestor decides.
  fs::path probe = data_dir;
  std::error_code ec;
  while (!probe.empty() && !fs::exists(probe, ec) && probe != probe.parent_path())
    probe = probe.parent_path();
  struct statvfs st {};
  if (::statvfs(probe.c_str(), &st) != 0)
    return infra_error(fmt::format("cannot check free space on {}: {}", probe.string(),
                                   std::strerror(errno)));
  const uint64_t avail = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  if (avail < min_bytes)
    return infra_error(fmt::format(
        "only {} MB free on the file system of {} (bitter needs at least {} MB for workspaces "
        "and the journal; free space or set BITTER_MIN_FREE_MB)",
        avail >> 20, data_dir.string(), min_bytes >> 20));
  return {};
}

Status remove_execution_workspaces(const fs::path& data_dir, const std::string& execution_id) {
  if (auto s = check_id(execution_id); !s) return s;
  const fs::path dir = data_dir / "work" / execution_id;
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) {
    make_removable(dir);
    ec.clear();
    fs::remove_all(dir, ec);
  }
  if (ec) return infra_error(fmt::format("cannot remove {}: {}", dir.string(), ec.message()));
  return {};
}

}  // namespace bt::sandbox
