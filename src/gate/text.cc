#include "gate/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <unordered_map>

namespace bt::gate {
namespace {

// Look-alikes that NFKC keeps distinct. A limited table (Cyrillic and Greek
// letters seen in prompt-injection obfuscation), not the full confusables
// list: ICU's skeletons also map "rn"→"m", which would break word patterns.
const std::unordered_map<UChar32, char>& homoglyphs() {
  static const std::unordered_map<UChar32, char> m = {
      {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'},
      {0x0443, 'y'}, {0x0445, 'x'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x0455, 's'},
      {0x0501, 'd'}, {0x051B, 'q'}, {0x051D, 'w'}, {0x04BB, 'h'}, {0x0432, 'b'},
      {0x043A, 'k'}, {0x043C, 'm'}, {0x043D, 'h'}, {0x0442, 't'}, {0x0491, 'r'},
      {0x03BF, 'o'}, {0x03B1, 'a'}, {0x03B5, 'e'}, {0x03B9, 'i'}, {0x03BA, 'k'},
      {0x03BD, 'v'}, {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
      {0x0261, 'g'}, {0x0131, 'i'}, {0x1D00, 'a'}, {0x0251, 'a'}, {0x01C0, 'l'},
  };
  return m;
}

bool is_bidi_control(UChar32 c) { return u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL); }

bool is_invisible(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || c == 0x2028 ||
         c == 0x2029 || c == 0x180E;
}

bool is_control(UChar32 c) {
  if (c == '\n' || c == '\t' || c == '\r') return false;
  return u_charType(c) == U_CONTROL_CHAR;
}

}  // namespace

Result<CleanText> clean_text(const std::string& utf8) {
  CleanText out;
  // Pass 1: validate and drop what the user cannot see.
  icu::UnicodeString kept;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  int32_t i = 0;
  const auto n = static_cast<int32_t>(utf8.size());
  while (i < n) {
    UChar32 c;
    const int32_t at = i;
    U8_NEXT(s, i, n, c);
    if (c < 0) return input_error("the text is not valid UTF-8 (byte " + std::to_string(at) + ")");
    if (is_bidi_control(c)) { ++out.bidi; continue; }
    if (is_control(c)) { ++out.controls; continue; }
    if (is_invisible(c)) { ++out.invisibles; continue; }
    kept.append(c);
  }

  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  if (U_FAILURE(err)) return internal_error("ICU normalizer unavailable");
  icu::UnicodeString norm = nfkc->normalize(kept, err);
  if (U_FAILURE(err)) return internal_error("ICU NFKC failed");
  out.changed_by_nfkc = norm != kept;
  // A word mixing Latin with Cyrillic/Greek letters is a homoglyph trick; a
  // whole word in Russian or Greek is just another language.
  bool latin = false, other = false;
  for (int32_t k = 0; k <= norm.length();) {
    const UChar32 c = k < norm.length() ? norm.char32At(k) : ' ';
    k += k < norm.length() ? U16_LENGTH(c) : 1;
    if (!u_isalpha(c)) {
      if (latin && other) ++out.mixed_script_words;
      latin = other = false;
      continue;
    }
    UErrorCode se = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(c, &se);
    latin |= sc == USCRIPT_LATIN;
    other |= sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK;
  }
  norm.toUTF8String(out.text);

  // Folded form: case fold, decompose, drop combining marks, map look-alikes.
  icu::UnicodeString folded = norm;
  folded.foldCase();
  icu::UnicodeString decomposed = nfd->normalize(folded, err);
  if (U_FAILURE(err)) return internal_error("ICU NFD failed");
  icu::UnicodeString ascii;
  for (int32_t k = 0; k < decomposed.length();) {
    const UChar32 c = decomposed.char32At(k);
    k += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (auto it = homoglyphs().find(c); it != homoglyphs().end()) {
      ++out.homoglyphs;
      ascii.append(static_cast<UChar32>(it->second));
      continue;
    }
    if (c == 0x00DF) { ascii.append(u"ss"); continue; }  // ß
    ascii.append(c);
  }
  ascii.toUTF8String(out.folded);
  return out;
}

std::string unleet(const std::string& folded) {
  std::string out = folded;
  for (char& c : out) {
    switch (c) {
      case '0': c = 'o'; break;
      case '1': case '!': case '|': c = 'i'; break;
      case '3': c = 'e'; break;
      case '4': case '@': c = 'a'; break;
      case '5': case '$': c = 's'; break;
      case '7': c = 't'; break;
      default: break;
    }
  }
  return out;
}

std::string compact(const std::string& folded) {
  std::string out;
  for (unsigned char c : folded)
    if (std::isalnum(c) || c >= 0x80) out.push_back(static_cast<char>(c));
  return out;
}

}  // namespace bt::gate
