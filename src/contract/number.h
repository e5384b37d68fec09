// JSON numbers compared exactly. Python (upstream) compares ints exactly and
// int against float exactly, so 9007199254740993 > 9007199254740992 must hold
// here too; converting both to double would call them equal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bt::contract {

struct Number {
  enum class Kind { int64, uint64, float64, big } kind = Kind::int64;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view big;  // an integer literal beyond 64 bits, e.g. "-123456789012345678901234"

  static Number of(std::int64_t v) { return {Kind::int64, v, 0, 0, {}}; }
  static Number of(std::uint64_t v) { return {Kind::uint64, 0, v, 0, {}}; }
  static Number of(double v) { return {Kind::float64, 0, 0, v, {}}; }
  // From a JSON number in nlohmann form (constraint values from the contract).
  static Number of(const nlohmann::json& j);

  // An integer in JSON Schema's sense: any integer literal, or a float with
  // no fractional part when `float_may_be_integer` (draft-06+; 1.0 counts).
  bool is_integer(bool float_may_be_integer) const;
  // Fits a signed 64-bit column (DuckDB BIGINT).
  bool fits_int64() const;
  std::string str() const;
};

// <0, 0, >0 as a is less than, equal to or greater than b, exactly.
int compare(const Number& a, const Number& b);

}  // namespace bt::contract
