#!/usr/bin/env python3
"""A reference till: a store's checkout driving a pos-companion register through its POS API.

    python tools/till.py --url http://127.0.0.1:8766 --key posk_...            # type at the keyboard
    python tools/till.py --url http://127.0.0.1:8766 --key posk_... sale.csv   # or read a CSV

(`POS_TILL_URL` and `POS_TILL_KEY` may stand for the two options.) Every line,
typed or read, is one thing a cashier does at the till; a CSV has one per row:

    WRI-0099,2,4.59        an item: SKU, quantity, unit price (the till owns prices)
    member,2900000000018   the loyalty member: a card, a phone, an email or a name
    code,SAVE5             a promo code
    points,500             points to spend (a number, max, or 0)
    total                  ask the register what the check costs now
    pay                    take payment and commit the sale
    return,S1-R1-000042    return a whole order; or return,S1-R1-000042,1,2 (line 1, two of them)
    new                    start another check
    quit                   (keyboard: end of input does the same)

After each change the till asks the register (`/v1/checks/inquire`) and
prints the total, the promotions and the register's messages; with the
register's window open, the same check is on its screen. `pay` commits under
a transaction id of its own and sends the same id again when the connection
fails, so a sale is never written twice. Nothing here knows the loyalty rules:
the register answers.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import requests

TIMEOUT = (2.0, 10.0)  # connect, read: a till never waits long for loyalty


class Register:
    """The register's POS API, with this till's key."""

    def __init__(self, url: str, key: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, body: Any = None, params: Any = None, attempts: int = 3) -> Any:
        """The answer's JSON; a 4xx becomes a `Refusal`; a dropped connection is retried with the same body."""
        for attempt in range(attempts):
            try:
                answer = self.session.request(method, self.url + path, json=body, params=params, timeout=TIMEOUT)
                break
            except requests.ConnectionError:
                if attempt == attempts - 1:
                    raise
        data = answer.json()
        if answer.status_code >= 400:
            raise Refusal(data.get("error", {}).get("code", str(answer.status_code)),
                          data.get("error", {}).get("message", answer.text), data.get("error", {}))
        return data


class Refusal(Exception):
    def __init__(self, code: str, message: str, error: dict[str, Any]) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.error = error


