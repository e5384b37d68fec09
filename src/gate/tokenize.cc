#include "gate/tokenize.h"

#include <re2/re2.h>

#include <cctype>

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
      } else {
        if (c == '\'') { quoted(i, c, false, false, '\0'); continue; }
        // Bash double quotes hold paths and commands far more often than
        // data, so their contents stay visible to the rules.
      }
      ++i;
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

  const std::string& s_;
  Runtime rt_;
  std::string code_, text_;
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
