#pragma once

#include <string>

namespace bt {

// Execution ids look like Kestra's: 22 random base62 characters.
std::string new_execution_id();
// W3C trace-context style: 32 lower-case hex digits.
std::string new_trace_id();

}  // namespace bt
