// The executions API: submit, read, logs, kill, search.
#include <chrono>
#include <climits>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "engine/intake.h"
#include "gate/confine.h"
#include "server/kestra.h"
#include "server/server.h"
#include "util/json_depth.h"
#include "util/strings.h"

namespace bt::server {
namespace {

const char* const kFields[] = {"contract", "task",      "input_json", "max_attempts", "model",
                               "input_model", "speculate", "timeout",    "deadline"};

struct Field {
  std::string text;
  bool is_file = false;
  nlohmann::json value;  // the JSON body's own value (numbers stay numbers)
};

// The request's inputs, from multipart form fields (and file parts), a
// urlencoded form or a JSON object, by name.
Result<std::map<std::string, Field>> read_fields(const httplib::Request& req) {
  std::map<std::string, Field> f;
  const std::string type = req.get_header_value("Content-Type");
  if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) f[name] = {part.content, !part.filename.empty(), part.content};
  } else if (lower(type).rfind("application/json", 0) == 0) {
    // The body's input_json may nest a document: two levels more than one.
    if (nests_too_deep(req.body, kMaxJsonDepth + 2))
      return usage_error(fmt::format("the body nests deeper than {} levels", kMaxJsonDepth));
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return usage_error("the body is not valid JSON (or not UTF-8)");
    if (!body.is_object()) return usage_error("the body must be a JSON object of inputs");
    for (const auto& [name, v] : body.items()) {
      // Text inputs must be text: a null task is not the task "null".
      const bool text = name != "input_json" && name != "max_attempts" && name != "speculate" && name != "timeout" &&
                        name != "deadline";
      if (text && !v.is_string()) return usage_error(name + " must be a string");
      if (v.is_null()) return usage_error(name + " must not be null");
      f[name] = {v.is_string() ? v.get<std::string>() : v.dump(), false, v};
    }
  } else {
    for (const auto& [name, v] : req.params) f[name] = {v, false, v};
  }
  for (const auto& [name, _] : f)
    if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
      if (name.empty()) return usage_error("a form part has no name");
      std::string known;
      for (const char* k : kFields) known += std::string(known.empty() ? "" : ", ") + k;
      return usage_error(fmt::format("unknown input {}; the contract-loop flow takes {}", name, known));
    }
  return f;
}

// A whole number from a form string or a JSON number.
Result<long long> integer(const Field& f, const std::string& name) {
  if (f.value.is_number_integer()) return f.value.get<long long>();
  try {
    size_t used = 0;
    const long long v = std::stoll(f.text, &used);
    if (used == f.text.size()) return v;
  } catch (...) {
  }
  return usage_error(name + " must be a whole number, got " + f.text.substr(0, 40));
}

