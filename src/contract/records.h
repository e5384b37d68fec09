// Reading data files as records: one JSON document, a JSON array of records,
// or NDJSON. NDJSON is streamed in fixed-size blocks, so memory stays flat
// however large the file is.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace bt::contract {

// How records sit in a file (upstream's server `delimiter`).
enum class Delimiter { none, array, new_line };

// "new_line" | "array" | "" (none); anything else is an input error.
Result<Delimiter> parse_delimiter(const std::string& text);
const char* delimiter_name(Delimiter d);

// A guess for files named on the command line: .ndjson/.jsonl are NDJSON, a
// file starting with '[' is an array, a file with one value per line is
// NDJSON, anything else is one document.
Result<Delimiter> sniff_delimiter(const std::filesystem::path& path);

// The whole file, followed by `padding` spare bytes that are not part of it.
Result<std::string> read_padded(const std::filesystem::path& path, size_t padding);

// Calls `line(text, index)` for each line of an NDJSON file, without its
// "\n" or "\r\n"; `text` is followed by at least `padding` readable bytes.
// A final line without "\n" counts; an empty file has no lines. `line`
// returns false to stop early.
Status for_each_line(const std::filesystem::path& path, size_t padding,
                     const std::function<bool(std::string_view text, long long index)>& line);

}  // namespace bt::contract
