// The dashboard's static files, compiled into the binary (src/server/assets).
#pragma once

#include <string_view>
#include <vector>

namespace bt::server {

struct Asset {
  const char* path;
  std::string_view body;
  const char* content_type;
};

const std::vector<Asset>& dashboard_assets();

}  // namespace bt::server
