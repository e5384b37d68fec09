// Like bubblewrap: a scratch tmpfs is mounted on /tmp and pivoted to, so the
// host tree stays reachable under /oldroot while /newroot is assembled, then
// /newroot becomes / and the host tree is detached.
#include "sandbox/mounts.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>  // ST_* flag names, which statfs.f_flags shares
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>

namespace bt::sandbox {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBase = "/tmp";  // scratch mount point in our namespace only
constexpr const char* kOld = "/oldroot";
constexpr const char* kNew = "/newroot";

struct Planner {
  MountPlan plan;
  std::set<std::string> dirs{"/"};

  void add(MountOp::Kind k, std::string src, std::string dst, std::string data = {},
           bool ro = true) {
    plan.ops.push_back({k, std::move(src), std::move(dst), std::move(data), ro});
  }
  // mkdir -p of dir inside the new root.
  void dirs_for(const fs::path& dir) {
    fs::path partial = "/";
    for (const auto& part : dir.relative_path()) {
      partial /= part;
      if (dirs.insert(partial.string()).second) add(MountOp::kMkdir, {}, kNew + partial.string());
    }
  }
  void bind(const fs::path& src, const fs::path& dst, bool ro, bool is_dir) {
    if (is_dir) {
      dirs_for(dst);
    } else {
      dirs_for(dst.parent_path());
      add(MountOp::kFile, {}, kNew + dst.string());
    }
    add(MountOp::kBind, kOld + src.string(), kNew + dst.string(), {}, ro);
  }
};

// Maps the flags a mount already has to the MS_* flags a bind remount must
// keep: in a user namespace the kernel refuses to clear locked ones.
unsigned long kept_flags(const char* path) {
  struct statfs st {};
  if (::statfs(path, &st) != 0) return 0;
  unsigned long f = 0;
  if (st.f_flags & ST_NOSUID) f |= MS_NOSUID;
  if (st.f_flags & ST_NODEV) f |= MS_NODEV;
  if (st.f_flags & ST_NOEXEC) f |= MS_NOEXEC;
  if (st.f_flags & ST_NOATIME) f |= MS_NOATIME;
  if (st.f_flags & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (st.f_flags & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

int apply_one(const MountOp& op) {
  switch (op.kind) {
    case MountOp::kMkdir:
      return ::mkdir(op.dst.c_str(), 0755) == 0 || errno == EEXIST ? 0 : -1;
    case MountOp::kFile: {
      const int fd = ::open(op.dst.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0444);
      if (fd < 0) return -1;
      ::close(fd);
      return 0;
    }
    case MountOp::kSymlink:
      return ::symlink(op.data.c_str(), op.dst.c_str());
    case MountOp::kTmpfs:
      return ::mount("tmpfs", op.dst.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, op.data.c_str());
    case MountOp::kProc:
      return ::mount("proc", op.dst.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    case MountOp::kReadOnlyRoot:
      return ::mount(nullptr, op.dst.c_str(), nullptr,
                     MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr);
    case MountOp::kBind: {
      if (::mount(op.src.c_str(), op.dst.c_str(), nullptr, MS_BIND, nullptr) != 0) return -1;
      unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | kept_flags(op.dst.c_str());
      if (op.read_only) flags |= MS_RDONLY;
      return ::mount(nullptr, op.dst.c_str(), nullptr, flags, nullptr);
    }
  }
  return 0;
}

int fail(const char** step, const char* what) {
  *step = what;
  return errno;
}

}  // namespace

std::string MountOp::describe() const {
  switch (kind) {
    case kMkdir:
      return "mkdir " + dst;
    case kFile:
      return "create mount point " + dst;
    case kSymlink:
      return fmt::format("symlink {} -> {}", dst, data);
    case kTmpfs:
      return "mount tmpfs on " + dst;
    case kProc:
      return "mount proc on " + dst;
    case kReadOnlyRoot:
      return "remount the new root read-only";
    case kBind:
      return fmt::format("bind {} to {}{}", src, dst, read_only ? " read-only" : "");
  }
  return "?";
}

Result<MountPlan> plan_mounts(const MountRequest& req) {
  Planner p;
  p.add(MountOp::kTmpfs, {}, kNew, "mode=0755,size=4m");
  for (const char* d : {"/usr", "/etc", "/dev", "/proc", "/tmp"}) p.dirs_for(d);
  p.add(MountOp::kBind, std::string(kOld) + "/usr", std::string(kNew) + "/usr");
  // Debian 12 has merged /usr (/bin -> usr/bin, ...); older layouts get binds.
  for (const char* top : {"/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"}) {
    std::error_code ec;
    const auto st = fs::symlink_status(top, ec);
    if (ec || !fs::exists(st)) continue;
    if (fs::is_symlink(st)) {
      p.add(MountOp::kSymlink, {}, kNew + std::string(top), fs::read_symlink(top, ec).string());
    } else if (fs::is_directory(st)) {
      p.bind(top, top, true, true);
    }
  }
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"})
    p.bind(dev, dev, false, false);
  for (const auto& [name, target] : {std::pair{"fd", "/proc/self/fd"},
                                     {"stdin", "/proc/self/fd/0"},
                                     {"stdout", "/proc/self/fd/1"},
                                     {"stderr", "/proc/self/fd/2"}})
    p.add(MountOp::kSymlink, {}, std::string(kNew) + "/dev/" + name, target);
  p.add(MountOp::kProc, {}, std::string(kNew) + "/proc");
  p.add(MountOp::kTmpfs, {}, std::string(kNew) + "/tmp",
        fmt::format("mode=1777,size={}", req.tmp_bytes));

  for (const auto& path : req.ro_paths) {
    std::error_code ec;
    const fs::path real = fs::canonical(path, ec);
    if (ec) return infra_error(fmt::format("sandbox: cannot resolve {}: {}", path, ec.message()));
    const fs::path dst = fs::path(path).lexically_normal();
    if (!dst.is_absolute()) return internal_error("sandbox: relative path " + path);
    if (dst.string().rfind("/usr/", 0) == 0 && dst == real) continue;  // already visible
    p.bind(real, dst, true, fs::is_directory(real));
  }
  std::error_code ec;
  const fs::path ws = fs::canonical(req.workspace, ec);
  if (ec || !fs::is_directory(ws))
    return infra_error(fmt::format("sandbox: workspace {} is not a directory", req.workspace));
  p.bind(ws, ws, false, true);
  p.add(MountOp::kReadOnlyRoot, {}, kNew);
  return std::move(p.plan);
}

int apply_mounts(const MountPlan& plan, int* failed_op, const char** step) {
  *failed_op = -1;
  // Nothing we mount may propagate back to the host.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return fail(step, "make / private");
  if (::mount("tmpfs", kBase, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k") != 0)
    return fail(step, "mount scratch tmpfs on /tmp");
  if (::chdir(kBase) != 0) return fail(step, "chdir /tmp");
  if (::mkdir("oldroot", 0755) != 0 || ::mkdir("newroot", 0755) != 0)
    return fail(step, "mkdir scratch dirs");
  if (::syscall(SYS_pivot_root, kBase, "/tmp/oldroot") != 0) return fail(step, "pivot_root");
  if (::chdir("/") != 0) return fail(step, "chdir /");
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (apply_one(plan.ops[i]) != 0) {
      *failed_op = static_cast<int>(i);
      return errno;
    }
  }
  // pivot_root(".", ".") stacks the old root on top of the new one; the
  // detach then removes the host tree from this namespace entirely.
  if (::chdir(kNew) != 0) return fail(step, "chdir /newroot");
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail(step, "pivot_root into the new root");
  if (::umount2(".", MNT_DETACH) != 0) return fail(step, "detach the host root");
  if (::chdir("/") != 0) return fail(step, "chdir / in the new root");
  return 0;
}

}  // namespace bt::sandbox
