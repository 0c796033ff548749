/* Transaction smoke check against a real broker: the transaction coordinator comes up,
 * a committed transaction is visible to read_committed, an aborted one is not (but is
 * in the log, so read_uncommitted sees it: the markers are real).
 *
 *   txn_smoke BOOTSTRAP TOPIC        exit 0 on success, 1 with a message otherwise
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { COMMITTED = 100, ABORTED = 50, TIMEOUT_MS = 60000 };

static int fail(const char *what, rd_kafka_error_t *err) {
  fprintf(stderr, "txn_smoke: %s: %s\n", what, err ? rd_kafka_error_string(err) : "failed");
  if (err) rd_kafka_error_destroy(err);
  return 1;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char errstr[256];
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "txn_smoke: property %s: %s\n", key, errstr);
    exit(1);
  }
}

static int produce_batch(rd_kafka_t *p, const char *topic, const char *prefix, int n) {
  for (int i = 0; i < n; i++) {
    char key[32], value[64];
    snprintf(key, sizeof key, "k%d", i);
    snprintf(value, sizeof value, "%s-%d", prefix, i);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
        RD_KAFKA_V_VALUE(value, strlen(value)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) {
      fprintf(stderr, "txn_smoke: produce: %s\n", rd_kafka_err2str(err));
      return 1;
    }
  }
  return 0;
}

/* Read every partition of TOPIC from the start to its end; count values by prefix. */
static int count(const char *bootstrap, const char *topic, const char *isolation, int *committed,
                 int *aborted) {
  char errstr[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "group.id", "newsflow-txn-smoke");  /* required by librdkafka; nothing is committed */
  set(conf, "enable.auto.commit", "false");
  set(conf, "enable.partition.eof", "true");
  set(conf, "isolation.level", isolation);
  rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!c) {
    fprintf(stderr, "txn_smoke: consumer: %s\n", errstr);
    return 1;
  }
  const rd_kafka_metadata_t *md = NULL;
  rd_kafka_topic_t *t = rd_kafka_topic_new(c, topic, NULL);
  if (rd_kafka_metadata(c, 0, t, &md, 10000) || md->topic_cnt != 1 || md->topics[0].err) {
    fprintf(stderr, "txn_smoke: no metadata for topic %s\n", topic);
    return 1;
  }
  int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(t);

  rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
  for (int i = 0; i < partitions; i++)
    rd_kafka_topic_partition_list_add(parts, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c, parts);
  rd_kafka_topic_partition_list_destroy(parts);

  int eofs = 0, rc = 0;
  *committed = *aborted = 0;
  while (eofs < partitions) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, TIMEOUT_MS);
    if (!m) {
      fprintf(stderr, "txn_smoke: no message or EOF within %d ms\n", TIMEOUT_MS);
      rc = 1;
      break;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      eofs++;
    } else if (m->err) {
      fprintf(stderr, "txn_smoke: consume: %s\n", rd_kafka_message_errstr(m));
      rc = 1;
    } else if (m->len > 10 && !memcmp(m->payload, "committed-", 10)) {
      (*committed)++;
    } else if (m->len > 8 && !memcmp(m->payload, "aborted-", 8)) {
      (*aborted)++;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return rc;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: txn_smoke BOOTSTRAP TOPIC\n");
    return 64;
  }
  const char *bootstrap = argv[1], *topic = argv[2];
  char errstr[256], txn_id[64];
  snprintf(txn_id, sizeof txn_id, "newsflow-txn-smoke-%d", (int)getpid());

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "transactional.id", txn_id);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!p) {
    fprintf(stderr, "txn_smoke: producer: %s\n", errstr);
    return 1;
  }
  rd_kafka_error_t *err;
  if ((err = rd_kafka_init_transactions(p, TIMEOUT_MS))) return fail("init_transactions", err);

  if ((err = rd_kafka_begin_transaction(p))) return fail("begin_transaction", err);
  if (produce_batch(p, topic, "committed", COMMITTED)) return 1;
  if ((err = rd_kafka_commit_transaction(p, TIMEOUT_MS))) return fail("commit_transaction", err);

  if ((err = rd_kafka_begin_transaction(p))) return fail("begin_transaction", err);
  if (produce_batch(p, topic, "aborted", ABORTED)) return 1;
  rd_kafka_flush(p, TIMEOUT_MS); /* the records reach the log before the abort marker */
  if ((err = rd_kafka_abort_transaction(p, TIMEOUT_MS))) return fail("abort_transaction", err);
  rd_kafka_destroy(p);

  int committed, aborted;
  if (count(bootstrap, topic, "read_committed", &committed, &aborted)) return 1;
  printf("read_committed: %d committed, %d aborted records\n", committed, aborted);
  if (committed != COMMITTED || aborted != 0) return fail("read_committed saw the wrong records", NULL);
  if (count(bootstrap, topic, "read_uncommitted", &committed, &aborted)) return 1;
  printf("read_uncommitted: %d committed, %d aborted records\n", committed, aborted);
  if (committed != COMMITTED || aborted != ABORTED) return fail("read_uncommitted saw the wrong records", NULL);
  printf("txn_smoke: ok\n");
  return 0;
}
