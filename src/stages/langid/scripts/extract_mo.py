#!/usr/bin/env python3
"""Training text for the langid close-pair model, from the message catalogs Debian installs.

Every /usr/share/locale/<locale>/LC_MESSAGES/*.mo file holds translated program messages (glibc,
coreutils, GTK, iso-codes names...). This writes the translations (msgstr), one per line, to
<out>/<lang>.txt for the languages of LANGS, after removing printf/format placeholders, options,
paths and URLs, and dropping messages left identical to the English msgid. The set of files read
depends on the packages installed: the list is written to <out>/MANIFEST.
"""
import argparse
import gettext
import glob
import os
import re

# model language -> locale folders (Serbian: Cyrillic and Latin catalogs both feed "sr")
LANGS = {
    "hr": ["hr"], "bs": ["bs"], "sr": ["sr", "sr@latin", "sr@Latn", "sr@ije"],
    "id": ["id"], "ms": ["ms"],
    "da": ["da"], "nb": ["nb", "nb_NO", "no"], "nn": ["nn"],
    "mk": ["mk"], "bg": ["bg"], "ru": ["ru"], "uk": ["uk"], "be": ["be"],
    "cs": ["cs"], "sk": ["sk"],
}

NOISE = re.compile(r"%[-+ #0-9.*]*[lhqjzt]*[a-zA-Z%]|\{[^}]*\}|\$\{?\w+\}?|--?[\w-]+|https?://\S+|\S+@\S+|"
                   r"[/~][\w./-]+|\\[ntr]|&|_(?=\w)|<[^>]*>|\b\w*\d\w*\b")


def clean(s):
    s = NOISE.sub(" ", s)
    return " ".join(s.split())


# Locale folders that are not a language of their own, or whose text is not that language's prose.
SKIP = {"en", "locale.alias"}
# Locale primary codes written differently by CLD2 / our codes (codes.cpp).
RENAME = {"no": "nb", "kmr": "ku", "mo": "ro"}


def all_languages(locale_dir):
    """Every locale folder grouped by language: ll, ll_CC, ll@variant all feed `ll`. English and
    its variants are left out (msgids equal to English are dropped anyway). Chinese keeps
    Traditional apart (zh_TW, zh_HK, zh_Hant → zh-Hant)."""
    langs = {}
    for d in sorted(os.listdir(locale_dir)):
        if not glob.glob(f"{locale_dir}/{d}/LC_MESSAGES/*.mo"):
            continue
        base = re.split(r"[_@.]", d)[0]
        if base in SKIP:
            continue
        lang = RENAME.get(base, base)
        if base == "zh":
            lang = "zh-Hant" if d in ("zh_TW", "zh_HK", "zh_Hant") else "zh"
        langs.setdefault(lang, []).append(d)
    return langs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--locale-dir", default="/usr/share/locale")
    ap.add_argument("--out", default="/tmp/langid-train")
    ap.add_argument("--all", action="store_true",
                    help="every installed locale (the fallback model), not only the close groups")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    manifest = []
    langs = all_languages(a.locale_dir) if a.all else LANGS
    english = set()  # --all: the msgids are English; the fallback model needs English too
    for lang, dirs in sorted(langs.items()):
        seen, lines = set(), []
        for d in dirs:
            for mo in sorted(glob.glob(f"{a.locale_dir}/{d}/LC_MESSAGES/*.mo")):
                try:
                    with open(mo, "rb") as f:
                        cat = gettext.GNUTranslations(f)._catalog
                except Exception:
                    continue
                manifest.append(mo)
                for key, val in cat.items():
                    msgid = key[0] if isinstance(key, tuple) else key
                    if not msgid or not isinstance(val, str) or val == msgid:
                        continue
                    if a.all:
                        english.add(clean(msgid))
                    for part in val.split("\n"):
                        t = clean(part)
                        if sum(c.isalpha() for c in t) >= 4 and t not in seen:
                            seen.add(t)
                            lines.append(t)
        with open(f"{a.out}/{lang}.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{lang}: {len(lines)} lines, {sum(len(l) for l in lines)} chars")
    if a.all:
        lines = sorted(t for t in english if sum(c.isalpha() for c in t) >= 4)
        with open(f"{a.out}/en.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"en: {len(lines)} lines, {sum(len(l) for l in lines)} chars (msgids)")
    with open(f"{a.out}/MANIFEST", "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
