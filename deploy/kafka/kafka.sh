#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) for development, CI and the demo.
# Needs only Java 17+ and Maven; the jars come from Maven Central (see pom.xml).
#
#   kafka.sh fetch           copy the broker jars into lib/ (cached: instant when pom.xml is unchanged)
#   kafka.sh start           format storage if new, start on 127.0.0.1:$KAFKA_PORT, return once it serves
#   kafka.sh stop            SIGTERM, then SIGKILL after $KAFKA_STOP_TIMEOUT seconds
#   kafka.sh status          exit 0 running and answering, 1 running but not answering, 3 stopped
#   kafka.sh create-topics   the pipeline's topics (idempotent: existing topics are left as they are)
#   kafka.sh create-topic NAME [PARTITIONS [KEY=VALUE...]]   one more topic (tests use their own)
#   kafka.sh delete-topics REGEX  delete the topics whose names match
#   kafka.sh freeze | thaw   SIGSTOP / SIGCONT the broker (it hangs without closing connections)
#   kafka.sh bootstrap       print the bootstrap address
#   kafka.sh clean           delete the data directory (broker must be stopped)
#
# Environment (defaults in brackets):
#   KAFKA_PORT [9092]  KAFKA_CONTROLLER_PORT [KAFKA_PORT+1]  KAFKA_DATA_DIR [deploy/kafka/.cache/data]
#   KAFKA_LIB_DIR [deploy/kafka/lib]  KAFKA_HEAP_OPTS [-Xms256m -Xmx512m]
#   KAFKA_START_TIMEOUT [120]  KAFKA_STOP_TIMEOUT [30]  KAFKA_PARTITIONS [4]
#   KAFKA_LARGE_MESSAGE_BYTES [8388608]: max.message.bytes of the raw and DLQ topics
#   KAFKA_TOPIC_RAW [news.articles.raw]  KAFKA_TOPIC_ENRICHED [news.articles.enriched]
#   KAFKA_TOPIC_DUPLICATES [news.articles.duplicates]  KAFKA_TOPIC_DLQ [news.articles.dlq]
#   KAFKA_TOPIC_DEDUP_STATE [news.dedup.state]  KAFKA_DEDUP_STATE_RETENTION_MS [259200000]: the dedup window
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
DATA_DIR="${KAFKA_DATA_DIR:-$HERE/.cache/data}"
LIB_DIR="${KAFKA_LIB_DIR:-$HERE/lib}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
BOOTSTRAP="127.0.0.1:$PORT"
# Fixed so that every checkout formats identically; a base64 UUID ("newsflow-kafka!!").
CLUSTER_ID="bmV3c2Zsb3cta2Fma2EhIQ"

LOG_DIR="$DATA_DIR/logs"          # log4j output: server.log, stdout.log
KRAFT_DIR="$DATA_DIR/kraft"       # partition data and the metadata log
PID_FILE="$DATA_DIR/kafka.pid"
CONFIG="$DATA_DIR/server.properties"

die() { echo "kafka.sh: $*" >&2; exit 1; }
note() { echo "kafka.sh: $*" >&2; }

# Short-lived admin tools: small heap, C1 only, warnings to stderr. The first run dumps the classes it
# loaded into a CDS archive (lib/tools.jsa) that later runs map instead of loading: ~3x faster start.
# JVM logging is off so that a stale archive never prints to stdout (which callers parse).
tool() {
  local cds=(-XX:SharedArchiveFile="$LIB_DIR/tools.jsa") tmp=""
  if [[ ! -f "$LIB_DIR/tools.jsa" ]]; then
    tmp="$LIB_DIR/tools.jsa.$$.$RANDOM"
    cds=(-XX:ArchiveClassesAtExit="$tmp")
  fi
  local rc=0
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:disable -Xlog:all=error:stderr \
    "${cds[@]}" -Dlog4j2.configurationFile="$HERE/tools-log4j2.properties" -cp "$LIB_DIR/*" "$@" || rc=$?
  if [[ -n "$tmp" ]]; then
    if (( rc == 0 )) && [[ -s "$tmp" ]]; then mv -f "$tmp" "$LIB_DIR/tools.jsa"; else rm -f "$tmp"; fi
  fi
  return $rc
}

pom_hash() { sha256sum "$HERE/pom.xml" | cut -d' ' -f1; }

fetched() { [[ -f "$LIB_DIR/.fetched" && "$(cat "$LIB_DIR/.fetched")" == "$(pom_hash)" ]]; }

