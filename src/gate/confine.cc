#include "gate/confine.h"

#include <algorithm>

namespace bt::gate {

namespace fs = std::filesystem;

Result<fs::path> confine(const fs::path& path, const fs::path& root, const std::string& widen) {
  std::error_code ec;
  const fs::path r = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) return input_error("cannot resolve root " + root.string() + ": " + ec.message());
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return input_error("cannot resolve " + path.string() + ": " + ec.message());
  // Compare whole components: /srv/data2 is not under /srv/data.
  auto rit = r.begin(), pit = p.begin();
  for (; rit != r.end(); ++rit, ++pit) {
    if (rit->empty()) continue;  // trailing separator of the root
    if (pit == p.end() || *pit != *rit)
      return input_error(path.string() + " resolves to " + p.string() +
                         ", which is outside the allowed root " + r.string() +
                         (widen.empty() ? "" : " (" + widen + ")"));
  }
  return p;
}

}  // namespace bt::gate
