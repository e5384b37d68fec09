#include "server/dashboard.h"

namespace bt::server {
namespace assets {
extern const char* const index_html;
extern const char* const app_js;
extern const char* const app_css;
}  // namespace assets

const std::vector<Asset>& dashboard_assets() {
  static const std::vector<Asset> all = {
      {"/", assets::index_html, "text/html; charset=utf-8"},
      {"/index.html", assets::index_html, "text/html; charset=utf-8"},
      {"/app.js", assets::app_js, "text/javascript; charset=utf-8"},
      {"/app.css", assets::app_css, "text/css; charset=utf-8"},
  };
  return all;
}

}  // namespace bt::server
