// Pulling code out of a model's answer. Models wrap code in prose, think out
// loud, show example output in ```json blocks and sometimes forget the fence
// or get cut off before closing it. This file decides, conservatively, which
// text is the tool; when it cannot, `why` is a sentence sent back to the model.
#include "llm/extract.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace bt::llm {
namespace {

constexpr std::string_view kAsk = "answer with exactly one fenced ```nu block containing the whole tool";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t find_nocase(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (from > hay.size()) return std::string_view::npos;
  auto it = std::search(hay.begin() + static_cast<std::ptrdiff_t>(from), hay.end(), needle.begin(),
                        needle.end(), [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it == hay.end() ? std::string_view::npos : static_cast<std::size_t>(it - hay.begin());
}

std::string normalise_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r') out += s[i];
    else if (i + 1 >= s.size() || s[i + 1] != '\n') out += '\n';  // lone CR; CRLF drops the CR
  }
  return out;
}

// Removes reasoning. Returns true when a <think> was never closed: the answer
// was cut off while the model was still thinking, which the `why` should say.
bool strip_think(std::string& s) {
  constexpr std::string_view open_tag = "<think>", close_tag = "</think>";
  // Chat templates that open <think> in the prompt leave the answer starting
  // inside it: everything before the first lone </think> is reasoning.
  const auto first_close = find_nocase(s, close_tag);
  if (first_close != std::string::npos && first_close < find_nocase(s, open_tag))
    s.erase(0, first_close + close_tag.size());
  for (;;) {
    const auto open = find_nocase(s, open_tag);
    if (open == std::string::npos) return false;
    const auto close = find_nocase(s, close_tag, open + open_tag.size());
    if (close == std::string::npos) {
      s.erase(open);  // never closed: the rest is unfinished thought, not an answer
      return true;
    }
    s.erase(open, close + close_tag.size() - open);
  }
}

struct Fence {
  char ch = '`';
  std::size_t len = 0, indent = 0;
  std::string lang;  // first word of the info string, lower-case
};

// CommonMark-style opening fence: up to 3 spaces, 3+ backticks or tildes, an
// optional info string (which for backtick fences may not contain backticks).
std::optional<Fence> opening_fence(std::string_view line) {
  Fence f;
  while (f.indent < line.size() && line[f.indent] == ' ') ++f.indent;
  if (f.indent > 3 || f.indent >= line.size()) return std::nullopt;
  f.ch = line[f.indent];
  if (f.ch != '`' && f.ch != '~') return std::nullopt;
  std::size_t end = f.indent;
  while (end < line.size() && line[end] == f.ch) ++end;
  f.len = end - f.indent;
  if (f.len < 3) return std::nullopt;
  const std::string_view info = trim(line.substr(end));
  if (f.ch == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
  // "nu", "{.nu}", "nu title=tool.nu", "nu:tool.nu" all mean nu.
  const auto start = info.find_first_not_of("{. ");
  if (start != std::string_view::npos) {
    const std::string_view rest = info.substr(start);
    f.lang = lower(rest.substr(0, rest.find_first_of(" \t,:;{}")));
  }
  return f;
}

bool closes(std::string_view line, const Fence& f) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i > 3) return false;
  std::size_t run = 0;
  while (i < line.size() && line[i] == f.ch) ++i, ++run;
  return run >= f.len && trim(line.substr(i)).empty();
}

struct Block {
  std::string lang;
  std::string code;
};

std::vector<Block> fenced_blocks(std::string_view text) {
  std::vector<Block> blocks;
  std::optional<Fence> open;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!open) {
      if ((open = opening_fence(line))) blocks.push_back({open->lang, {}});
      continue;
    }
    if (closes(line, *open)) {
      open.reset();
      continue;
    }
    // Content lines lose as much indentation as the opening fence had.
    std::size_t strip = 0;
    while (strip < open->indent && strip < line.size() && line[strip] == ' ') ++strip;
    blocks.back().code.append(line.substr(strip)).append("\n");
  }
  return blocks;  // an unclosed last block simply runs to the end of the text
}

