#include "contract/number.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace bt::contract {
namespace {

// -1/0/1 for an exact int64 vs double comparison.
int compare_int_double(std::int64_t i, double d) {
  constexpr double two63 = 9223372036854775808.0;
  if (d >= two63) return -1;
  if (d < -two63) return 1;
  const double t = std::trunc(d);  // exactly representable as int64 now
  const auto ti = static_cast<std::int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  const double frac = d - t;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

int compare_uint_double(std::uint64_t u, double d) {
  constexpr double two64 = 18446744073709551616.0;
  if (d < 0) return 1;
  if (d >= two64) return -1;
  const double t = std::trunc(d);
  const auto tu = static_cast<std::uint64_t>(t);
  if (u != tu) return u < tu ? -1 : 1;
  return d - t > 0 ? -1 : 0;
}

// Decimal integer text: sign and digits without leading zeros.
struct Digits {
  bool negative = false;
  std::string digits;
};

Digits digits_of(std::string_view s) {
  Digits d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
  while (i + 1 < s.size() && s[i] == '0') ++i;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) d.digits += s[i];
  if (d.digits == "0") d.negative = false;
  return d;
}

int compare_digits(const Digits& a, const Digits& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int mag = a.digits.size() != b.digits.size() ? (a.digits.size() < b.digits.size() ? -1 : 1)
                                                : a.digits.compare(b.digits);
  if (mag != 0) mag = mag < 0 ? -1 : 1;
  return a.negative ? -mag : mag;
}

// Exact decimal text of an integral value (an integral double prints exactly).
Digits digits_of_number(const Number& n) {
  switch (n.kind) {
    case Number::Kind::int64: return digits_of(std::to_string(n.i));
    case Number::Kind::uint64: return digits_of(std::to_string(n.u));
    case Number::Kind::big: return digits_of(n.big);
    case Number::Kind::float64: {
      char buf[400];
      std::snprintf(buf, sizeof buf, "%.0f", n.d);
      return digits_of(buf);
    }
  }
  return {};
}

}  // namespace

Number Number::of(const nlohmann::json& j) {
  if (j.is_number_unsigned()) return of(j.get<std::uint64_t>());
  if (j.is_number_integer()) return of(j.get<std::int64_t>());
  return of(j.get<double>());
}

bool Number::is_integer(bool float_may_be_integer) const {
  if (kind != Kind::float64) return true;
  return float_may_be_integer && std::isfinite(d) && d == std::trunc(d);
}

bool Number::fits_int64() const {
  switch (kind) {
    case Kind::int64: return true;
    case Kind::uint64: return u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    case Kind::big: return false;
    case Kind::float64: return d >= -9223372036854775808.0 && d < 9223372036854775808.0;
  }
  return false;
}

std::string Number::str() const {
  switch (kind) {
    case Kind::int64: return std::to_string(i);
    case Kind::uint64: return std::to_string(u);
    case Kind::big: return std::string(big);
    case Kind::float64: return nlohmann::json(d).dump();
  }
  return "";
}

int compare(const Number& a, const Number& b) {
  using K = Number::Kind;
  if (a.kind == K::big || b.kind == K::big) {
    // Infinity is beyond every integer, however big.
    if (a.kind == K::float64 && std::isinf(a.d)) return a.d > 0 ? 1 : -1;
    if (b.kind == K::float64 && std::isinf(b.d)) return b.d > 0 ? -1 : 1;
    // A float that is not integral is never equal to a big integer, and the
    // big integer is far from any fraction, so comparing trunc() is exact.
    Number fa = a, fb = b;
    if (fa.kind == K::float64) fa.d = std::trunc(fa.d);
    if (fb.kind == K::float64) fb.d = std::trunc(fb.d);
    return compare_digits(digits_of_number(fa), digits_of_number(fb));
  }
  if (a.kind == K::float64 && b.kind == K::float64) return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
  if (a.kind == K::float64) return -compare(b, a);
  // a is an integer from here on.
  if (b.kind == K::float64)
    return a.kind == K::int64 ? compare_int_double(a.i, b.d) : compare_uint_double(a.u, b.d);
  if (a.kind == K::int64 && b.kind == K::int64) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  if (a.kind == K::uint64 && b.kind == K::uint64) return a.u < b.u ? -1 : a.u > b.u ? 1 : 0;
  if (a.kind == K::int64) return a.i < 0 ? -1 : compare(Number::of(static_cast<std::uint64_t>(a.i)), b);
  return -compare(b, a);
}

}  // namespace bt::contract
