#pragma once

#include <string>
#include <string_view>

namespace bt {

// SHA-256 of `data` as 64 lower-case hex digits (nettle).
std::string sha256_hex(std::string_view data);

}  // namespace bt
