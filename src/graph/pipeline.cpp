#include "graph/pipeline.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "codec/article_parser.h"
#include "core/clock.h"
#include "codec/article_writer.h"
#include "metrics/metrics.h"

// ThreadSanitizer and Debian's oneTBB: libtbb is not instrumented, so TSan cannot see that handing
// an Article to a node (through TBB's task queues) orders the writes before it with the reads
// after it. Under TSan the graph says so itself: release when an article leaves a step, acquire
// when one enters (and once more for everything delivered before drain() returns). No code
// otherwise. See tests/sanitizers/README.md.
#if defined(__SANITIZE_THREAD__)
#define NEWSFLOW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NEWSFLOW_TSAN 1
#endif
#endif
#ifdef NEWSFLOW_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#define NEWSFLOW_HANDOFF_ACQUIRE(p) __tsan_acquire(static_cast<void*>(p))
#define NEWSFLOW_HANDOFF_RELEASE(p) __tsan_release(static_cast<void*>(p))
#else
#define NEWSFLOW_HANDOFF_ACQUIRE(p) ((void)0)
#define NEWSFLOW_HANDOFF_RELEASE(p) ((void)0)
#endif

namespace newsflow {
namespace flow = oneapi::tbb::flow;

namespace {

using Clock = std::chrono::steady_clock;

// Gives every step of the graph the same accounting: timing, outcome counters, queue depth and
// error capture. A dead article passes through untouched (counted as skipped).
class StepAdapter {
 public:
  StepAdapter(std::string name, Metrics& metrics) : name_(std::move(name)), m_(metrics.stage(name_)) {}

  template <typename Body>
  void run(Article& a, Body&& body) {
    m_.queue_depth->Decrement();
    if (a.route == Route::dead_letter) {
      m_.skipped->Increment();
      signal_next();
      return;
    }
    const auto start = Clock::now();
    try {
      body(a);
      // A body may dead-letter the article without throwing (the parser returns its error).
      (a.route == Route::dead_letter ? m_.error : m_.ok)->Increment();
    } catch (const StageError& e) {
      a.route = Route::dead_letter;
      a.error = Error{e.code(), name_, e.what()};
      m_.error->Increment();
    } catch (const std::exception& e) {
      a.route = Route::dead_letter;
      a.error = Error{ErrorCode::stage_error, name_, e.what()};
      m_.error->Increment();
    } catch (...) {
      a.route = Route::dead_letter;
      a.error = Error{ErrorCode::stage_error, name_, "unknown exception"};
      m_.error->Increment();
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    nanos_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
    m_.duration->Observe(static_cast<double>(ns) * 1e-9);
    signal_next();
  }

  void set_next(StepAdapter* next) { next_ = next; }
  void arrive() { m_.queue_depth->Increment(); }
  const std::string& name() const { return name_; }
  double seconds() const { return static_cast<double>(nanos_.load(std::memory_order_relaxed)) * 1e-9; }

 private:
  void signal_next() {
    if (next_) next_->arrive();
  }

  std::string name_;
  Metrics::StageInstruments m_;
  StepAdapter* next_ = nullptr;
  std::atomic<uint64_t> nanos_{0};
};

}  // namespace

struct Pipeline::Impl {
  using Node = flow::function_node<Article*, Article*>;

  // The submitting thread only feeds the graph, so the graph gets `threads` workers of its own:
  // an arena with one extra slot reserved for the submitter (it joins only for the final
  // wait_for_all(), once nothing is in flight).
  struct Arena {
    explicit Arena(int threads)
        : control(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads) + 1),
          arena(threads + 1, 1) {}
    oneapi::tbb::global_control control;
    oneapi::tbb::task_arena arena;
  };

  Impl(Pipeline& owner, std::vector<std::unique_ptr<Stage>> stages_in, Sink& sink_in, Metrics& metrics_in)
      : stages(std::move(stages_in)),
        sink(sink_in),
        metrics(metrics_in),
        parsers([limits = owner.options_.limits] { return ArticleParser(limits); }),
        parse_step("parse", metrics_in),
        serialise_step("serialise", metrics_in),
        arena(owner.options_.threads) {
    // Resolved once: the serial sink step must not build label maps per article.
    for (size_t c = 0; c < dlq_counters.size(); ++c) dlq_counters[c] = &metrics.dlq(static_cast<ErrorCode>(c));
    for (auto r : {Route::output, Route::duplicates, Route::drop, Route::dead_letter}) {
      route_counters[static_cast<size_t>(r)] = &metrics.output_records(route_name(r));
    }
    for (auto& s : stages) steps.push_back(std::make_unique<StepAdapter>(std::string(s->name()), metrics));
    // Chain the queue-depth accounting: parse → stage… → serialise.
    StepAdapter* prev = &parse_step;
    for (auto& st : steps) {
      prev->set_next(st.get());
      prev = st.get();
    }
    prev->set_next(&serialise_step);
  }

