#include "util/files.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>

namespace bt {
namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return input_error("error while reading " + path.string());
  return ss.str();
}

Status write_file_atomic(const fs::path& path, std::string_view data, fs::perms perms) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return infra_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out.flush()) return infra_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::permissions(tmp, perms, ec);
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return infra_error("cannot rename into " + path.string() + ": " + ec.message());
  }
  return {};
}

Status write_new_file(const fs::path& path, std::string_view data, fs::perms perms) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        static_cast<mode_t>(perms));
  if (fd < 0) return infra_error("cannot create " + path.string() + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return infra_error("cannot write " + path.string() + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return infra_error("cannot write " + path.string() + ": " + std::strerror(errno));
  return {};
}

fs::path data_dir() {
  if (const char* h = std::getenv("BITTER_HOME"); h && *h) return fs::path(h);
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "bitter";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".local" / "share" / "bitter";
  return fs::temp_directory_path() / "bitter";
}

Result<std::string> literal_or_file(const std::string& arg) {
  if (!arg.empty() && arg[0] == '@') return read_file(arg.substr(1));
  return arg;
}

}  // namespace bt
