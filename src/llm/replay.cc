// Replay provider: recorded answers from a JSONL file, one per complete().
// Parsing shares parse_chat_completion with the live provider so a response
// captured from a real endpoint replays exactly as it was first read.
#include "llm/replay.h"

#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/openai.h"
#include "util/files.h"

namespace bt::llm {
namespace {

using json = nlohmann::json;

struct Entry {
  int line = 0;            // 1-based line in the file, for messages
  Response response;
  std::string error;       // non-empty: this call fails with an infra error
};

std::string_view trim(std::string_view s) {
  const auto* ws = " \t\r\n";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

// Reads one non-comment line into an entry, or says what is wrong with it.
// Returns an empty string on success.
std::string parse_line(std::string_view text, Entry& entry) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return std::string("not valid JSON: ") + e.what();
  }
  if (!j.is_object()) return "expected a JSON object, got " + std::string(j.type_name());

  if (auto err = j.find("error"); err != j.end() && !j.contains("choices")) {
    // An error line lets engine tests see how the loop handles a failing provider.
    if (err->is_string()) entry.error = err->get<std::string>();
    else if (err->is_object() && err->contains("message") && (*err)["message"].is_string())
      entry.error = (*err)["message"].get<std::string>();
    else entry.error = err->dump();
    if (entry.error.empty()) entry.error = "(empty error)";
    return {};
  }

  std::string why;
  if (j.contains("choices")) {
    if (!parse_chat_completion(j, entry.response, why)) return why;
  } else if (j.contains("content")) {
    // The simple form is the message itself; wrap it as a chat completion so
    // content/reasoning fallbacks behave exactly as for a live answer.
    json message = j;
    message.erase("finish_reason");
    message.erase("model");
    const json wrapped = {
        {"model", j.value("model", json("replay"))},
        {"choices", json::array({{{"message", std::move(message)},
                                  {"finish_reason", j.value("finish_reason", json("stop"))}}})}};
    if (!parse_chat_completion(wrapped, entry.response, why)) return why;
  } else {
    return R"(expected a chat completion ({"choices": [...]}) or {"content": "..."} or {"error": "..."})";
  }
  if (entry.response.model.empty()) entry.response.model = "replay";
  return {};
}

class ReplayProvider final : public Provider {
 public:
  ReplayProvider(std::string path, std::vector<Entry> entries)
      : path_(std::move(path)), entries_(std::move(entries)) {}

  Result<Response> complete(const Request& /*request*/) override {
    std::lock_guard lock(mu_);
    const std::size_t index = next_++;  // counts calls past the end too, so #N names the call
    if (index >= entries_.size())
      return infra_error("replay file " + path_ + " has no answer #" + std::to_string(index + 1) +
                         " (it holds " + std::to_string(entries_.size()) + ")");
    const Entry& e = entries_[index];
    if (!e.error.empty())
      return infra_error(e.error + " (replay file " + path_ + " line " + std::to_string(e.line) + ")");
    return e.response;
  }

  std::string describe() const override { return "replay " + path_; }

 private:
  std::string path_;
  std::vector<Entry> entries_;
  std::mutex mu_;
  std::size_t next_ = 0;
};

}  // namespace

Result<std::unique_ptr<Provider>> make_replay_provider(const std::string& path) {
  if (path.empty()) return usage_error("replay provider needs a file: --llm replay:FILE");
  auto text = read_file(path);
  if (!text) return usage_error("replay file: " + text.error().message);

  std::vector<Entry> entries;
  std::string_view rest = *text;
  for (int line_no = 1; !rest.empty(); ++line_no) {
    const auto nl = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty() || line.starts_with("//") || line.starts_with("#")) continue;

    Entry entry;
    entry.line = line_no;
    std::string why;
    try {
      why = parse_line(line, entry);
    } catch (const std::exception& e) {  // json type errors in odd-but-valid lines
      why = e.what();
    }
    if (!why.empty()) return usage_error(path + ":" + std::to_string(line_no) + ": " + why);
    entries.push_back(std::move(entry));
  }
  return std::unique_ptr<Provider>(std::make_unique<ReplayProvider>(path, std::move(entries)));
}

}  // namespace bt::llm
