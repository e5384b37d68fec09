#include "cli/common.h"

#include <cstdio>
#include <iostream>

namespace bt::cli {

int exit_code_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::usage:
    case ErrorKind::input: return kExitUsage;
    case ErrorKind::semantic: return kExitFailed;
    case ErrorKind::cancelled: return kExitKilled;
    case ErrorKind::infra:
    case ErrorKind::internal: return kExitInfra;
  }
  return kExitInfra;
}

int fail(const Error& e, bool json) {
  const int code = exit_code_for(e);
  if (json) {
    print_json({{"error", e.message}, {"exit_code", code}});
  } else {
    std::fprintf(stderr, "bitter: error: %s\n", e.message.c_str());
  }
  return code;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace bt::cli
