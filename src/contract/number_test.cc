// Exact comparison of JSON numbers: int64, uint64, double and integer
// literals beyond 64 bits, as Python (upstream) compares them.
#include "contract/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace bt::contract {
namespace {

using nlohmann::json;

Number big(std::string_view literal) {
  Number n;
  n.kind = Number::Kind::big;
  n.big = literal;
  return n;
}

int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

// compare() must be antisymmetric: checking both orders catches a branch
// that handles only one of them.
void expect_order(const Number& a, const Number& b, int want) {
  EXPECT_EQ(sign(compare(a, b)), want) << a.str() << " vs " << b.str();
  EXPECT_EQ(sign(compare(b, a)), -want) << b.str() << " vs " << a.str();
}

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kUMax = std::numeric_limits<std::uint64_t>::max();

TEST(NumberCompare, IntegerAgainstDoubleBeyondTwoTo53IsExact) {
  // 2^53 + 1 is not a double; converting it would call the two equal.
  expect_order(Number::of(std::int64_t{9007199254740993}), Number::of(9007199254740992.0), 1);
  expect_order(Number::of(std::int64_t{9007199254740992}), Number::of(9007199254740992.0), 0);
  expect_order(Number::of(std::int64_t{9007199254740991}), Number::of(9007199254740992.0), -1);
  expect_order(Number::of(std::uint64_t{9007199254740993}), Number::of(9007199254740992.0), 1);
  expect_order(Number::of(std::int64_t{-9007199254740993}), Number::of(-9007199254740992.0), -1);
}

TEST(NumberCompare, IntegerAgainstFraction) {
  expect_order(Number::of(std::int64_t{1}), Number::of(1.5), -1);
  expect_order(Number::of(std::int64_t{2}), Number::of(1.5), 1);
  expect_order(Number::of(std::int64_t{-1}), Number::of(-1.5), 1);
  expect_order(Number::of(std::int64_t{-2}), Number::of(-1.5), -1);
  expect_order(Number::of(std::int64_t{0}), Number::of(-0.5), 1);
  expect_order(Number::of(std::int64_t{0}), Number::of(0.5), -1);
  expect_order(Number::of(std::uint64_t{0}), Number::of(0.5), -1);
  expect_order(Number::of(std::uint64_t{1}), Number::of(0.999), 1);
}

TEST(NumberCompare, NegativeZero) {
  expect_order(Number::of(-0.0), Number::of(0.0), 0);
  expect_order(Number::of(std::int64_t{0}), Number::of(-0.0), 0);
  expect_order(Number::of(std::uint64_t{0}), Number::of(-0.0), 0);
  expect_order(Number::of(std::int64_t{-1}), Number::of(-0.0), -1);
  expect_order(Number::of(std::uint64_t{1}), Number::of(-0.0), 1);
  EXPECT_TRUE(Number::of(-0.0).is_integer(true));
  EXPECT_FALSE(Number::of(-0.0).is_integer(false));
}

TEST(NumberCompare, TwoTo63) {
  const Number two63u = Number::of(std::uint64_t{9223372036854775808u});
  const Number two63d = Number::of(9223372036854775808.0);
  expect_order(two63u, two63d, 0);
  expect_order(Number::of(kMax), two63d, -1);  // 2^63-1 < 2^63 although (double)(2^63-1) == 2^63
  expect_order(Number::of(kMax), two63u, -1);
  expect_order(Number::of(kMin), Number::of(-9223372036854775808.0), 0);
  expect_order(Number::of(kMin), Number::of(-9223372036854777856.0),
               1);  // the next double below -2^63
  expect_order(Number::of(kMin + 1), Number::of(-9223372036854775808.0), 1);
  expect_order(Number::of(std::uint64_t{9223372036854775809u}), two63d, 1);
}

TEST(NumberCompare, TwoTo64) {
  const Number two64d = Number::of(18446744073709551616.0);
  expect_order(Number::of(kUMax), two64d, -1);
  expect_order(big("18446744073709551616"), two64d, 0);
  expect_order(big("18446744073709551617"), two64d, 1);
  expect_order(big("18446744073709551616"), Number::of(kUMax), 1);
  expect_order(Number::of(kUMax), Number::of(std::int64_t{-1}), 1);
  expect_order(Number::of(std::uint64_t{5}), Number::of(std::int64_t{5}), 0);
  expect_order(Number::of(std::uint64_t{5}), Number::of(std::int64_t{6}), -1);
}

TEST(NumberCompare, BigLiterals) {
  expect_order(big("-123456789012345678901234"), Number::of(kMin), -1);
  expect_order(big("-123456789012345678901234"), Number::of(std::uint64_t{0}), -1);
  expect_order(big("-123456789012345678901234"), big("-123456789012345678901235"), 1);
  expect_order(big("-123456789012345678901234"), big("-123456789012345678901234"), 0);
  expect_order(big("123456789012345678901234"), big("-123456789012345678901234"), 1);
  expect_order(big("99999999999999999999"), big("100000000000000000000"), -1);
  // (double)-123456789012345678901234 is -123456789012345685803008: more negative.
  expect_order(big("-123456789012345678901234"), Number::of(-1.2345678901234568e23), 1);
  expect_order(big("-123456789012345685803008"), Number::of(-1.2345678901234568e23), 0);
  // A fraction next to a big integer: -2^64 - 0.5 is not a double, but a big
  // integer against a small fraction must still order correctly.
  expect_order(big("-18446744073709551617"), Number::of(-0.5), -1);
  expect_order(big("18446744073709551617"), Number::of(0.5), 1);
}

TEST(NumberCompare, HugeDoubles) {
  expect_order(Number::of(1e300), big("123456789012345678901234567890"), 1);
  expect_order(Number::of(-1e300), big("-123456789012345678901234567890"), -1);
  expect_order(Number::of(1e300), Number::of(kUMax), 1);
  expect_order(Number::of(-1e300), Number::of(kMin), -1);
  expect_order(Number::of(1e300), Number::of(kMax), 1);
  const std::string digits301 = "1" + std::string(301, '0');  // 10^301 > 1e300
  expect_order(big(digits301), Number::of(1e300), 1);
  expect_order(Number::of(1e300), Number::of(1e299), 1);
  expect_order(Number::of(1.7976931348623157e308), big("1" + std::string(60, '0')), 1);
}

TEST(NumberCompare, Infinity) {
  // JSON has no infinity, but a YAML bound can (`maximum: .inf`).
  const double inf = std::numeric_limits<double>::infinity();
  expect_order(Number::of(inf), Number::of(kMax), 1);
  expect_order(Number::of(inf), Number::of(kUMax), 1);
  expect_order(Number::of(-inf), Number::of(kMin), -1);
}

TEST(NumberCompare, SameKinds) {
  expect_order(Number::of(std::int64_t{-3}), Number::of(std::int64_t{-3}), 0);
  expect_order(Number::of(kMin), Number::of(kMax), -1);
  expect_order(Number::of(std::uint64_t{0}), Number::of(kUMax), -1);
  expect_order(Number::of(0.1 + 0.2), Number::of(0.3), 1);  // doubles as doubles
}

TEST(NumberIsInteger, ByKind) {
  EXPECT_TRUE(Number::of(std::int64_t{3}).is_integer(false));
  EXPECT_TRUE(Number::of(kUMax).is_integer(false));
  EXPECT_TRUE(big("123456789012345678901234").is_integer(false));
  EXPECT_FALSE(Number::of(1.0).is_integer(false)) << "strict: 1.0 is not an integer";
  EXPECT_TRUE(Number::of(1.0).is_integer(true)) << "draft-06+: 1.0 is an integer";
  EXPECT_TRUE(Number::of(1e300).is_integer(true));
  EXPECT_FALSE(Number::of(1.5).is_integer(true));
  EXPECT_FALSE(Number::of(std::numeric_limits<double>::infinity()).is_integer(true));
  EXPECT_FALSE(Number::of(std::nan("")).is_integer(true));
}

TEST(NumberFitsInt64, Boundaries) {
  EXPECT_TRUE(Number::of(kMin).fits_int64());
  EXPECT_TRUE(Number::of(kMax).fits_int64());
  EXPECT_TRUE(Number::of(std::uint64_t{9223372036854775807u}).fits_int64());
  EXPECT_FALSE(Number::of(std::uint64_t{9223372036854775808u}).fits_int64());
  EXPECT_FALSE(Number::of(kUMax).fits_int64());
  EXPECT_FALSE(big("-9223372036854775809").fits_int64());
  EXPECT_FALSE(big("18446744073709551616").fits_int64());
  EXPECT_TRUE(Number::of(-9223372036854775808.0).fits_int64());
  EXPECT_FALSE(Number::of(9223372036854775808.0).fits_int64());
  EXPECT_TRUE(Number::of(9223372036854774784.0).fits_int64());  // largest double below 2^63
  EXPECT_FALSE(Number::of(-9223372036854777856.0).fits_int64());
  EXPECT_FALSE(Number::of(1e300).fits_int64());
}

TEST(NumberOf, FromJson) {
  const Number u = Number::of(json(kUMax));
  EXPECT_EQ(u.kind, Number::Kind::uint64);
  EXPECT_EQ(u.u, kUMax);
  const Number i = Number::of(json(-5));
  EXPECT_EQ(i.kind, Number::Kind::int64);
  EXPECT_EQ(i.i, -5);
  const Number d = Number::of(json(1.5));
  EXPECT_EQ(d.kind, Number::Kind::float64);
  EXPECT_EQ(d.d, 1.5);
  // A positive integer parsed by nlohmann is unsigned; it must still compare exactly.
  expect_order(Number::of(json::parse("9007199254740993")),
               Number::of(json::parse("9007199254740992.0")), 1);
}

TEST(NumberStr, Text) {
  EXPECT_EQ(Number::of(std::int64_t{-7}).str(), "-7");
  EXPECT_EQ(Number::of(kUMax).str(), "18446744073709551615");
  EXPECT_EQ(big("-123456789012345678901234").str(), "-123456789012345678901234");
  EXPECT_EQ(Number::of(1.0).str(), "1.0");
  EXPECT_EQ(Number::of(0.5).str(), "0.5");
}

}  // namespace
}  // namespace bt::contract
