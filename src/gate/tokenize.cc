#include "gate/tokenize.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

namespace bt::gate {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One pass over the source; `code_` and `text_` start as copies and get
// blanked or masked in place, so offsets never move.
class Lexer {
 public:
  Lexer(const std::string& src, Runtime rt) : s_(src), rt_(rt), code_(src), text_(src) {}

  Views run() {
    size_t i = 0;
    code(i, '\0');
    return {std::move(code_), std::move(text_), {}};
  }

 private:
  void blank(size_t from, size_t to) {  // a comment: gone from both views
    for (size_t k = from; k < to && k < s_.size(); ++k)
      if (s_[k] != '\n') code_[k] = text_[k] = ' ';
  }
  void mask(size_t k) {
    if (s_[k] != '\n') code_[k] = '_';
  }
  char at(size_t k) const { return k < s_.size() ? s_[k] : '\0'; }

  bool comment_start(size_t i) const {
    if (s_[i] != '#') return false;
    if (rt_ == Runtime::python3) return true;
    // nu and bash: only at the start of a word (`a#b` is a word).
    return i == 0 || space(s_[i - 1]) || s_[i - 1] == ';' || s_[i - 1] == '(';
  }

  // Lexes code until `close` (at depth 0) or the end; i ends after `close`.
  void code(size_t& i, char close) {
    int depth = 0;
    while (i < s_.size()) {
      const char c = s_[i];
      if (close && depth == 0 && c == close) { ++i; return; }
      if (c == '(' || c == '{' || c == '[') ++depth;
      if ((c == ')' || c == '}' || c == ']') && depth > 0) --depth;
      if (comment_start(i)) {
        size_t e = s_.find('\n', i);
        if (e == std::string::npos) e = s_.size();
        blank(i, e);
        i = e;
        continue;
      }
      if (rt_ == Runtime::nu) {
        if (c == 'r' && at(i + 1) == '#' && (i == 0 || !std::isalnum(static_cast<unsigned char>(s_[i - 1])))) {
          size_t h = i + 1;
          while (at(h) == '#') ++h;
          if (at(h) == '\'') { raw_nu(i, h - i - 1); continue; }
        }
        if (c == '"' || c == '\'') { quoted(i, c, i > 0 && s_[i - 1] == '$', c == '"', '('); continue; }
        if (c == '`') { quoted(i, c, false, false, '\0'); continue; }
      } else if (rt_ == Runtime::python3) {
        if (c == '"' || c == '\'') { python_string(i); continue; }
      } else if (bash_token(i)) {
        continue;
      }
      ++i;
    }
  }

  // Bash: '...' is masked, $'...' too (with its \-escapes); \x is one literal
  // character. "..." holds paths and commands far more often than data, so
  // its contents stay visible to the rules, but a #, quote or << inside it
  // starts nothing. Returns whether s_[i] was consumed.
  bool bash_token(size_t& i) {
    const char c = s_[i];
    if (c == '\\') { i += 2; return true; }
    if (c == '\'') { quoted(i, c, false, i > 0 && s_[i - 1] == '$', '\0'); return true; }
    if (c == '"') { bash_dquoted(i, '"'); return true; }
    if (c == '(' && at(i + 1) == '(') ++arith_;  // (( )) and $(( )): << is a shift
    if (c == ')' && at(i + 1) == ')' && arith_ > 0) --arith_;
    if (c == '<' && at(i + 1) == '<' && arith_ == 0) return heredoc_start(i);
    if (c == '\n' && !heredocs_.empty()) { heredoc_bodies(i); return true; }
    return false;
  }

  // From the opening '"' (or the '{' of a ${...} inside one) to its end.
  void bash_dquoted(size_t& i, char end) {
    ++i;
    int braces = 0;
    while (i < s_.size()) {
      const char c = s_[i];
      if (c == end && braces == 0) { ++i; return; }
      if (c == '\\') { i += 2; continue; }
      if (c == '$' && at(i + 1) == '(') {  // code, up to its ')'
        const int saved = arith_;
        arith_ += at(i + 2) == '(';
        i += 2;
        code(i, ')');
        arith_ = saved;
        continue;
      }
      if (c == '$' && at(i + 1) == '{') { ++i; bash_dquoted(i, '}'); continue; }
      if (end == '}' && c == '"') { bash_dquoted(i, '"'); continue; }
      if (end == '}') braces += (c == '{') - (c == '}');
      ++i;
    }
  }

