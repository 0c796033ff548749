#!/usr/bin/env python3
"""Writes config/models/langid-exemplars.tsv: per language, the non-ASCII letters its alphabet uses.

From CLDR's main exemplar characters (Debian unicode-cldr-core, /usr/share/unicode/cldr): the set
in <lang>.xml united with its script variants (<lang>_Latn.xml, <lang>_Cyrl.xml...), lower-cased,
single code points only ({dž} sequences are made of letters listed anyway), letters only (no
combining marks: tone marks come decomposed), ASCII left out (loan words and names bring any ASCII
letter into any Latin-script text). Only Latin, Greek and Cyrillic alphabets of at most MAX_LETTERS
such letters are written.
The detector asks its fallback model for a second look when a text has many letters outside the
alphabet of CLD2's answer (Kurmanji ê î û ş called Turkish or Czech). Usage:
  python3 make_exemplars.py --languages <(newsflow_langid_tool languages) --out config/models/langid-exemplars.tsv
"""
import argparse
import glob
import os
import re
import unicodedata

MAX_LETTERS = 150
MAIN = re.compile(r"<exemplarCharacters>\[(.*?)\]</exemplarCharacters>")


def parse_set(body):
    """The single code points of a CLDR UnicodeSet body such as `a b c-e {ch} \\u00E9`."""
    body = re.sub(r"\{[^}]*\}", " ", body)
    body = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), body)
    body = body.replace("\\", "")
    out = set()
    tokens = body.split()
    for t in tokens:
        if len(t) == 3 and t[1] == "-":
            out.update(chr(c) for c in range(ord(t[0]), ord(t[2]) + 1))
        else:
            out.update(t)
    return out


def alphabetic_script(c):
    """Latin, Greek or Cyrillic: alphabets whose letters CLDR lists completely. Arabic-script
    exemplars miss common variants (Farsi and Arabic yeh/kaf in Urdu text), so they are left out."""
    o = ord(c)
    return 0xC0 <= o <= 0x2FF or 0x370 <= o <= 0x52F or 0x1E00 <= o <= 0x1EFF  # incl. modifier letters (uz ʻ)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cldr", default="/usr/share/unicode/cldr/common/main")
    ap.add_argument("--languages", required=True, help="codes to write, one per line")
    ap.add_argument("--out", default="config/models/langid-exemplars.tsv")
    a = ap.parse_args()
    langs = [l.strip() for l in open(a.languages) if l.strip()]
    rows = []
    for lang in langs:
        files = [f"{a.cldr}/{lang}.xml"] + sorted(glob.glob(f"{a.cldr}/{lang}_[A-Z][a-z][a-z][a-z].xml"))
        letters, found = set(), False
        for f in files:
            if not os.path.exists(f):
                continue
            m = MAIN.search(open(f, encoding="utf-8").read())
            if m:
                found = True
                letters |= {ch for c in parse_set(m.group(1)) for ch in c.lower()}
        if not found:
            continue
        letters = sorted(c for c in letters if ord(c) > 127 and unicodedata.category(c)[0] == "L")
        if len(letters) <= MAX_LETTERS and all(alphabetic_script(c) for c in letters):
            rows.append(f"{lang}\t{''.join(letters)}")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("# language<TAB>its non-ASCII letters (CLDR main exemplars; scripts/make_exemplars.py)\n")
        f.write("\n".join(rows) + "\n")
    print(f"{len(rows)} languages -> {a.out}")


if __name__ == "__main__":
    main()