cmd_fetch() {
  if fetched; then
    [[ "${1:-}" == quiet ]] || note "jars up to date in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (apt-get install maven)"
  command -v java >/dev/null || die "java not found: install Java 17+ (apt-get install openjdk-17-jdk-headless)"
  local tmp="$LIB_DIR.tmp.$$"
  rm -rf "$tmp"
  note "fetching Kafka jars from Maven Central into $LIB_DIR"
  # Maven's output only matters when it fails (and -q still prints colour codes). Offline first:
  # with the jars already in ~/.m2 that skips every remote metadata check.
  local copy=(-q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp")
  if ! mvn -o "${copy[@]}" >"$tmp.log" 2>&1 && ! { rm -rf "$tmp"; mvn "${copy[@]}" >"$tmp.log" 2>&1; }; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -f "$tmp.log"
  pom_hash >"$tmp/.fetched"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  note "$(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $LIB_DIR"
}

# The pid of our broker if it is alive; checks the command line so a recycled pid is never trusted.
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "kafka.Kafka $CONFIG" || return 1
  echo "$pid"
}

# Does something on $BOOTSTRAP answer a metadata request within ${1:-3} seconds?
answers() {
  if command -v kcat >/dev/null; then
    kcat -b "$BOOTSTRAP" -L -m "${1:-3}" >/dev/null 2>&1
  else
    tool org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1
  fi
}

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

write_config() {
  cat >"$CONFIG" <<EOF
# Written by kafka.sh start; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KRAFT_DIR

# single node: every internal topic with one replica
num.partitions=${KAFKA_PARTITIONS:-4}
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# tests create their topics explicitly: a misspelt topic name must fail, not appear empty
auto.create.topics.enable=false
# no 3 s wait before the first consumer-group assignment
group.initial.rebalance.delay.ms=0

# a 2-core development machine
num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

# start and stop hold a lock on the data directory: parallel callers (test wrappers) queue up.
lock_data_dir() {
  mkdir -p "$DATA_DIR"
  exec 9>"$DATA_DIR/.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT)) 9 || die "another kafka.sh holds $DATA_DIR/.lock"
}

cmd_start() {
  cmd_fetch quiet
  lock_data_dir
  mkdir -p "$LOG_DIR" "$KRAFT_DIR"
  local pid
  if pid="$(broker_pid)"; then
    if answers; then
      note "already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    die "broker pid $pid is alive but $BOOTSTRAP does not answer; see $LOG_DIR/server.log or run: $0 stop"
  fi
  for p in "$PORT" "$CONTROLLER_PORT"; do
    port_in_use "$p" && die "port $p is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
  done
  write_config
  if [[ ! -f "$KRAFT_DIR/meta.properties" ]]; then
    note "formatting KRaft storage in $KRAFT_DIR (cluster id $CLUSTER_ID)"
    tool kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$CONFIG" --ignore-formatted >/dev/null \
      || die "formatting storage failed"
  fi
  local t0=$SECONDS
  # setsid: a Ctrl-C meant for the caller's foreground job must not reach the broker;
  # 9>&-: the broker must not inherit (and keep) the data-directory lock.
  # shellcheck disable=SC2086
  setsid java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -cp "$LIB_DIR/*" kafka.Kafka "$CONFIG" >"$LOG_DIR/stdout.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  while ! answers 1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      note "broker exited during start-up; last lines of its logs:"
      tail -n 20 "$LOG_DIR/stdout.log" "$LOG_DIR/server.log" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if (( SECONDS - t0 >= START_TIMEOUT )); then
      note "broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s; last lines of server.log:"
      tail -n 20 "$LOG_DIR/server.log" >&2 2>/dev/null || true
      cmd_stop
      exit 1
    fi
    sleep 0.5
  done
  note "running (pid $pid) on $BOOTSTRAP, ready after $((SECONDS - t0))s; logs in $LOG_DIR"
}

cmd_stop() {
  lock_data_dir
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    note "not running"
    return 0
  fi
  kill -CONT "$pid" 2>/dev/null || true  # a frozen broker cannot act on SIGTERM
  kill -TERM "$pid" 2>/dev/null || true
  local t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS - t0 >= STOP_TIMEOUT )); then
      note "no clean shutdown within ${STOP_TIMEOUT}s: killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  note "stopped (pid $pid) after $((SECONDS - t0))s"
}

cmd_status() {
  local pid
  if ! pid="$(broker_pid)"; then
    echo "stopped"
    return 3
  fi
  if answers; then
    echo "running pid=$pid bootstrap=$BOOTSTRAP data=$DATA_DIR"
    return 0
  fi
  echo "not answering pid=$pid bootstrap=$BOOTSTRAP (starting, or wedged: see $LOG_DIR/server.log)"
  return 1
}