Result<double> seconds(const Field& f, const std::string& name) {
  if (f.value.is_number()) return f.value.get<double>();
  try {
    size_t used = 0;
    const double v = std::stod(f.text, &used);
    if (used == f.text.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  return usage_error(name + " must be a number of seconds, got " + f.text.substr(0, 40));
}

}  // namespace

void Server::post_execution(const httplib::Request& req, httplib::Response& res) {
  const std::string ns = req.matches[1], flow = req.matches[2];
  if (flow != kFlowId)
    return send_error(res, 404, fmt::format("no flow {} in namespace {}; the flow is {}", flow, ns, kFlowId), "flowId");
  auto fields = read_fields(req);
  if (!fields) {
    const std::string& m = fields.error().message;
    const auto first = m.substr(0, m.find(' '));
    const bool names_field = std::find(std::begin(kFields), std::end(kFields), first) != std::end(kFields);
    return send_error(res, 400, m, names_field ? first : "");
  }
  auto& f = *fields;
  auto get = [&f](const char* name) -> const Field* {
    auto it = f.find(name);
    return it == f.end() ? nullptr : &it->second;
  };

  engine::Submission sub;
  const Field* contract = get("contract");
  if (!contract || contract->text.empty())
    return send_error(res, 400, "contract is required: the YAML itself, an uploaded file, or a path under the "
                                "contracts root", "contract");
  // An uploaded file or text with a line break is the contract itself;
  // a single line is a path under the contracts root.
  if (contract->is_file || contract->text.find('\n') != std::string::npos) {
    if (contract->text.size() > options_.max_contract)
      return send_error(res, 413, fmt::format("the contract is larger than {} KiB", options_.max_contract >> 10),
                        "contract");
    sub.contract_yaml = contract->text;
    sub.contract_label = contract->is_file ? "upload" : "<inline>";
  } else {
    // Relative to the contracts root, whatever the server's working directory.
    const std::filesystem::path named(contract->text);
    auto path = gate::confine(named.is_absolute() ? named : options_.contracts_root / named, options_.contracts_root,
                              "the server's --contracts-root");
    if (!path) return send_error(res, 400, path.error().message, "contract");
    // Only a regular file of sane size: a FIFO would block this thread for
    // good, a huge file would be read whole.
    std::error_code ec;
    const auto status = std::filesystem::status(*path, ec);
    if (ec || !std::filesystem::exists(status))
      return send_error(res, 422, "no contract file " + contract->text + " under the contracts root", "contract");
    if (!std::filesystem::is_regular_file(status))
      return send_error(res, 422, contract->text + " is not a regular file", "contract");
    if (std::filesystem::file_size(*path, ec) > options_.max_contract_file)
      return send_error(res, 413, fmt::format("{} is larger than {} KiB; a contract is small", contract->text,
                                              options_.max_contract_file >> 10),
                        "contract");
    sub.contract_path = *path;
    sub.contract_label = contract->text;
  }
  const Field* task = get("task");
  if (!task) return send_error(res, 400, "task is required: say in plain words what the tool should do", "task");
  sub.task = task->text;
  if (const Field* in = get("input_json")) sub.input_json = in->value.is_object() ? in->value.dump() : in->text;
  if (const Field* m = get("model")) sub.model = m->text;
  if (const Field* m = get("input_model")) sub.input_model = m->text;

  engine::Job job;
  job.settings = options_.defaults;
  job.rules_path = options_.rules_path;
  job.ns = ns;
  job.flow_id = flow;
  for (auto [name, into] : {std::pair<const char*, int*>{"max_attempts", &job.settings.max_attempts},
                             std::pair<const char*, int*>{"speculate", &job.settings.speculate}}) {
    const Field* v = get(name);
    if (!v) continue;
    auto n = integer(*v, name);
    if (!n) return send_error(res, 400, n.error().message, name);
    // The range is the settings' to judge; only what fits an int gets there.
    *into = static_cast<int>(std::clamp<long long>(*n, INT_MIN, INT_MAX));
  }
  if (const Field* v = get("timeout")) {
    auto s = seconds(*v, "timeout");
    if (!s) return send_error(res, 400, s.error().message, "timeout");
    job.settings.timeout_s = *s;
  }
  if (const Field* v = get("deadline")) {
    auto s = seconds(*v, "deadline");
    if (!s) return send_error(res, 400, s.error().message, "deadline");
    job.settings.deadline_s = *s;
  }
  if (auto s = job.settings.check(engine::RunSettings::Names::fields); !s) {
    const std::string& m = s.error().message;
    return send_error(res, 400, m, m.substr(0, m.find(' ')));
  }

  std::string field;
  auto intake = engine::intake(sub, &field);
  if (!intake) {
    const int status = intake.error().kind == ErrorKind::input ? 422 : 400;
    return send_error(res, status, intake.error().message, field);
  }
  const bool rejected = !intake->verdict.accept;
  const nlohmann::json verdict = intake->verdict.to_json();
  job.intake = std::move(*intake);
  auto id = service_.submit(std::move(job));
  if (!id) {
    const int status = id.error().kind == ErrorKind::usage || id.error().kind == ErrorKind::input ? 400 : 503;
    return send_error(res, status, id.error().message);
  }
  // Kestra's ?wait=true: answer when the execution has ended (or after
  // the wait cap, with its state then).
  if (req.get_param_value("wait") == "true") {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(options_.max_wait_s);
    for (;;) {
      const uint64_t seen = service_.journal().changes();
      auto now = service_.journal().get(*id);
      if (!now || !*now || is_final((*now)->state) || stopping_ || std::chrono::steady_clock::now() > until) break;
      service_.journal().wait_for_change(seen, std::chrono::milliseconds(500));
    }
  }
  auto row = service_.journal().get(*id);
  if (!row || !*row) return send_error(res, 500, "the execution was submitted but cannot be read back");
  nlohmann::json body = execution_json(**row);
  if (rejected) {
    body = {{"message", "the task was rejected by the input gate; no LLM request was made"},
            {"field", "task"},
            {"input_gate", verdict},
            {"execution", body}};
    res.status = 422;
  }
  res.set_content(body.dump(), "application/json");
}

void Server::get_execution(const httplib::Request& req, httplib::Response& res) {
  auto details = service_.journal().details(req.matches[1]);
  if (!details) return send_error(res, 500, details.error().message);
  if (details->is_null()) return send_error(res, 404, "no execution " + std::string(req.matches[1]), "id");
  auto row = service_.journal().get(req.matches[1]);
  if (!row || !*row) return send_error(res, 404, "no execution " + std::string(req.matches[1]), "id");
  res.set_content(execution_json(**row, *details).dump(), "application/json");
}

void Server::get_logs(const httplib::Request& req, httplib::Response& res) {
  auto row = service_.journal().get(req.matches[1]);
  if (!row) return send_error(res, 500, row.error().message);
  if (!*row) return send_error(res, 404, "no execution " + std::string(req.matches[1]), "id");
  auto stages = service_.journal().stages((*row)->id);
  if (!stages) return send_error(res, 500, stages.error().message);
  nlohmann::json logs = nlohmann::json::array();
  for (const auto& s : *stages) logs.push_back(log_json(**row, s));
  res.set_content(logs.dump(), "application/json");
}

void Server::kill_execution(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  switch (service_.kill(id, "a kill request through the API")) {
    case engine::Service::KillResult::not_found:
      return send_error(res, 404, "no execution " + id, "id");
    case engine::Service::KillResult::already_finished: {
      auto row = service_.journal().get(id);
      return send_error(res, 409,
                        fmt::format("execution {} already ended ({})", id, row && *row ? (*row)->state : "?"), "id");
    }
    case engine::Service::KillResult::killed:
      break;
  }
  auto row = service_.journal().get(id);
  res.status = 202;
  if (row && *row) res.set_content(execution_json(**row).dump(), "application/json");
}

void Server::search(const httplib::Request& req, httplib::Response& res) {
  store::SearchFilter f;
  f.ns = req.get_param_value("namespace");
  f.flow_id = req.get_param_value("flowId");
  f.state = req.get_param_value("state");
  static const char* const kStates[] = {"", "CREATED", "QUEUED", "RUNNING", "SUCCESS", "FAILED", "KILLED"};
  if (std::find(std::begin(kStates), std::end(kStates), f.state) == std::end(kStates))
    return send_error(res, 400, "state must be one of CREATED, QUEUED, RUNNING, SUCCESS, FAILED, KILLED", "state");
  auto number = [&](const char* name, int fallback, int max, int& out) -> bool {
    if (!req.has_param(name)) {
      out = fallback;
      return true;
    }
    auto n = integer(Field{req.get_param_value(name), false, nullptr}, name);
    if (!n || *n < 1 || *n > max) {
      send_error(res, 400, fmt::format("{} must be a whole number from 1 to {}", name, max), name);
      return false;
    }
    out = static_cast<int>(*n);
    return true;
  };
  if (!number("page", 1, 1'000'000, f.page) || !number("size", 25, 1000, f.size)) return;
  auto page = service_.journal().search(f);
  if (!page) return send_error(res, 500, page.error().message);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& e : page->results) results.push_back(execution_json(e));
  res.set_content(nlohmann::json{{"results", results}, {"total", page->total}}.dump(), "application/json");
}

}  // namespace bt::server
