#!/usr/bin/env python3
"""Select one standard UDHR declaration per language for langid measurements.

UDHR tags several dialect or variant declarations with their macro-language (a Welche text is
tagged `fr`), so scoring every record would punish a detector for disagreeing with the tag.
Rule (documented in ../README.md):
  1. keep declarations at stage 4 (complete) whose `lang` is not `und`;
  2. the language is the primary subtag of `lang`; Malay `zlm` is written as its macro-language `ms`
     (the only standard declaration of Malay is tagged zlm), Hmong Njua `hnj` as `hmn`;
  3. drop a declaration tagged with a 3-letter code when another declaration of the same `iso6393`
     carries the 2-letter code (e.g. the numbered `cat` text next to `ca`);
  4. one declaration per language: an explicit choice for languages with script or orthography
     variants (OVERRIDES), else the first by: name without a parenthesis, code without digits,
     code equal to iso6393, shortest code, code.
Writes the chosen declarations' records (paragraphs `p` only unless --all-elements) as JSONL with
`lang` and `text`; --min-chars drops short records; --languages FILE keeps only the listed primary
codes (one per line, e.g. the output of `newsflow_langid_tool languages`). --write-list FILE writes
the chosen declarations as `code<TAB>lang<TAB>name` (the committed udhr-standard.tsv, which
`newsflow eval langid --declarations` reads directly from udhr.jsonl).
"""
import argparse
import json
import sys

MACRO = {"zlm": "ms", "hnj": "hmn"}
OVERRIDES = {
    "de": "deu_1996", "el": "ell_monotonic", "zh": "cmn_hans", "pt": "por_PT", "ro": "ron_2006",
    "sr": "srp_cyrl", "az": "azj_latn", "bs": "bos_latn", "uz": "uzn_latn", "tk": "tuk_latn",
    "ug": "uig_arab", "ms": "mly_latn", "fa": "pes_1", "ha": "hau_NG", "ak": "aka_asante",
    "ht": "hat_kreyol", "ny": "nya_chechewa", "ts": "tso_MZ", "mn": "khk", "ja": "jpn",
    # Standard Occitan (the classical norm) is built on Languedocien; `prv` is ISO 639-3's retired
    # code for Provençal, a dialect (its paragraphs CLD2 mostly calls unknown).
    "oc": "lnc",
    # The Hmong that `hmn` means in practice (Laos, Thailand, the diaspora; CLD2's HMONG) is written
    # in RPA: Hmong Daw/Njua. UDHR's `hmn`-tagged text is Hmu (Northern Qiandong, ISO hea), another
    # Hmongic language in another orthography; Hmong Njua (blu, tagged hnj) is the closest standard.
    "hmn": "blu",
}


def primary(tag):
    p = tag.split("-")[0].lower()
    return MACRO.get(p, p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="../shared/data/langid")
    ap.add_argument("--out", default="/tmp/udhr-std.jsonl")
    ap.add_argument("--min-chars", type=int, default=0)
    ap.add_argument("--languages", help="file with primary codes to keep, one per line")
    ap.add_argument("--all-elements", action="store_true", help="also h1/h2 headings")
    ap.add_argument("--list", action="store_true", help="print the chosen declarations")
    ap.add_argument("--write-list", help="write the chosen declarations as code<TAB>lang<TAB>name")
    a = ap.parse_args()

    decls = [json.loads(l) for l in open(f"{a.data_dir}/udhr-declarations.jsonl", encoding="utf-8")]
    decls = [d for d in decls if d["stage"] == 4 and primary(d["lang"]) != "und"]
    two_letter = {d["iso6393"] for d in decls if len(primary(d["lang"])) == 2}
    decls = [d for d in decls if not (len(primary(d["lang"])) == 3 and d["iso6393"] in two_letter)]
    groups = {}
    for d in decls:
        groups.setdefault(primary(d["lang"]), []).append(d)
    keep = set()
    if a.languages:
        keep = {l.strip() for l in open(a.languages, encoding="utf-8") if l.strip()}
    chosen = {}
    for lang, ds in sorted(groups.items()):
        if keep and lang not in keep:
            continue
        pick = next((d for d in ds if d["code"] == OVERRIDES.get(lang)), None)
        if pick is None:
            pick = min(ds, key=lambda d: ("(" in d["name"], any(c.isdigit() for c in d["code"]),
                                           d["code"] != d["iso6393"], len(d["code"]), d["code"]))
        chosen[pick["code"]] = lang
        if a.list:
            print(f"{lang}\t{pick['code']}\t{pick['lang']}\t{pick['name']}", file=sys.stderr)

    if a.write_list:
        names = {d["code"]: d["name"] for ds in groups.values() for d in ds}
        with open(a.write_list, "w", encoding="utf-8") as f:
            f.write("# One standard UDHR declaration per language (scripts/select_udhr.py; rule in ../README.md).\n"
                    "# declaration code<TAB>language<TAB>name; data: ../shared/data/langid/udhr.jsonl\n")
            for code, lang in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
                f.write(f"{code}\t{lang}\t{names[code]}\n")

    n = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for line in open(f"{a.data_dir}/udhr.jsonl", encoding="utf-8"):
            r = json.loads(line)
            if r["code"] not in chosen or (r["element"] != "p" and not a.all_elements):
                continue
            text = r["text"].strip()
            if len(text) < a.min_chars:
                continue
            tag = r["lang"].split("-")
            tag[0] = chosen[r["code"]]
            out.write(json.dumps({"lang": "-".join(tag), "code": r["code"], "text": text},
                                 ensure_ascii=False) + "\n")
            n += 1
    print(f"{len(chosen)} declarations, {n} records -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
