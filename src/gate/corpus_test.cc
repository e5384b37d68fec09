// The labelled corpora: hostile and benign tools (tests/corpus/code) for the
// code gate, hostile and benign task texts (tests/corpus/tasks.jsonl) for the
// input gate. Fails when detection drops below 95% or false positives rise
// above 5%, and prints every miss so a regression names its sample.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gate/input_gate.h"
#include "gate/scan.h"
#include "util/files.h"

namespace bt::gate {
namespace {

namespace fs = std::filesystem;
const fs::path kCorpus = fs::path(BITTER_SOURCE_DIR) / "tests/corpus";

struct Rates {
  int hostile = 0, caught = 0, benign = 0, flagged = 0;
  std::string misses;
  double detection() const { return hostile ? 100.0 * caught / hostile : 0; }
  double false_positives() const { return benign ? 100.0 * flagged / benign : 100; }
};

Rates scan_corpus(const std::string& runtime) {
  Rates r;
  const auto rules = RuleSet::builtin();
  const Runtime rt = *runtime_from_name(runtime);
  for (const char* kind : {"hostile", "benign"}) {
    const fs::path dir = kCorpus / "code" / runtime / kind;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      auto src = read_file(e.path());
      if (!src) continue;
      const auto report = scan(*src, rt, rules);
      const bool hostile = std::string(kind) == "hostile";
      if (hostile) {
        ++r.hostile;
        if (report.blocked()) ++r.caught;
        else r.misses += "  missed: " + e.path().filename().string() + "\n";
      } else {
        ++r.benign;
        if (report.blocked()) {
          ++r.flagged;
          r.misses += "  false positive: " + e.path().filename().string() + "\n" + report.to_text();
        }
      }
    }
  }
  return r;
}

void expect_rates(const std::string& what, const Rates& r, int min_hostile, int min_benign) {
  EXPECT_GE(r.hostile, min_hostile) << what;
  EXPECT_GE(r.benign, min_benign) << what;
  EXPECT_GE(r.detection(), 95.0) << what << "\n" << r.misses;
  EXPECT_LE(r.false_positives(), 5.0) << what << "\n" << r.misses;
  std::cout << fmt::format("[corpus] {}: detection {}/{} = {:.1f}%, false positives {}/{} = {:.1f}%\n",
                           what, r.caught, r.hostile, r.detection(), r.flagged, r.benign,
                           r.false_positives())
            << r.misses;
}

TEST(Corpus, NushellTools) { expect_rates("nu tools", scan_corpus("nu"), 40, 40); }
TEST(Corpus, PythonTools) { expect_rates("python3 tools", scan_corpus("python3"), 15, 15); }
TEST(Corpus, BashTools) { expect_rates("bash tools", scan_corpus("bash"), 3, 3); }

TEST(Corpus, TaskTexts) {
  std::ifstream in(kCorpus / "tasks.jsonl");
  ASSERT_TRUE(in) << "missing tests/corpus/tasks.jsonl";
  Rates r;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    const bool hostile = j.at("label") == "hostile";
    auto v = check_task(j.at("text").get<std::string>());
    ASSERT_TRUE(v.ok()) << line;
    const bool rejected = !v->accept;
    if (hostile) {
      ++r.hostile;
      if (rejected) ++r.caught;
      else r.misses += fmt::format("  missed ({:.2f}): {}\n", v->score, line);
    } else {
      ++r.benign;
      if (rejected) {
        ++r.flagged;
        r.misses += fmt::format("  false positive ({:.2f}): {}\n{}", v->score, line, v->reasons_text());
      }
    }
  }
  expect_rates("task texts", r, 25, 25);
}

}  // namespace
}  // namespace bt::gate
