// Per-runtime lexing for the code gate. Rules match the "code" view, where
// comments are blanked and string contents masked, so data such as
// `let s = "rm -rf /"` cannot trigger a rule meant for a call; rules that
// inspect the arguments of a dangerous call read the "text" view, where
// strings are intact. Both views keep every byte offset of the source.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace bt::gate {

enum class Runtime { nu, python3, bash };

std::optional<Runtime> runtime_from_name(const std::string& name);  // nu, python3, bash
std::string to_string(Runtime r);
// By extension (.nu, .py, .sh/.bash), else by shebang, else nu.
Runtime guess_runtime(const std::string& filename, const std::string& source);

struct Views {
  std::string code;  // comments → spaces, string contents and bash heredoc bodies → '_' (newlines kept)
  std::string text;  // comments → spaces, strings intact
  // Variables assigned only string literals (joined when concatenated with +/++),
  // so `let p = "/et" + "c/x"; save $p` is seen as `save /etc/x`.
  std::map<std::string, std::string> literals;
};

Views lex(const std::string& source, Runtime rt);

}  // namespace bt::gate
