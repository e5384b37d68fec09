// The labelled corpora: hostile and benign tools (tests/corpus/code) for the
// code gate, hostile and benign task texts (tests/corpus/tasks.jsonl) for the
// input gate. Fails when detection drops below 95% or false positives rise
// above 5%, and prints every miss so a regression names its sample.
//
// tests/corpus/heldout has the same layout, written red-team style before the
// rules were read. Its floors are the rates measured on it, not a target: they
// only make a regression fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gate/input_gate.h"
#include "gate/scan.h"
#include "util/files.h"

namespace bt::gate {
namespace {

namespace fs = std::filesystem;
const fs::path kCorpus = fs::path(BITTER_SOURCE_DIR) / "tests/corpus";
const fs::path kHeldOut = kCorpus / "heldout";

struct Rates {
  int hostile = 0, caught = 0, benign = 0, flagged = 0;
  std::string misses;
  double detection() const { return hostile ? 100.0 * caught / hostile : 0; }
  double false_positives() const { return benign ? 100.0 * flagged / benign : 100; }

  // One sample: `stopped` is the gate's verdict, `why` its reasons.
  void add(bool is_hostile, bool stopped, const std::string& name, const std::string& why) {
    if (is_hostile) {
      ++hostile;
      if (stopped) ++caught;
      else misses += "  missed: " + name + "\n";
    } else {
      ++benign;
      if (stopped) {
        ++flagged;
        misses += "  false positive: " + name + "\n" + why;
      }
    }
  }
};

// Every file under <root>/<runtime>/{hostile,benign}, in name order.
Rates scan_tools(const fs::path& root, const std::string& runtime) {
  Rates r;
  const auto rules = RuleSet::builtin();
  const Runtime rt = *runtime_from_name(runtime);
  for (const std::string kind : {"hostile", "benign"}) {
    const fs::path dir = root / runtime / kind;
    if (!fs::exists(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto src = read_file(f);
      if (!src) continue;
      const auto report = scan(*src, rt, rules);
      r.add(kind == "hostile", report.blocked(), f.filename().string(), report.to_text());
    }
  }
  return r;
}

// One {"label": "hostile"|"benign", "text": ...} object per line.
Rates score_tasks(const fs::path& jsonl) {
  Rates r;
  std::ifstream in(jsonl);
  EXPECT_TRUE(in) << "missing " << jsonl;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    auto v = check_task(j.at("text").get<std::string>());
    EXPECT_TRUE(v.ok()) << line;
    if (!v.ok()) continue;
    r.add(j.at("label") == "hostile", !v->accept, fmt::format("({:.2f}) {}", v->score, line),
          v->reasons_text());
  }
  return r;
}

struct Floors {
  double detection = 95.0, false_positives = 5.0;  // percent
};

void expect_rates(const std::string& what, const Rates& r, int min_hostile, int min_benign,
                  Floors floors = {}) {
  EXPECT_GE(r.hostile, min_hostile) << what;
  EXPECT_GE(r.benign, min_benign) << what;
  EXPECT_GE(r.detection(), floors.detection) << what << "\n" << r.misses;
  EXPECT_LE(r.false_positives(), floors.false_positives) << what << "\n" << r.misses;
  std::cout << fmt::format("[corpus] {}: detection {}/{} = {:.1f}%, false positives {}/{} = {:.1f}%\n",
                           what, r.caught, r.hostile, r.detection(), r.flagged, r.benign,
                           r.false_positives())
            << r.misses;
}

TEST(Corpus, NushellTools) { expect_rates("nu tools", scan_tools(kCorpus / "code", "nu"), 40, 40); }
TEST(Corpus, PythonTools) { expect_rates("python3 tools", scan_tools(kCorpus / "code", "python3"), 15, 15); }
TEST(Corpus, BashTools) { expect_rates("bash tools", scan_tools(kCorpus / "code", "bash"), 3, 3); }
TEST(Corpus, TaskTexts) { expect_rates("task texts", score_tasks(kCorpus / "tasks.jsonl"), 25, 25); }

// Floors: the held-out rates now. First contact with the rules gave nu 26/29
// and 0/28, python3 10/14 and 1/11, bash 3/9 and 1/8, tasks 7/16 and 1/16;
// the rules were then hardened against those misses, so these later rates
// are no longer held-out numbers.
TEST(HeldOut, NushellTools) {
  expect_rates("held-out nu tools", scan_tools(kHeldOut / "code", "nu"), 29, 28, {100, 0});
}
TEST(HeldOut, PythonTools) {
  expect_rates("held-out python3 tools", scan_tools(kHeldOut / "code", "python3"), 14, 11, {100, 0});
}
TEST(HeldOut, BashTools) {
  expect_rates("held-out bash tools", scan_tools(kHeldOut / "code", "bash"), 9, 8, {100, 0});
}
TEST(HeldOut, TaskTexts) {  // 15/16: the Russian override is still missed
  expect_rates("held-out task texts", score_tasks(kHeldOut / "tasks.jsonl"), 16, 16, {93.7, 0});
}

}  // namespace
}  // namespace bt::gate
