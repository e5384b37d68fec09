#include "sandbox/workspace.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <system_error>

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

}  // namespace

Result<Workspace> create_workspace(const fs::path& data_dir, const std::string& execution_id,
                                   int attempt, int candidate) {
  if (auto s = check_id(execution_id); !s) return s.error();
  if (attempt < 0 || candidate < 0)
    return internal_error(fmt::format("invalid workspace numbers {}/{}", attempt, candidate));
  const fs::path dir =
      data_dir / "work" / execution_id / std::to_string(attempt) / std::to_string(candidate);
  // Create each missing ancestor ourselves, so all of them get 0700.
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