  // `<<WORD`, `<<-WORD` (tabs stripped), `<<'WORD'`, `<<"W"ORD`, `<<\WORD`: the
  // body starts on the next line. `<<<` is a here-string.
  bool heredoc_start(size_t& i) {
    if (at(i + 2) == '<') { i += 3; return true; }
    size_t k = i + 2;
    const bool dash = at(k) == '-';
    if (dash) ++k;
    while (at(k) == ' ' || at(k) == '\t') ++k;
    Heredoc d{"", false, dash};
    while (k < s_.size() && !std::strchr(" \t\n;&|()<>", s_[k])) {  // bash's word, quotes removed
      const char c = s_[k];
      if (c == '\'' || c == '"') {
        const size_t e = s_.find(c, k + 1);
        if (e == std::string::npos) return false;
        d.word += s_.substr(k + 1, e - k - 1);
        d.quoted = true;
        k = e + 1;
      } else if (c == '\\') {
        d.word += at(k + 1);
        d.quoted = true;
        k += 2;
      } else {
        d.word += c;
        ++k;
      }
    }
    if (d.word.empty()) return false;
    heredocs_.push_back(std::move(d));
    i = k;
    return true;
  }

  // At the newline of a line that opened heredocs: each body up to its
  // delimiter line is data (masked), except $(...) and `...` when the
  // delimiter is unquoted. A body without a delimiter line stays code.
  void heredoc_bodies(size_t& i) {
    const std::vector<Heredoc> docs = std::move(heredocs_);
    heredocs_.clear();
    size_t body = i + 1;
    for (const auto& d : docs) {
      size_t end = std::string::npos, next = 0;
      for (size_t ls = body; ls < s_.size() && end == std::string::npos;) {
        size_t le = s_.find('\n', ls);
        if (le == std::string::npos) le = s_.size();
        size_t b = ls;
        while (d.dash && b < le && s_[b] == '\t') ++b;
        if (s_.compare(b, le - b, d.word) == 0) end = ls, next = le;
        ls = le + 1;
      }
      if (end == std::string::npos) break;
      size_t k = body;
      while (k < end) {
        if (!d.quoted && s_[k] == '$' && at(k + 1) == '(') {
          mask(k);  // the command inside is code; its output is data
          k += 2;
          code(k, ')');
        } else if (!d.quoted && s_[k] == '`') {
          const size_t e = s_.find('`', k + 1);
          k = e == std::string::npos ? s_.size() : e + 1;
        } else {
          mask(k++);
        }
      }
      i = std::max(k, next);
      body = i + 1;
    }
  }

  // A quoted string starting at s_[i] == q. With `interp`, `open` starts code
  // (nu's $"...(expr)...", python f"{expr}").
  void quoted(size_t& i, char q, bool interp, bool escapes, char open) {
    ++i;
    while (i < s_.size() && s_[i] != q) {
      if (escapes && s_[i] == '\\' && i + 1 < s_.size()) {
        mask(i); mask(i + 1);
        i += 2;
        continue;
      }
      if (interp && s_[i] == open) {
        if (open == '{' && at(i + 1) == '{') { mask(i); mask(i + 1); i += 2; continue; }
        ++i;
        code(i, open == '(' ? ')' : '}');
        continue;
      }
      mask(i);
      ++i;
    }
    if (i < s_.size()) ++i;  // closing quote
  }

  void raw_nu(size_t& i, size_t hashes) {
    const std::string end = "'" + std::string(hashes, '#');
    const size_t body = i + 2 + hashes;
    size_t e = s_.find(end, body);
    if (e == std::string::npos) e = s_.size();
    for (size_t k = body; k < e; ++k) mask(k);
    i = std::min(s_.size(), e + end.size());
  }

