// Black-box checks of the CLI's promises: exit codes and clear messages for
// bad usage and bad input, never a crash.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/bitter_process.h"

namespace bt::testing {
namespace {

const std::string kContract = (source_dir() / "examples/echo/datacontract.yaml").string();
const std::string kReplay = "replay:" + (source_dir() / "examples/echo/answers.jsonl").string();

class CliE2E : public ::testing::Test {
 protected:
  std::vector<std::string> env() { return bitter_env(home_.path()); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto p = home_.path() / name;
    std::ofstream(p) << text;
    return p;
  }
  TempDir home_;
};

TEST_F(CliE2E, TheEchoExampleHealsOnceWithTheReplayFile) {
  // scripts/example.sh's command. Run twice in one data dir, as a user runs
  // the README's command again: the second run must heal too, not take the
  // first run's tool from the cache.
  const std::vector<std::string> example = {"run", "examples/echo/datacontract.yaml", "--task",
                                            "@examples/echo/task.txt", "--input", "@examples/echo/input.json",
                                            "--no-cache", "--llm", kReplay};
  {
    std::ifstream script(source_dir() / "scripts/example.sh");
    const std::string text((std::istreambuf_iterator<char>(script)), std::istreambuf_iterator<char>());
    ASSERT_NE(text.find("--no-cache"), std::string::npos) << "scripts/example.sh no longer runs the loop every time";
  }
  auto first = run_bitter(example, env());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("accepted on attempt 2 of 3"), std::string::npos) << first.out;
  auto r = run_bitter(example, env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("accepted on attempt 2 of 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"reversed\": \"dlrow olleh\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"length\": 11"), std::string::npos) << r.out;
  // Not a terminal: log lines on stderr are JSON with the execution's context.
  std::istringstream lines(r.err);
  int json_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.contains("trace_id") && j.contains("execution_id") && j.contains("msg"));
    if (j.contains("stage")) {
      EXPECT_TRUE(j.contains("attempt") && j.contains("duration_ms")) << line;
    }
    ++json_lines;
  }
  EXPECT_GT(json_lines, 6);
}

