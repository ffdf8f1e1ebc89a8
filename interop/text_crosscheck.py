#!/usr/bin/env python3
"""Splits/encodes texts with python-smpplib (smpplib.gsm.make_parts) for the text cross-check.

Input (stdin, or the file named as the first argument): a JSON array of objects with at least
"name" and "text"; "latin1": true also splits with data_coding 0x03 (ISO-8859-1).
Output (stdout): a JSON array, one object per input:

  {"name": ..., "smpplib": "2.2.4",
   "default": {"data_coding": 0, "esm_class": 64,
               "parts": [{"udh": "050003..", "ud": "..."}, ...]},
   "latin1": {...}}            # only when requested

"udh" is empty when esm_class has no UDHI bit. The 8-bit reference is random in smpplib; the
generator is seeded so runs are reproducible.

Run with the interop venv:  target/interop/venv/bin/python interop/text_crosscheck.py \
    < interop/text_corpus.json
"""
import importlib.metadata
import json
import random
import sys

import smpplib.consts as consts
import smpplib.gsm as gsm


def split(text, encoding):
    parts, data_coding, esm_class = gsm.make_parts(text, encoding=encoding)
    out = []
    for p in parts:
        if esm_class & consts.SMPP_GSMFEAT_UDHI:
            n = p[0] + 1
            out.append({"udh": p[:n].hex(), "ud": p[n:].hex()})
        else:
            out.append({"udh": "", "ud": p.hex()})
    return {"data_coding": data_coding, "esm_class": esm_class, "parts": out}


def main():
    random.seed(20240101)
    src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    corpus = json.load(src)
    version = importlib.metadata.version("smpplib")
    result = []
    for entry in corpus:
        r = {"name": entry["name"], "smpplib": version,
             "default": split(entry["text"], consts.SMPP_ENCODING_DEFAULT)}
        if entry.get("latin1"):
            r["latin1"] = split(entry["text"], consts.SMPP_ENCODING_ISO88591)
        result.append(r)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