class Till:
    """One check at a time, as the cashier builds it."""

    def __init__(self, register: Register, out: Any = sys.stdout) -> None:
        self.register = register
        self.out = out
        self.number = 0
        self.new_check()

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def new_check(self) -> None:
        self.number += 1
        self.check_id = f"T-{uuid.uuid4().hex[:6]}-{self.number}"
        self.lines: list[dict[str, Any]] = []
        self.member: str | None = None
        self.codes: list[str] = []
        self.points: int | str = 0

    def body(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "member": self.member, "lines": self.lines, "codes": self.codes,
                "redeem_points": self.points}

    def do(self, cells: list[str]) -> bool:
        """One cashier action; False when the till should stop."""
        word = cells[0].strip().lower()
        args = [c.strip() for c in cells[1:] if c.strip()]
        try:
            if word in ("quit", "exit"):
                return False
            if word == "new":
                self.new_check()
                self.say(f"New check {self.check_id}")
            elif word == "member":
                self.find_member(" ".join(args))
            elif word == "code":
                self.codes.append(args[0])
                self.show()
            elif word == "points":
                self.points = "max" if args[0].lower() == "max" else int(args[0])
                self.show()
            elif word == "total":
                self.show()
            elif word == "pay":
                self.pay()
            elif word == "return":
                self.give_back(args)
            elif word in ("help", "?"):
                self.say(__doc__.split("\n\n")[3])
            else:
                sku, qty, price = cells[0].strip(), cells[1].strip() if len(cells) > 1 else "1", cells[2].strip() \
                    if len(cells) > 2 else ""
                if not price:
                    self.say("an item needs its price: SKU,QTY,PRICE")
                    return True
                self.lines.append({"id": str(len(self.lines) + 1), "sku": sku,
                                   "qty": int(qty) if qty.isdigit() else qty, "unit_price": price,
                                   **({"weighted": True} if not qty.isdigit() else {})})
                self.show()
        except Refusal as refusal:
            if refusal.code == "unauthorized":
                raise  # nothing will work with this key: stop
            self.say(f"  register says no ({refusal.code}): {refusal.error.get('message', '')}")
        except (IndexError, ValueError):
            self.say("  not understood: type help")
        return True

    def find_member(self, typed: str) -> None:
        found = self.register.call("GET", "/v1/members", params={"q": typed})["members"]
        if len(found) != 1:
            self.say(f"  {len(found)} members match {typed!r}" + "".join(
                f"\n    {m['card'] or m['id']}  {m['name']}  ({m['tier'] or 'no tier'}, {m['points']} points)"
                for m in found))
            return
        member = found[0]
        self.member = member["card"] or member["id"]
        self.say(f"  member {member['name']}: {member['points']} points, tier {member['tier'] or '-'}")
        self.show()

    def show(self) -> dict[str, Any]:
        answer = self.register.call("POST", "/v1/checks/inquire", self.body())
        result = answer["result"]
        for line in result["lines"]:
            sold = next(x for x in self.lines if x["id"] == line["id"])
            self.say(f"  {sold['sku']:<14} x{sold['qty']:<5} {line['subtotal']:>9} {line['discount']:>8} "
                     f"{line['total']:>9}")
        for applied in result["applied"]:
            self.say(f"    promotion {applied['id']}: -{applied['amount']}"
                     + (f" +{applied['points']} pts" if applied["points"] else ""))
        if result["redemption"]["redeemed"]:
            self.say(f"    {result['redemption']['redeemed']} points pay {result['redemption']['value']}")
        for message in answer["messages"]:
            self.say(f"    · {message}")
        self.say(f"  TOTAL {result['currency']} {result['total']}   (points earned {result['points_earned']}"
                 f"{'' if answer['online'] else ', register offline'})")
        return answer

    def pay(self) -> None:
        total = self.show()["result"]["total"]
        transaction = f"{self.check_id}-pay-{uuid.uuid4().hex[:8]}"
        try:
            paid = self.register.call("POST", "/v1/checks/commit",
                                      {**self.body(), "transaction_id": transaction, "expected_total": total})
        except Refusal as refusal:
            if refusal.code == "repriced":
                self.say(f"  the total changed to {refusal.error['result']['total']}: show it and pay again")
                return
            raise
        self.say(f"  PAID {total}: order {paid['order_id']}")
        for text in paid["receipt_lines"]:
            self.say(f"  | {text}")
        for barcode in paid["barcodes"]:
            self.say(f"  | [{barcode['kind']}: {barcode['data']}] {barcode['caption']}")
        self.new_check()

    def give_back(self, args: list[str]) -> None:
        order = args[0]
        pairs = list(zip(args[1::2], args[2::2], strict=False))
        body: dict[str, Any] = {"transaction_id": f"ret-{uuid.uuid4().hex[:12]}", "order_id": order}
        if pairs:
            body["lines"] = [{"id": line_id, "qty": int(qty) if qty.isdigit() else qty} for line_id, qty in pairs]
        done = self.register.call("POST", "/v1/checks/reverse", body)
        self.say(f"  RETURNED from {done['order_id']}: refund {done['refund']}; points given back "
                 f"{done['points']['returned']}, taken back {done['points']['reversed']}")


def rows(source: Iterable[str]) -> Iterator[list[str]]:
    for row in csv.reader(source):
        if row and row[0].strip() and not row[0].lstrip().startswith("#"):
            yield row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A reference till driving a register through its POS API.")
    parser.add_argument("csv", nargs="?", help="a CSV of cashier actions (default: the keyboard)")
    parser.add_argument("--url", default=os.environ.get("POS_TILL_URL", "http://127.0.0.1:8766"))
    parser.add_argument("--key", default=os.environ.get("POS_TILL_KEY"), help="from pos-companion pos-key add")
    options = parser.parse_args(argv)
    if not options.key:
        parser.error("a key is needed: --key, or POS_TILL_KEY (make one with pos-companion pos-key add NAME)")
    till = Till(Register(options.url, options.key))
    try:
        if options.csv:
            with open(options.csv, newline="", encoding="utf-8") as fh:
                for row in rows(fh):
                    till.say(f"> {','.join(row)}")
                    if not till.do(row):
                        break
            return 0
        till.say(f"Till on {options.url}. Type help; an item is SKU QTY PRICE.")
        for typed in sys.stdin:
            cells = next(rows(io.StringIO(typed.replace(" ", ","))), None)
            if cells is not None and not till.do(cells):
                break
        return 0
    except requests.ConnectionError as exc:
        print(f"the register does not answer at {options.url}: {exc}", file=sys.stderr)
        return 1
    except Refusal as refusal:
        print(f"the register refused this till's key: {refusal.error.get('message', '')}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