TEST_F(CliE2E, MissingContractIsUsageError) {
  auto r = run_bitter({"run", "nope.yaml", "--task", "x", "--llm", kReplay}, env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
}

TEST_F(CliE2E, InvalidYamlNamesTheLine) {
  auto bad = write("bad.yaml", "models:\n  A:\n    fields: [unclosed\n");
  auto r = run_bitter({"run", bad.string(), "--task", "x", "--llm", kReplay}, env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;
}

TEST_F(CliE2E, InputThatIsNotJsonIsUsageError) {
  auto r = run_bitter({"run", kContract, "--task", "x", "--input", "{not json", "--llm", kReplay},
                      env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the input is not valid JSON"), std::string::npos) << r.err;
}

TEST_F(CliE2E, TwoModelsWithoutModelFlagListsThem) {
  auto two = write("two.yaml",
                   "dataContractSpecification: 1.1.0\nid: two\ninfo: {title: Two, version: 1.0.0}\n"
                   "models:\n  A:\n    fields:\n"
                   "      a:\n        type: string\n  B:\n    fields:\n      b:\n        type: "
                   "string\n");
  auto r = run_bitter({"run", two.string(), "--task", "x", "--llm", kReplay}, env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("A"), std::string::npos);
  EXPECT_NE(r.err.find("B"), std::string::npos);
  EXPECT_NE(r.err.find("--model"), std::string::npos) << r.err;
}

TEST_F(CliE2E, AContractThatFailsLintStopsBeforeAnyLlmCall) {
  // Loads, but no value can satisfy it and one format cannot be checked.
  auto broken = write("broken.yaml",
                      "dataContractSpecification: 1.1.0\nid: broken\ninfo: {title: B, version: 1.0.0}\n"
                      "models:\n  Out:\n    fields:\n      host:\n        type: string\n"
                      "        format: hostname\n");
  // A replay file that would fail loudly if the LLM were asked.
  auto r = run_bitter({"run", broken.string(), "--task", "x", "--llm", "replay:/nonexistent"}, env());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("bitter lint"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("broken.yaml:7"), std::string::npos) << r.err;  // the field's line
  EXPECT_NE(r.err.find("hostname"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("nonexistent"), std::string::npos) << "the LLM was asked:\n" << r.err;
}

TEST_F(CliE2E, NoProviderConfiguredSaysHowToConfigureOne) {
  auto r = run_bitter({"run", kContract, "--task", "x"}, env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--llm"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("OPENAI_BASE_URL"), std::string::npos) << r.err;
}

TEST_F(CliE2E, MissingNuIsInfrastructureError) {
  auto r = run_bitter({"run", kContract, "--task", "x", "--llm", kReplay, "--nu", "/nonexistent/nu"},
                      {"BITTER_HOME=" + home_.path().string(), "PATH=/nonexistent"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("nu (Nushell) not found"), std::string::npos) << r.err;
}

TEST_F(CliE2E, UnknownCommandAndHelp) {
  EXPECT_EQ(run_bitter({"frobnicate"}, env()).exit_code, 2);
  auto help = run_bitter({"run", "--help"}, env());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--max-attempts"), std::string::npos);
}

TEST_F(CliE2E, ServeIsAProgramOfItsOwnSoNoOtherCommandLoadsTheHttpLibrary) {
  // What the dynamic loader would load for bitter (ldd's own mechanism).
  auto loaded = run_bitter({"--version"}, {"LD_TRACE_LOADED_OBJECTS=1"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_NE(loaded.out.find("libc.so"), std::string::npos) << loaded.out;
  for (const char* lib : {"httplib", "libssl", "libcrypto", "libbrotli"})
    EXPECT_EQ(loaded.out.find(lib), std::string::npos) << lib << " is loaded by every command:\n" << loaded.out;

  // `bitter serve` hands everything, --help included, to bitter-serve.
  auto help = run_bitter({"serve", "--help"}, env());
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("bitter serve [OPTIONS]"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--listen"), std::string::npos) << help.out;
  EXPECT_EQ(run_bitter({"serve", "--no-such-option"}, env()).exit_code, 2);

  // A bitter copied without it says what is missing.
  const auto lone = home_.path() / "lone";
  std::filesystem::create_directories(lone);
  std::error_code ec;
  std::filesystem::create_hard_link(BITTER_BINARY, lone / "bitter", ec);
  if (ec) std::filesystem::copy_file(BITTER_BINARY, lone / "bitter");
  sandbox::ProcessSpec spec;
  spec.argv = {(lone / "bitter").string(), "serve"};
  spec.env = env();
  spec.timeout = std::chrono::seconds(30);
  auto r = sandbox::run_process(spec);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 3) << r->err;
  EXPECT_NE(r->err.find((lone / "bitter-serve").string() + ": No such file"), std::string::npos) << r->err;
  // ... and so does doctor, beside a bitter that has it.
  spec.argv = {(lone / "bitter").string(), "doctor", "--json"};
  auto doctor = sandbox::run_process(spec);
  ASSERT_TRUE(doctor.ok()) << doctor.error().message;
  auto report = nlohmann::json::parse(doctor->out);
  EXPECT_FALSE(report["serve"]["found"].get<bool>()) << doctor->out;
  EXPECT_EQ(report["serve"]["path"], (lone / "bitter-serve").string());
  auto here = run_bitter({"doctor", "--json"}, env());
  EXPECT_TRUE(nlohmann::json::parse(here.out)["serve"]["found"].get<bool>()) << here.out;
}

TEST_F(CliE2E, DoctorSaysWhereItLookedForNu) {
  auto r = run_bitter({"doctor", "--json"}, env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["healthy"].get<bool>());
  EXPECT_FALSE(j["nu"]["looked"].empty());
  EXPECT_NE(j["nu"]["version"].get<std::string>().find("0.115"), std::string::npos);

  auto missing = run_bitter({"doctor", "--nu", "/nonexistent/nu"},
                            {"BITTER_HOME=" + home_.path().string(), "PATH=/nonexistent"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.out.find("/nonexistent/nu"), std::string::npos) << missing.out;
}

TEST_F(CliE2E, ShowUnknownIdIsUsageError) {
  auto r = run_bitter({"show", "doesnotexist"}, env());
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace bt::testing

namespace bt::testing {
namespace {

const std::string kWithInput = (source_dir() / "tests/fixtures/e2e/echo_with_input.yaml").string();

TEST_F(CliE2E, InputMustSatisfyTheContractsInputModel) {
  auto bad = run_bitter({"run", kWithInput, "--task", "Echo", "--input", R"({"message": 42})",
                         "--llm", kReplay},
                        env());
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("input model EchoInput"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("$.message"), std::string::npos) << bad.err;
  // No execution was recorded: nothing reached the LLM.
  EXPECT_FALSE(std::filesystem::exists(home_.path() / "work"));

  auto missing = run_bitter({"run", kWithInput, "--task", "Echo", "--input", R"({})", "--llm",
                             kReplay},
                            env());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("required"), std::string::npos) << missing.err;
}

TEST_F(CliE2E, TheOutputModelIsTheOneThatIsNotTheInputModel) {
  auto r = run_bitter({"run", kWithInput, "--task", "Echo", "--input",
                       R"({"message": "hello world"})", "--llm", kReplay, "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["output"]["data"]["length"], 11);
  auto show = run_bitter({"show", j["execution_id"], "--json"}, env());
  EXPECT_EQ(nlohmann::json::parse(show.out)["model"], "EchoResponse");
}

}  // namespace
}  // namespace bt::testing
