// `bitter cache ls|purge`: the validated tools `run` reuses.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "store/journal.h"
#include "util/files.h"

namespace bt::cli {
namespace {

struct CacheOptions {
  bool json = false;
};

int list(const CacheOptions& opt) {
  auto journal = store::Journal::open(data_dir() / "journal.db");
  if (!journal) return fail(journal.error(), opt.json);
  auto rows = (*journal)->cache_list();
  if (!rows) return fail(rows.error(), opt.json);
  if (opt.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *rows)
      out.push_back({{"key", r.key}, {"execution_id", r.execution_id}, {"model", r.model}, {"contract", r.contract},
                     {"created_at", r.created_at}, {"last_hit_at", r.last_hit_at}, {"hits", r.hits}});
    print_json(out);
    return kExitOk;
  }
  if (rows->empty()) {
    std::cout << "the cache is empty\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<14} {:<26} {:>5}  {:<20} {}\n", "KEY", "EXECUTION", "HITS", "MODEL", "CONTRACT");
  for (const auto& r : *rows)
    std::cout << fmt::format("{:<14} {:<26} {:>5}  {:<20} {}\n", r.key.substr(0, 12), r.execution_id, r.hits,
                             r.model, r.contract);
  return kExitOk;
}

int purge(const CacheOptions& opt) {
  auto journal = store::Journal::open(data_dir() / "journal.db");
  if (!journal) return fail(journal.error(), opt.json);
  auto n = (*journal)->cache_purge();
  if (!n) return fail(n.error(), opt.json);
  if (opt.json) print_json({{"removed", *n}});
  else std::cout << fmt::format("removed {} cached tool(s)\n", *n);
  return kExitOk;
}

}  // namespace

Handler add_cache(CLI::App& app) {
  auto opt = std::make_shared<CacheOptions>();
  app.require_subcommand(1);
  auto* ls = app.add_subcommand("ls", "List cached tools: key, source execution, hits");
  ls->add_flag("--json", opt->json, "Print as JSON");
  auto* pg = app.add_subcommand("purge", "Remove every cached tool");
  pg->add_flag("--json", opt->json, "Print as JSON");
  app.footer(
      "\n`run` reuses a tool that passed every gate and the contract for the same contract, model,\n"
      "task, runtime and LLM; it still runs in the sandbox and is validated on the new input, and is\n"
      "evicted if it fails. `run --no-cache` skips the cache.");
  return [opt, ls] { return ls->parsed() ? list(*opt) : purge(*opt); };
}

}  // namespace bt::cli