  void build_graph(Pipeline& owner) {
    // Nodes run in the arena the graph is created in.
    arena.arena.execute([&] { graph_ptr = std::make_unique<flow::graph>(); });
    entry = std::make_unique<Node>(*graph_ptr, flow::unlimited, [this](Article* a) {
      NEWSFLOW_HANDOFF_ACQUIRE(a);
      parse_step.run(*a, [this](Article& art) {
        if (auto err = parsers.local().parse(art)) {
          art.route = Route::dead_letter;
          art.error = std::move(err);
        }
      });
      NEWSFLOW_HANDOFF_RELEASE(a);
      return a;
    });

    flow::sender<Article*>* tail = entry.get();
    for (size_t i = 0; i < stages.size(); ++i) {
      Stage* stage = stages[i].get();
      StepAdapter* step = steps[i].get();
      if (!stage->concurrent()) {
        // A stateful stage sees articles in submission order, one at a time.
        auto seq = std::make_unique<flow::sequencer_node<Article*>>(*graph_ptr, [](Article* a) { return a->record.sequence; });
        flow::make_edge(*tail, *seq);
        tail = seq.get();
        sequencers.push_back(std::move(seq));
      }
      auto node = std::make_unique<Node>(*graph_ptr, stage->concurrent() ? flow::unlimited : flow::serial, [stage, step](Article* a) {
        NEWSFLOW_HANDOFF_ACQUIRE(a);
        if (!stage->concurrent()) NEWSFLOW_HANDOFF_ACQUIRE(stage);  // serial: each call after the previous
        step->run(*a, [stage](Article& art) { stage->process(art); });
        if (!stage->concurrent()) NEWSFLOW_HANDOFF_RELEASE(stage);
        NEWSFLOW_HANDOFF_RELEASE(a);
        return a;
      });
      flow::make_edge(*tail, *node);
      tail = node.get();
      nodes.push_back(std::move(node));
    }

    serialise = std::make_unique<Node>(*graph_ptr, flow::unlimited, [this](Article* a) {
      NEWSFLOW_HANDOFF_ACQUIRE(a);
      if (a->route == Route::output || a->route == Route::duplicates) {
        serialise_step.run(*a, [](Article& art) { write_enriched(art, art.output); });
      } else {
        serialise_step.run(*a, [](Article&) {});
      }
      // NLP quality is read from the annotations here, outside the stages and their timing;
      // dropped duplicates count too (their dedup verdict is part of the hit rate).
      if (a->route != Route::dead_letter) metrics.nlp().observe(*a);
      NEWSFLOW_HANDOFF_RELEASE(a);
      return a;
    });
    flow::make_edge(*tail, *serialise);
    // The sequencer reads the article on whichever thread pushes it; the deliver node frees it later.
    ordered = std::make_unique<flow::sequencer_node<Article*>>(*graph_ptr, [](Article* a) {
      const auto seq = a->record.sequence;
      NEWSFLOW_HANDOFF_RELEASE(a);
      return seq;
    });
    flow::make_edge(*serialise, *ordered);
    deliver = std::make_unique<flow::function_node<Article*, flow::continue_msg>>(*graph_ptr, flow::serial, [this, &owner](Article* a) {
      finish(owner, a);
      return flow::continue_msg();
    });
    flow::make_edge(*ordered, *deliver);
  }

  void finish(Pipeline& owner, Article* a) {
    NEWSFLOW_HANDOFF_ACQUIRE(a);
    NEWSFLOW_HANDOFF_ACQUIRE(this);  // serial: each delivery after the previous
    std::unique_ptr<Article> own(a);
    if (!owner.failed_.load(std::memory_order_relaxed)) {
      try {
        if (a->route == Route::dead_letter && a->error) dlq_counters[static_cast<size_t>(a->error->code)]->Increment();
        sink.deliver(*a);
        if (!sink.reports_delivery()) {
          route_counters[static_cast<size_t>(a->route)]->Increment();
          if (a->route == Route::output || a->route == Route::duplicates) metrics.observe_end_to_end(a->record.timestamp_ms);
        }
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!owner.failure_) owner.failure_ = std::current_exception();
        owner.failed_.store(true);
      }
    }
    metrics.in_flight().Decrement();
    owner.last_progress_ns_.store(steady_now_ns(), std::memory_order_relaxed);
    owner.in_flight_.fetch_sub(1, std::memory_order_release);
    owner.in_flight_.notify_one();
    NEWSFLOW_HANDOFF_RELEASE(this);  // for the next delivery, and for drain()
  }

