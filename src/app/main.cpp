// newsflow: news-stream enrichment. See README.md for the commands and docs/ for the contract.
#include <CLI/CLI.hpp>
#include <librdkafka/rdkafka.h>
#include <oneapi/tbb/version.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "app/bench.h"
#include "app/cli_registry.h"
#include "app/config.h"
#include "app/logging.h"
#include "app/print_config.h"
#include "app/run.h"
#include "app/shutdown.h"
#include "app/stage_registry.h"
#include "core/build_info.h"
#include "core/exit_codes.h"
#include "io/kafka/kafka_config.h"
#include "io/kafka/kafka_sink.h"
#include "io/kafka/kafka_source.h"

namespace nf = newsflow;
#define NF_STR2(x) #x
#define NF_STR(x) NF_STR2(x)
#define STRINGIFY_SIMDJSON NF_STR(SIMDJSON_VERSION)

namespace {

std::string version_text() {
  return fmt::format("newsflow {}\n  librdkafka {}\n  oneTBB {}\n  simdjson {}\n  spdlog {}.{}.{}\n", NEWSFLOW_VERSION,
                     rd_kafka_version_str(), TBB_runtime_version(), STRINGIFY_SIMDJSON, SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR,
                     SPDLOG_VER_PATCH);
}

// --stages: a list stage_list_error() accepts, or "none" (and "all" where allowed).
CLI::Validator stage_list_check(bool allow_all) {
  return CLI::Validator(
      [allow_all](std::string& v) -> std::string {
        if (allow_all && v == "all") return "";
        const std::string error = nf::stage_list_error(nf::parse_stage_list(v));
        return error.empty() ? "" : "stages" + error;
      },
      allow_all ? "all|none|STAGE,..." : "none|STAGE,...");
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"newsflow: news-stream enrichment (dedup, language, entities, stance) between Kafka topics or JSONL files.\n"
               "Exit codes: 0 ok, 64 usage, 65 bad data file, 66 input missing, 69 broker unavailable,\n"
               "73 cannot create output, 74 I/O error, 78 bad config."};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());

  std::string config_path;
  std::string log_level, log_format;

  // run
  auto* run = app.add_subcommand("run", "Run the pipeline: Kafka in/out as configured, or JSONL with --input.");
  nf::RunOptions run_opts;
  std::string metrics_bind;
  std::string stages_override;
  int threads = -1;
  bool show_config = false;
  run->add_option("-c,--config", config_path, "YAML config file (default: built-in defaults)");
  run->add_option("-i,--input", run_opts.input, "JSONL input file, or - for stdin (JSONL mode)");
  run->add_option("-o,--output", run_opts.output, "JSONL output file, or - for stdout")->capture_default_str();
  run->add_option("--dlq", run_opts.dlq, "dead-letter JSONL file (default: <output>.dlq.jsonl, or newsflow.dlq.jsonl for stdout)");
  run->add_option("--metrics-bind", metrics_bind, "serve /metrics, /livez, /readyz on HOST:PORT (overrides metrics.bind)");
  run->add_option("--stages", stages_override, "comma-separated stage list (overrides `stages`; 'none' for the identity graph)")
      ->check(stage_list_check(false));
  // The same checks as the config keys these flags override.
  run->add_option("--threads", threads, "worker threads (0 = all cores)")->check(CLI::Range(0, 1024));
  run->add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  run->add_option("--log-format", log_format, "text|json")->check(CLI::IsMember({"text", "json"}));
  run->add_flag("--print-config", show_config, "print the effective configuration (secrets redacted) and exit");

  // validate-config
  auto* validate = app.add_subcommand("validate-config", "Check a config file (and build its stages) without running.");
  validate->add_option("-c,--config", config_path, "YAML config file")->required();
  validate->add_flag("--print-config", show_config, "also print the effective configuration (secrets redacted)");

  // eval / train
  auto* eval = app.add_subcommand("eval", "Measure quality on a data set; the last stdout line is one JSON object.");
  eval->require_subcommand(1);
  auto* train = app.add_subcommand("train", "Train one of newsflow's models reproducibly (fixed seed).");
  train->require_subcommand(1);
  nf::register_module_clis(*eval, *train);

  // bench
  auto* bench = app.add_subcommand("bench", "Throughput and latency of the graph in memory; the last stdout line is one JSON object.");
  nf::BenchOptions bench_opts;
  bench->add_option("-i,--input", bench_opts.input, "JSONL corpus")->required();
  bench->add_option("-n,--repeat", bench_opts.repeat, "replay the corpus N times; replays are near-duplicate copies with fresh ids")->check(CLI::Range(1, 100000));
  bench->add_option("--stages", bench_opts.stages, "none | all | comma-separated list")
      ->capture_default_str()
      ->check(stage_list_check(true));
  bench->add_option("--threads", bench_opts.threads, "worker threads (0 = all cores)")->check(CLI::Range(0, 1024));
  bench->add_option("--rate", bench_opts.rate, "offer articles at this rate (per second) to measure latency under a given load; 0 = flat out")
      ->check(CLI::NonNegativeNumber);
  bench->add_option("-c,--config", config_path, "YAML config file");

  try {
    app.parse(argc, argv);  // eval/train callbacks run inside
  } catch (const CLI::RuntimeError& e) {  // thrown by eval/train with their exit code
    if (*e.what()) std::fprintf(stderr, "newsflow: %s\n", e.what());
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : nf::exit_code::usage;
  } catch (const nf::ConfigError& e) {
    std::fprintf(stderr, "newsflow: invalid configuration: %s\n", e.what());
    return nf::exit_code::config;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "newsflow: %s\n", e.what());
    return nf::exit_code::software;
  }
  if (eval->parsed() || train->parsed()) return 0;  // their callbacks ran inside parse()

  nf::AppConfig config;
  try {
    config = nf::load_config(config_path);
    if (!metrics_bind.empty()) config.metrics_bind = metrics_bind, config.flag_keys.push_back("metrics.bind");
    if (threads >= 0) config.threads = threads, config.flag_keys.push_back("threads");
    if (!log_level.empty()) config.log_level = log_level, config.flag_keys.push_back("log.level");
    if (!log_format.empty()) config.log_format = log_format, config.flag_keys.push_back("log.format");
    if (run->count("--stages") > 0) {  // checked by stage_list_check
      config.flag_keys.push_back("stages");
      config.stages = nf::parse_stage_list(stages_override);
    }
    nf::setup_logging(config.log_level, config.log_format);
    nf::StageSettings stage_settings;  // what the stages read, for --print-config
    if (validate->parsed()) {
      nf::validate_stage_sections(config, &stage_settings);
      // librdkafka checks every kafka.consumer / kafka.producer property as it is set.
      const auto& kc = config.kafka;
      (void)nf::kafka::make_conf(nf::kafka::consumer_properties(kc.bootstrap_servers, kc.group_id, kc.consumer), "kafka.consumer");
      (void)nf::kafka::make_conf(nf::kafka::producer_properties(kc.bootstrap_servers, kc.producer), "kafka.producer");
      if (show_config) std::fputs(nf::print_config(config, stage_settings).c_str(), stdout);
      std::printf("%s: ok\n", config.source.c_str());
      return nf::exit_code::ok;
    }
    if (run->parsed() && show_config) {
      nf::validate_stage_sections(config, &stage_settings);
      std::fputs(nf::print_config(config, stage_settings).c_str(), stdout);
      return nf::exit_code::ok;
    }
  } catch (const nf::ConfigError& e) {
    std::fprintf(stderr, "newsflow: invalid configuration: %s\n", e.what());
    return nf::exit_code::config;
  }

  nf::install_signal_handlers();
  try {
    if (bench->parsed()) return nf::run_bench(config, bench_opts);
    if (run_opts.input.empty()) return nf::run_kafka(config);
    return nf::run_jsonl(config, run_opts);
  } catch (const nf::ConfigError& e) {
    std::fprintf(stderr, "newsflow: invalid configuration: %s\n", e.what());
    return nf::exit_code::config;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "newsflow: %s\n", e.what());
    return nf::exit_code::software;
  }
}