cmd_create_topics() {
  answers || die "no broker answers on $BOOTSTRAP (run: $0 start)"
  local parts="${KAFKA_PARTITIONS:-4}" large="${KAFKA_LARGE_MESSAGE_BYTES:-8388608}"
  # name|config config...   (raw and DLQ must hold an oversized article byte-for-byte; the dedup
  # state is keyed by content, so compaction alone would keep every story ever seen: it is also
  # deleted after the dedup window, 72 h)
  local specs=(
    "${KAFKA_TOPIC_RAW:-news.articles.raw}|max.message.bytes=$large"
    "${KAFKA_TOPIC_ENRICHED:-news.articles.enriched}|"
    "${KAFKA_TOPIC_DUPLICATES:-news.articles.duplicates}|"
    "${KAFKA_TOPIC_DLQ:-news.articles.dlq}|max.message.bytes=$large"
    "${KAFKA_TOPIC_DEDUP_STATE:-news.dedup.state}|cleanup.policy=compact,delete retention.ms=${KAFKA_DEDUP_STATE_RETENTION_MS:-259200000}"
  )
  local existing
  existing="$(tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list)" \
    || die "listing topics failed"
  # One JVM per topic (TopicCommand creates one at a time); run them side by side: ~3 s each.
  local spec name configs c pids=() names=() errs="$DATA_DIR/create-topics.$$"
  mkdir -p "$errs"
  for spec in "${specs[@]}"; do
    name="${spec%%|*}"
    configs="${spec#*|}"
    if grep -qxF -- "$name" <<<"$existing"; then
      note "topic $name exists"
      continue
    fi
    local args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name"
                --partitions "$parts" --replication-factor 1)
    for c in $configs; do args+=(--config "$c"); done
    tool org.apache.kafka.tools.TopicCommand "${args[@]}" >/dev/null 2>"$errs/${#names[@]}" &
    pids+=($!)
    names+=("$name${configs:+ ($configs)}")
  done
  local i failed=0
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      note "topic ${names[$i]} created with $parts partitions"
    else
      note "creating topic ${names[$i]} failed:"
      cat "$errs/$i" >&2
      failed=1
    fi
  done
  rm -rf "$errs"
  (( failed == 0 )) || die "create-topics failed"
}

# create-topic NAME [PARTITIONS [KEY=VALUE...]]: one extra topic, e.g. a test's own.
cmd_create_topic() {
  local name="${1:?usage: $0 create-topic NAME [PARTITIONS [KEY=VALUE...]]}" parts="${2:-${KAFKA_PARTITIONS:-4}}"
  shift $(( $# >= 2 ? 2 : 1 ))
  answers || die "no broker answers on $BOOTSTRAP (run: $0 start)"
  local args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name"
              --partitions "$parts" --replication-factor 1) c
  for c in "$@"; do args+=(--config "$c"); done
  tool org.apache.kafka.tools.TopicCommand "${args[@]}" >/dev/null || die "creating topic $name failed"
  note "topic $name ready ($parts partitions${*:+, $*})"
}

# delete-topics REGEX: e.g. a test's own topics when it is done.
cmd_delete_topics() {
  local regex="${1:?usage: $0 delete-topics REGEX}"
  answers || die "no broker answers on $BOOTSTRAP (run: $0 start)"
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --delete --if-exists \
    --topic "$regex" >/dev/null || die "deleting topics matching $regex failed"
  note "deleted topics matching $regex"
}

# freeze|thaw: SIGSTOP/SIGCONT the broker, for tests of a broker that stops answering
# (connections stay open, requests time out) without a restart.
cmd_signal() {
  local pid
  pid="$(broker_pid)" || die "not running"
  kill "-$1" "$pid"
  note "$2 (pid $pid)"
}

cmd_clean() {
  broker_pid >/dev/null && die "broker is running: stop it first"
  rm -rf "$DATA_DIR"
  note "removed $DATA_DIR"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  create-topics) cmd_create_topics ;;
  create-topic) shift; cmd_create_topic "$@" ;;
  delete-topics) shift; cmd_delete_topics "$@" ;;
  bootstrap) echo "$BOOTSTRAP" ;;
  freeze) cmd_signal STOP "frozen" ;;
  thaw) cmd_signal CONT "thawed" ;;
  clean) cmd_clean ;;
  *) echo "usage: $0 fetch|start|stop|status|create-topics|create-topic NAME [PARTITIONS [K=V...]]|delete-topics REGEX|freeze|thaw|bootstrap|clean" >&2; exit 64 ;;
esac
