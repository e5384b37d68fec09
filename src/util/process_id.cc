#include "util/process_id.h"

#include <fstream>
#include <sstream>

namespace bt {

std::string process_identity(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return "";
  // The command name (field 2) may hold spaces and ')': skip to the last ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3 && field == "Z") return "";  // a zombie is not running
    if (i == 22) return std::to_string(pid) + "@" + field;
  }
  return "";
}

}  // namespace bt
