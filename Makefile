# The two Quick-start commands (`make run`, `make test`) and the developer targets.
BUILD ?= build
JOBS ?= $(shell nproc)
NEWSFLOW = $(BUILD)/src/app/newsflow
DATA ?= ../shared/data
SAMPLE = config/samples/articles.jsonl
# ccache (when installed) hashes paths relative to the checkout, so clones and worktrees share hits.
# (without hashing the build directory, which -g would otherwise put into every hash)
CCACHE_BASEDIR ?= $(CURDIR)
CCACHE_NOHASHDIR ?= 1
export CCACHE_BASEDIR CCACHE_NOHASHDIR

.PHONY: deps build run test test-fast eval bench clean

deps:
	@bash deploy/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the embedded default: the full graph over the bundled sample, JSON lines on stdout.
run: build
	@mkdir -p out
	$(NEWSFLOW) run --config config/newsflow.yaml --input $(SAMPLE) --output - --dlq out/sample.dlq.jsonl

# The whole test suite; Kafka-labelled tests run against a real broker started by deploy/kafka/.
test: build
	bash tests/run.sh $(BUILD)

# Unit, graph and golden tests only (no broker).
test-fast: build
	cd $(BUILD) && ctest --output-on-failure -LE kafka -j $(JOBS)

# Every `newsflow eval` over the dev data, one table; fails below the thresholds in tests/eval/thresholds.tsv.
eval: build
	bash tests/eval/run.sh $(NEWSFLOW) $(DATA)

bench: build
	$(NEWSFLOW) bench --input $(DATA)/news/bbc-news.jsonl --repeat 20 --stages none

clean:
	rm -rf $(BUILD) out
