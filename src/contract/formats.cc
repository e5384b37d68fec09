#include "contract/formats.h"

#include <algorithm>
#include <cctype>

#include <re2/re2.h>

namespace bt::contract {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool digits(std::string_view s, size_t pos, size_t n) {
  return pos + n <= s.size() && std::all_of(s.begin() + static_cast<long>(pos),
                                            s.begin() + static_cast<long>(pos + n), is_digit);
}

// Call only after digits(s, pos, n) said yes.
int number(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// YYYY-MM-DD naming a day that exists (2023-02-29 does not).
bool is_date(std::string_view s) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2))
    return false;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = number(s, 0, 4), month = number(s, 5, 2), day = number(s, 8, 2);
  if (month < 1 || month > 12) return false;
  const int last = kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
  return day >= 1 && day <= last;
}

// HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]. RFC 3339 requires the offset; a
// contract's `time` is usually a wall-clock time, so there it is optional.
bool is_time(std::string_view s, bool offset_required) {
  if (!digits(s, 0, 2) || s.size() < 8 || s[2] != ':' || !digits(s, 3, 2) || s[5] != ':' ||
      !digits(s, 6, 2))
    return false;
  if (number(s, 0, 2) > 23 || number(s, 3, 2) > 59 || number(s, 6, 2) > 60) return false;  // 60: leap second
  size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j == i + 1) return false;
    i = j;
  }
  if (i == s.size()) return !offset_required;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  return (s[i] == '+' || s[i] == '-') && s.size() == i + 6 && digits(s, i + 1, 2) && s[i + 3] == ':' &&
         digits(s, i + 4, 2) && number(s, i + 1, 2) <= 23 && number(s, i + 4, 2) <= 59;
}

bool is_date_time(std::string_view s) {
  return s.size() > 11 && is_date(s.substr(0, 10)) && (s[10] == 'T' || s[10] == 't') &&
         is_time(s.substr(11), true);
}

// YYYY-MM-DD[T ]HH:MM:SS[.fraction], no zone.
bool is_timestamp_ntz(std::string_view s) {
  if (s.size() < 19 || !is_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
    return false;
  const std::string_view t = s.substr(11);
  return is_time(t, false) && t.find_first_of("Zz+-") == std::string_view::npos;
}

bool is_control_or_space(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

// Deliberately plain: local@domain.tld, no spaces, a dotted domain of sane labels.
bool is_email(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (std::any_of(local.begin(), local.end(), is_control_or_space)) return false;
  size_t labels = 0;
  for (size_t start = 0; start <= domain.size(); ++labels) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) return false;
    start = end + 1;
  }
  return labels >= 2;
}

// An absolute URI (RFC 3986): scheme ":" something, no characters that must be escaped.
bool is_uri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= s.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < colon; ++i)
    if (!is_alnum(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') return false;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (is_control_or_space(c) || std::string_view("<>\"{}|\\^`").find(c) != std::string_view::npos)
      return false;
    if (c == '%' && !(i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2]))) return false;
  }
  return true;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// fastjsonschema's email: ^(?!.*\.\..*@)[^@.][^@]*(?<!\.)@[^@]+\.[^@]+\Z, by hand
// because RE2 has no lookaround.
bool is_email_compat(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  const size_t dot = domain.find('.', 1);
  return dot != std::string_view::npos && dot + 1 < domain.size();
}

bool full_match(const RE2& re, std::string_view value) { return RE2::FullMatch(value, re); }

}  // namespace

bool matches_format_compat(std::string_view format, std::string_view value) {
  // Python's \Z is RE2's \z; its $ also matches before a final newline.
  static const RE2 date_time(
      R"(\d{4}-[01]\d-[0-3]\d(t|T)[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d+)?(?:[+-][0-2]\d:[0-5]\d|[+-][0-2]\d[0-5]\d|z|Z))");
  static const RE2 date(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  static const RE2 time(R"(\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,6})?([zZ]|[+-]\d\d:\d\d)?)?)");
  static const RE2 uri(R"(\w+:(/?/?)[^\s]+)");
  static const RE2 uuid(R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\n?)");
  if (format == "date-time") return full_match(date_time, value);
  if (format == "date") return full_match(date, value);
  if (format == "time") return full_match(time, value);
  if (format == "email") return is_email_compat(value);
  if (format == "uri") return full_match(uri, value);
  if (format == "uuid") return full_match(uuid, value);
  return true;
}

bool is_known_format(std::string_view format) {
  return format == "date" || format == "date-time" || format == "time" || format == "email" ||
         format == "uri" || format == "uuid" || format == "timestamp_ntz";
}

bool matches_format(std::string_view format, std::string_view value) {
  if (format == "timestamp_ntz") return is_timestamp_ntz(value);
  if (format == "date") return is_date(value);
  if (format == "date-time") return is_date_time(value);
  if (format == "time") return is_time(value, false);
  if (format == "email") return is_email(value);
  if (format == "uri") return is_uri(value);
  if (format == "uuid") return is_uuid(value);
  return true;
}

std::string format_expectation(std::string_view format) {
  if (format == "date") return "date (YYYY-MM-DD, a day that exists)";
  if (format == "date-time") return "date-time (RFC 3339 with time zone, e.g. 2024-01-31T13:45:00Z)";
  if (format == "time") return "time (HH:MM:SS, optional fraction and time zone)";
  if (format == "email") return "email address (name@example.com)";
  if (format == "uri") return "absolute URI (e.g. https://example.com/path)";
  if (format == "uuid") return "UUID (8-4-4-4-12 hex digits)";
  if (format == "timestamp_ntz") return "timestamp without time zone (YYYY-MM-DDTHH:MM:SS)";
  return "format " + std::string(format);
}

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace bt::contract
