#!/usr/bin/env python3
"""Valid NDJSON for the validation benchmark (stdlib only, deterministic).

    gen.py echo|nested N OUT [--until-bytes B]

Writes N records (one JSON object per line) for contracts/echo.yaml
(EchoResponse) or contracts/nested.yaml (Order) to OUT ("-" for stdout).
With --until-bytes it keeps going past N until OUT holds at least B bytes
(the memory benchmark's ~1 GB file); records are streamed, never held.
The same model, N and seed give the same bytes, and a shorter file is a
prefix of a longer one. Every record is valid against its contract:
optional fields are sometimes absent and sometimes null, strings include
non-ASCII text, formats (uuid, date-time, date, email, uri) are well formed.
"""

import argparse
import json
import os
import random
import sys
import uuid

SEED = {"echo": 20240131, "nested": 20240229}

WORDS = [
    "hello", "world", "data", "contract", "bitter", "truth", "nushell", "tool",
    "échelle", "naïve", "straße", "東京", "Ünïcödé", "café", "π≈3.14", "emoji🙂",
    "zero", "one", "lorem", "ipsum", "dolor", "sit", "amet", "quoted\"text",
    "tab\tsep", "back\\slash", "new\nline",
]


def echo_record(rnd: random.Random, i: int) -> dict:
    msg = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 12)))
    rec = {
        "success": True,
        "data": {
            "echo": msg,
            "reversed": msg[::-1],
            "length": len(msg),  # code points, as the contract counts
            "was_dry_run": rnd.random() < 0.2,
        },
    }
    r = rnd.random()
    if r < 0.1:
        rec["success"] = False
        rec["error"] = "input had no message; echoed the empty default"
    elif r < 0.3:
        rec["error"] = None  # optional fields are nullable
    if rnd.random() < 0.7:
        rec["trace_id"] = "%032x" % rnd.getrandbits(128)
    if rnd.random() < 0.8:
        rec["duration_ms"] = round(rnd.uniform(0.05, 250.0), 3) if i % 7 else rnd.randint(0, 9)
    return rec


FIRST = ["Ada", "Grace", "Linus", "Zoë", "José", "Åsa", "Mårten", "Chloé", "Ngozi", "Hiro", "Amélie"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Müller", "García", "Øster", "Nakamura", "O'Brien", "Dubois"]
DOMAINS = ["example.com", "mail.example.org", "shop.test", "corp.example.net"]
TAGS = ["gift", "express", "fragile", "b2b", "first-order", "promo", "réduction", "重い", "bulk"]
STATUS = ["pending", "paid", "shipped", "delivered", "cancelled"]
CURRENCY = ["EUR", "USD", "GBP", "CHF"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ts(rnd: random.Random) -> str:
    frac = "" if rnd.random() < 0.5 else ".%03d" % rnd.randint(0, 999)
    zone = rnd.choice(["Z", "+01:00", "-05:00", "+05:30"])
    return "2024-%02d-%02dT%02d:%02d:%02d%s%s" % (
        rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59),
        rnd.randint(0, 59), frac, zone)


def nested_record(rnd: random.Random, i: int) -> dict:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    customer = {
        "id": rnd.randint(1, 10_000_000),
        "email": "%s.%s%d@%s" % (first.lower().encode("ascii", "ignore").decode() or "x",
                                 last.lower().replace("'", "").encode("ascii", "ignore").decode() or "y",
                                 rnd.randint(1, 999), rnd.choice(DOMAINS)),
        "name": "%s %s" % (first, last),
        "vip": rnd.random() < 0.1,
    }
    r = rnd.random()
    if r < 0.15:
        slug = last.lower().replace("'", "").encode("ascii", "ignore").decode() or "home"
        customer["homepage"] = "https://%s/~%s" % (rnd.choice(DOMAINS), slug)  # ASCII: a URI, not an IRI
    elif r < 0.3:
        customer["homepage"] = None
    items, total = [], 0.0
    for _ in range(rnd.randint(1, 6)):
        item = {
            "sku": "%s-%04d" % ("".join(rnd.choice(LETTERS) for _ in range(3)), rnd.randint(0, 9999)),
            "qty": rnd.randint(1, 20),
            "price": round(rnd.uniform(0, 500), 2),
        }
        if rnd.random() < 0.2:
            item["discount"] = round(rnd.random() * 0.5, 2)
        if rnd.random() < 0.15:
            item["note"] = rnd.choice(["gift wrap", "leave at door", "Lieferung nach 18 Uhr", "不要"])
        elif rnd.random() < 0.1:
            item["note"] = None
        total += item["qty"] * item["price"] * (1 - (item.get("discount") or 0))
        items.append(item)
    status = rnd.choice(STATUS)
    rec = {
        "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        "created_at": ts(rnd),
        "status": status,
        "customer": customer,
        "items": items,
        "tags": rnd.sample(TAGS, rnd.randint(0, 3)),
        "total": round(total, 2),
        "currency": rnd.choice(CURRENCY),
    }
    if rnd.random() < 0.5:
        rec["ship_by"] = "2024-%02d-%02d" % (rnd.randint(1, 12), rnd.randint(1, 28))
    if status in ("shipped", "delivered"):
        rec["shipped_at"] = ts(rnd)
    elif rnd.random() < 0.5:
        rec["shipped_at"] = None
    return rec


MAKERS = {"echo": echo_record, "nested": nested_record}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(MAKERS))
    ap.add_argument("n", type=int, help="records to write (a minimum with --until-bytes)")
    ap.add_argument("out", help='output file, or "-" for stdout')
    ap.add_argument("--until-bytes", type=int, default=0, help="keep writing until OUT has this many bytes")
    a = ap.parse_args()
    make = MAKERS[a.model]
    rnd = random.Random(SEED[a.model])
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    # Written to a temporary name and renamed, so a cut-short run never
    # leaves a plausible-looking data file behind.
    tmp = None
    if a.out == "-":
        out = sys.stdout.buffer
    else:
        tmp = "%s.tmp%d" % (a.out, os.getpid())
        out = open(tmp, "wb", buffering=1 << 20)
    written = count = 0
    try:
        batch = []
        while count < a.n or written < a.until_bytes:
            line = (dumps(make(rnd, count)) + "\n").encode("utf-8")
            batch.append(line)
            written += len(line)
            count += 1
            if len(batch) >= 4096:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))
        out.flush()
    except BaseException:
        if tmp:
            out.close()
            os.unlink(tmp)
        raise
    if tmp:
        out.close()
        os.replace(tmp, a.out)
    print("%s: %d records, %d bytes" % (a.out, count, written), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
