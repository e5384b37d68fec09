// String formats the contract can demand (date, date-time, time, email, uri,
// uuid), checked by hand: valijson's own checks accept 2023-02-31 and skip
// the rest, and std::regex is too slow and recursive for untrusted input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bt::contract {

// True if `value` has the format. Formats this file does not know pass.
bool matches_format(std::string_view format, std::string_view value);
bool is_known_format(std::string_view format);

// The format checks of fastjsonschema 2.22.1 as datacontract-cli 1.1.1
// configures them (regexes only: 2023-02-31 is a "date" there; uuid is its
// custom regex). Formats it does not know pass. For --compat only.
bool matches_format_compat(std::string_view format, std::string_view value);

// What the format looks like, for Violation::expected:
// "date-time (RFC 3339 with time zone, e.g. 2024-01-31T13:45:00Z)".
// Also accepts "timestamp_ntz" (the zone-less timestamp type).
std::string format_expectation(std::string_view format);

// Code points in a UTF-8 string: what minLength/maxLength count.
size_t utf8_length(std::string_view s);

}  // namespace bt::contract
