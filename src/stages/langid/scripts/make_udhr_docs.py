#!/usr/bin/env python3
"""Article-sized test documents from a UDHR selection (output of select_udhr.py, all paragraphs):
consecutive paragraphs of one declaration joined until the document reaches --bytes (default
4096 UTF-8 bytes, the size of a typical news article). Used to measure the accuracy/speed
trade-off of the body prefix; writes JSONL with lang and text."""
import argparse
import json


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/tmp/udhr-std.jsonl")
    ap.add_argument("--out", default="/tmp/udhr-docs.jsonl")
    ap.add_argument("--bytes", type=int, default=4096)
    a = ap.parse_args()
    docs, cur, cur_code = [], [], None

    def flush():
        if cur:
            docs.append({"lang": cur[0]["lang"], "text": "\n\n".join(r["text"] for r in cur)})

    size = 0
    for line in open(a.data, encoding="utf-8"):
        r = json.loads(line)
        if r["code"] != cur_code or size >= a.bytes:
            if size >= a.bytes:
                flush()
            cur, size, cur_code = [], 0, r["code"]
        cur.append(r)
        size += len(r["text"].encode("utf-8")) + 2
    if size >= a.bytes:
        flush()
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents of >= {a.bytes} bytes -> {a.out}")


if __name__ == "__main__":
    main()
