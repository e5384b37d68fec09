// Unicode clean-up for user text before any check: control and invisible
// characters are removed (and counted), the rest is NFKC-normalised with ICU,
// and a folded form (case-folded, accents and common homoglyphs mapped to
// ASCII) is what the risk patterns see, so "ＩＧＮＯＲＥ" or Cyrillic "іgnоrе"
// cannot slip past an English regex.
#pragma once

#include <string>

#include "util/result.h"

namespace bt::gate {

struct CleanText {
  std::string text;        // NFKC, controls/invisibles removed: what the LLM gets
  std::string folded;      // case-folded, accents stripped, homoglyphs → Latin
  int controls = 0;        // C0/C1 controls removed (tab/newline/CR kept)
  int invisibles = 0;      // zero-width / default-ignorable characters removed
  int bidi = 0;            // bidi overrides/isolates removed
  int homoglyphs = 0;      // non-Latin look-alikes mapped to Latin in `folded`
  int mixed_script_words = 0;  // words mixing Latin with Cyrillic/Greek letters
  bool changed_by_nfkc = false;
};

// Errors (input) only for text that is not valid UTF-8.
Result<CleanText> clean_text(const std::string& utf8);

// Leetspeak variant of ASCII-folded text (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s).
std::string unleet(const std::string& folded);

// Only letters and digits: "i g n o r e" and "i.g.n.o.r.e" become "ignore".
std::string compact(const std::string& folded);

}  // namespace bt::gate