  static std::string_view route_name(Route r) {
    switch (r) {
      case Route::output: return "output";
      case Route::duplicates: return "duplicates";
      case Route::drop: return "drop";
      case Route::dead_letter: return "dead_letter";
    }
    return "output";
  }

  std::vector<std::unique_ptr<Stage>> stages;
  Sink& sink;
  std::array<prometheus::Counter*, static_cast<size_t>(ErrorCode::delivery_failed) + 1> dlq_counters{};
  std::array<prometheus::Counter*, 4> route_counters{};
  Metrics& metrics;
  oneapi::tbb::enumerable_thread_specific<ArticleParser> parsers;
  StepAdapter parse_step;
  StepAdapter serialise_step;
  std::vector<std::unique_ptr<StepAdapter>> steps;
  std::mutex failure_mutex;

  Arena arena;
  std::unique_ptr<flow::graph> graph_ptr;
  std::unique_ptr<Node> entry;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<std::unique_ptr<flow::sequencer_node<Article*>>> sequencers;
  std::unique_ptr<Node> serialise;
  std::unique_ptr<flow::sequencer_node<Article*>> ordered;
  std::unique_ptr<flow::function_node<Article*, flow::continue_msg>> deliver;
};

Pipeline::Pipeline(PipelineOptions options, std::vector<std::unique_ptr<Stage>> stages, Sink& sink, Metrics& metrics)
    : options_(options) {
  if (options_.max_in_flight == 0) options_.max_in_flight = 1;
  if (options_.threads <= 0) options_.threads = static_cast<int>(oneapi::tbb::info::default_concurrency());
  impl_ = std::make_unique<Impl>(*this, std::move(stages), sink, metrics);
  impl_->build_graph(*this);
}

Pipeline::~Pipeline() {
  try {
    impl_->graph_ptr->wait_for_all();
    NEWSFLOW_HANDOFF_ACQUIRE(impl_.get());  // the stages are destroyed on this thread next
  } catch (...) {
  }
}

void Pipeline::rethrow_if_failed() {
  if (failed_.load()) {
    std::lock_guard lock(impl_->failure_mutex);
    std::rethrow_exception(failure_);
  }
}

void Pipeline::enqueue(Record&& record) {
  auto* a = new Article();
  a->record = std::move(record);
  a->record.sequence = next_sequence_++;
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) == 0) last_progress_ns_.store(steady_now_ns(), std::memory_order_relaxed);
  impl_->metrics.in_flight().Increment();
  impl_->parse_step.arrive();
  NEWSFLOW_HANDOFF_RELEASE(a);
  impl_->entry->try_put(a);
}

void Pipeline::submit(Record record) {
  for (;;) {
    rethrow_if_failed();
    size_t n = in_flight_.load(std::memory_order_acquire);
    if (n < options_.max_in_flight) break;
    in_flight_.wait(n, std::memory_order_acquire);
  }
  enqueue(std::move(record));
}

bool Pipeline::try_submit(Record& record) {
  rethrow_if_failed();
  if (in_flight_.load(std::memory_order_acquire) >= options_.max_in_flight) return false;
  enqueue(std::move(record));
  return true;
}

int64_t Pipeline::stalled_ns(int64_t now) const {
  if (in_flight_.load(std::memory_order_relaxed) == 0) return 0;
  return std::max<int64_t>(0, now - last_progress_ns_.load(std::memory_order_relaxed));
}

void Pipeline::drain() {
  // Wait outside the arena first: joining it would make this thread a graph worker too, and
  // `threads` would no longer be the number of threads doing graph work.
  for (size_t n; (n = in_flight_.load(std::memory_order_acquire)) != 0;) in_flight_.wait(n, std::memory_order_acquire);
  impl_->graph_ptr->wait_for_all();
  NEWSFLOW_HANDOFF_ACQUIRE(impl_.get());  // everything finish() did before the graph went idle
  rethrow_if_failed();
}

std::vector<std::pair<std::string, double>> Pipeline::stage_seconds() const {
  std::vector<std::pair<std::string, double>> out;
  out.emplace_back(impl_->parse_step.name(), impl_->parse_step.seconds());
  for (const auto& s : impl_->steps) out.emplace_back(s->name(), s->seconds());
  out.emplace_back(impl_->serialise_step.name(), impl_->serialise_step.seconds());
  return out;
}

}  // namespace newsflow
