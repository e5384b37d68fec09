#include "contract/records.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace bt::contract {
namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<int> open_read(const std::filesystem::path& path, Fd& holder) {
  holder.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (holder.fd < 0) return input_error("cannot read " + path.string() + ": " + std::strerror(errno));
  return holder.fd;
}

// read(2) until `want` bytes or end of file; -1 on error.
ssize_t read_full(int fd, char* buf, size_t want) {
  size_t got = 0;
  while (got < want) {
    const ssize_t n = ::read(fd, buf + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

Result<Delimiter> parse_delimiter(const std::string& text) {
  if (text.empty() || text == "none") return Delimiter::none;
  if (text == "array") return Delimiter::array;
  if (text == "new_line" || text == "ndjson") return Delimiter::new_line;
  return input_error("unknown delimiter '" + text + "' (known: new_line, array, none)");
}

const char* delimiter_name(Delimiter d) {
  switch (d) {
    case Delimiter::none: return "none";
    case Delimiter::array: return "array";
    case Delimiter::new_line: return "new_line";
  }
  return "none";
}

Result<Delimiter> sniff_delimiter(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".ndjson" || ext == ".jsonl") return Delimiter::new_line;
  Fd holder;
  auto fd = open_read(path, holder);
  if (!fd) return fd.error();
  // Enough of the file to see where the first value ends: up to the first
  // line break after a closing brace, however long that first line is.
  constexpr size_t kBlock = 64 << 10, kMaxSniff = 16 << 20;
  std::string head;
  for (;;) {
    const size_t used = head.size();
    head.resize(used + kBlock);
    const ssize_t n = read_full(*fd, head.data() + used, kBlock);
    if (n < 0) return input_error("cannot read " + path.string() + ": " + std::strerror(errno));
    head.resize(used + static_cast<size_t>(n));
    const size_t nl = head.find('\n');
    const bool more_after_newline = nl != std::string::npos && head.find_first_not_of(" \t\r\n", nl) != std::string::npos;
    if (static_cast<size_t>(n) < kBlock || more_after_newline || head.size() >= kMaxSniff) break;
  }
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '[') return Delimiter::array;
  // One object per line: a line break right after a '}' that is followed by '{'.
  for (size_t nl = head.find('\n'); nl != std::string::npos; nl = head.find('\n', nl + 1)) {
    const size_t before = head.find_last_not_of(" \t\r", nl == 0 ? 0 : nl - 1);
    const size_t after = head.find_first_not_of(" \t\r\n", nl);
    if (before != std::string::npos && head[before] == '}' && after != std::string::npos && head[after] == '{')
      return Delimiter::new_line;
  }
  return Delimiter::none;
}

Result<std::string> read_padded(const std::filesystem::path& path, size_t padding) {
  Fd holder;
  auto fd = open_read(path, holder);
  if (!fd) return fd.error();
  std::string data;
  size_t used = 0;
  for (;;) {
    data.resize(used + (1 << 20) + padding);
    const ssize_t n = read_full(*fd, data.data() + used, 1 << 20);
    if (n < 0) return input_error("cannot read " + path.string() + ": " + std::strerror(errno));
    used += static_cast<size_t>(n);
    if (n < (1 << 20)) break;
  }
  data.resize(used + padding, ' ');
  data.resize(used);  // the padding stays allocated and readable
  data.reserve(used + padding);
  return data;
}

Status for_each_line(const std::filesystem::path& path, size_t padding,
                     const std::function<bool(std::string_view, long long)>& line) {
  Fd holder;
  auto fd = open_read(path, holder);
  if (!fd) return fd.error();
  constexpr size_t kBlock = 1 << 20;
  std::string buf(kBlock + padding, ' ');
  size_t begin = 0, end = 0;  // unread bytes are buf[begin, end)
  long long index = 0;
  bool eof = false;
  while (!eof || begin < end) {
    if (!eof) {
      // Move the partial line to the front and fill the rest.
      if (begin > 0) {
        std::memmove(buf.data(), buf.data() + begin, end - begin);
        end -= begin;
        begin = 0;
      }
      if (buf.size() - padding - end < kBlock / 2) buf.resize(buf.size() * 2, ' ');  // a long line
      const size_t want = buf.size() - padding - end;
      const ssize_t n = read_full(*fd, buf.data() + end, want);
      if (n < 0) return input_error("cannot read " + path.string() + ": " + std::strerror(errno));
      end += static_cast<size_t>(n);
      eof = static_cast<size_t>(n) < want;  // read_full stops short only at the end
    }
    for (;;) {
      const char* start = buf.data() + begin;
      const void* nl = std::memchr(start, '\n', end - begin);
      if (!nl && !eof) break;  // need more bytes
      if (!nl && begin == end) break;
      const size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : end - begin;
      size_t text_len = len;
      if (text_len > 0 && start[text_len - 1] == '\r') --text_len;
      if (!line(std::string_view(start, text_len), index++)) return {};
      begin += len + (nl ? 1 : 0);
      if (!nl) break;
    }
    if (eof && begin >= end) break;
  }
  return {};
}

}  // namespace bt::contract