  void python_string(size_t& i) {
    // The prefix letters (r, b, f, u) were already passed over as code.
    size_t p = i;
    bool raw = false, f = false;
    while (p > 0 && std::isalpha(static_cast<unsigned char>(s_[p - 1])) && i - p < 2) {
      --p;
      const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[p])));
      raw |= l == 'r';
      f |= l == 'f';
    }
    const char q = s_[i];
    if (at(i + 1) == q && at(i + 2) == q) {  // triple-quoted
      const std::string end(3, q);
      size_t e = s_.find(end, i + 3);
      if (e == std::string::npos) e = s_.size();
      for (size_t k = i + 3; k < e; ++k) mask(k);
      i = std::min(s_.size(), e + 3);
      return;
    }
    quoted(i, q, f, !raw, '{');
  }

  struct Heredoc {
    std::string word;
    bool quoted, dash;
  };

  const std::string& s_;
  Runtime rt_;
  std::string code_, text_;
  int arith_ = 0;                  // bash: open (( ))
  std::vector<Heredoc> heredocs_;  // bash: opened on this line, bodies follow
};

// `let x = "a" + "b"` (nu), `x = "a" + "b"` (python), `x="a"` (bash).
void collect_literals(const std::string& text, Runtime rt, Views& v) {
  static const RE2 nu_let(R"((?m)^\s*(?:let|mut|const)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*(.+)$)");
  static const RE2 py_let(R"((?m)^\s*(\w+)\s*=\s*(.+)$)");
  static const RE2 sh_let(R"((?m)^\s*(?:export\s+|local\s+)?(\w+)=(.+)$)");
  static const RE2 part(R"re(\s*(?:[rbfRBF]?"([^"\n]*)"|[rbfRBF]?'([^'\n]*)'|`([^`\n]*)`)\s*(?:\+\+|\+)?)re");
  const RE2& let = rt == Runtime::nu ? nu_let : rt == Runtime::python3 ? py_let : sh_let;
  re2::StringPiece in(text);
  std::string name, rhs;
  while (RE2::FindAndConsume(&in, let, &name, &rhs)) {
    re2::StringPiece r(rhs);
    std::string joined, a, b, c;
    bool any = false;
    while (RE2::Consume(&r, part, &a, &b, &c)) {
      joined += a + b + c;
      any = true;
      a.clear(); b.clear(); c.clear();
    }
    while (!r.empty() && std::isspace(static_cast<unsigned char>(r[0]))) r.remove_prefix(1);
    if (rt == Runtime::bash && !any && !rhs.empty() && rhs.find_first_of(" ;|&$`") == std::string::npos) {
      joined = rhs;  // x=/etc/passwd
      any = true;
      r = {};
    }
    if (any && (r.empty() || r[0] == ';' || r[0] == '#')) v.literals[name] = joined;
  }
}

}  // namespace

std::optional<Runtime> runtime_from_name(const std::string& name) {
  if (name == "nu" || name == "nushell") return Runtime::nu;
  if (name == "python3" || name == "python" || name == "py") return Runtime::python3;
  if (name == "bash" || name == "sh") return Runtime::bash;
  return std::nullopt;
}

std::string to_string(Runtime r) {
  switch (r) {
    case Runtime::nu: return "nu";
    case Runtime::python3: return "python3";
    case Runtime::bash: return "bash";
  }
  return "nu";
}

Runtime guess_runtime(const std::string& filename, const std::string& source) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return filename.size() >= e.size() && filename.compare(filename.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".py")) return Runtime::python3;
  if (ends(".sh") || ends(".bash")) return Runtime::bash;
  if (ends(".nu")) return Runtime::nu;
  const std::string first = source.substr(0, source.find('\n'));
  if (first.rfind("#!", 0) == 0) {
    if (first.find("python") != std::string::npos) return Runtime::python3;
    if (first.find("sh") != std::string::npos && first.find("nu") == std::string::npos)
      return Runtime::bash;
  }
  return Runtime::nu;
}

Views lex(const std::string& source, Runtime rt) {
  Views v = Lexer(source, rt).run();
  collect_literals(v.text, rt, v);
  return v;
}

}  // namespace bt::gate