bool is_nu_tag(const std::string& lang) { return lang == "nu" || lang == "nushell" || lang == "nuon"; }

bool starts_word(std::string_view s, std::string_view word) {
  return s.starts_with(word) && (s.size() == word.size() || is_space(s[word.size()]));
}

// A line like `def main [] {`, `export def --env main [...]`, `def "main" []`.
bool has_def_main(std::string_view code) {
  while (!code.empty()) {
    const auto nl = code.find('\n');
    std::string_view line = trim(code.substr(0, nl));
    code = nl == std::string_view::npos ? std::string_view{} : code.substr(nl + 1);
    if (starts_word(line, "export")) line = trim(line.substr(6));
    if (!starts_word(line, "def")) continue;
    line = trim(line.substr(3));
    while (line.starts_with("--")) {  // flags such as --env, --wrapped
      const auto sp = line.find_first_of(" \t");
      line = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp));
    }
    for (std::string_view name : {"main", "\"main\"", "'main'"})
      if (line.starts_with(name) && (line.size() == name.size() || is_space(line[name.size()]) ||
                                     line[name.size()] == '['))
        return true;
  }
  return false;
}

// Without fences, take the answer only if it plainly is Nushell code.
bool looks_like_nu(std::string_view text) {
  const std::string_view first = trim(text.substr(0, text.find('\n')));
  // Not "let"/"use": prose starts with "let me..." far more often than code does.
  if (starts_word(first, "def") || starts_word(first, "export") || first.starts_with("#!")) return true;
  if (first.starts_with("#") && has_def_main(text)) return true;  // a comment header, then the tool
  return text.find("| to json") != std::string_view::npos || text.find("from json") != std::string_view::npos;
}

// Trailing blanks go, leading blank lines go, exactly one final newline.
std::string tidy(std::string_view code) {
  while (!code.empty() && is_space(code.back())) code.remove_suffix(1);
  for (auto nl = code.find('\n'); nl != std::string_view::npos && trim(code.substr(0, nl)).empty();
       nl = code.find('\n'))
    code.remove_prefix(nl + 1);
  return std::string(code) + "\n";
}

Extraction not_found(std::string why) { return {false, {}, std::move(why)}; }

}  // namespace

Extraction extract_code(std::string_view answer) {
  std::string text = normalise_newlines(answer);
  const bool cut_in_think = strip_think(text);
  const auto blocks = fenced_blocks(text);

  // Rank: looks like the whole tool, then tagged nu over untagged, then
  // longer, then later (a model's last version is usually its corrected one).
  const Block* best = nullptr;
  std::tuple<bool, bool, std::size_t> best_key{};
  bool saw_empty = false;
  std::vector<std::string> other_langs;
  for (const auto& b : blocks) {
    if (!b.lang.empty() && !is_nu_tag(b.lang)) {
      if (std::find(other_langs.begin(), other_langs.end(), b.lang) == other_langs.end())
        other_langs.push_back(b.lang);
      continue;
    }
    if (trim(b.code).empty()) {
      saw_empty = true;
      continue;
    }
    const std::tuple key{has_def_main(b.code), is_nu_tag(b.lang), trim(b.code).size()};
    if (!best || key >= best_key) best = &b, best_key = key;
  }
  if (best) return {true, tidy(best->code), {}};

  if (saw_empty) return not_found("the code block is empty: " + std::string(kAsk));
  if (!other_langs.empty()) {
    std::string tags;
    for (const auto& l : other_langs) tags += (tags.empty() ? "```" : ", ```") + l;
    return not_found("no Nushell code block found: the answer only has " + tags +
                     " block(s), which are not taken as the tool; " + std::string(kAsk));
  }
  const std::string_view plain = trim(text);
  if (!plain.empty() && looks_like_nu(plain)) return {true, tidy(plain), {}};
  if (cut_in_think)
    return not_found("no code block found: the answer ended inside an unclosed <think> section; " +
                     std::string(kAsk));
  return not_found("no code block found: " + std::string(kAsk));
}

}  // namespace bt::llm
