"""The reference till (`tools/till.py`) drives a register through its POS API, from a CSV or the keyboard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def till(register, *args: str, keyboard: str | None = None) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    return subprocess.run([sys.executable, str(ROOT / "tools" / "till.py"), "--url", register.url,
                           "--key", register.keys["till-1"], *args], input=keyboard, capture_output=True,
                          text=True, timeout=60)


def test_the_sample_sale_from_a_csv_is_priced_paid_and_written(register) -> None:
    run = till(register, str(ROOT / "tools" / "sale.csv"))

    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "member Zoë Martin: 4820 points, tier gold" in out
    assert "300 points pay 3.00" in out
    order_id = out.split("PAID ")[1].split("order ")[1].split()[0]
    assert f"[code128: {order_id}]" in out
    assert register.rows("SELECT customer_id, points_redeemed, codes FROM orders") == [
        ("C00001", 300, '["SAVE5"]')]


def test_a_cashier_at_the_keyboard_sells_then_returns(register) -> None:
    keyboard = "DAI-0005 3 2.49\nXYZ 1 1.00\npay\n"
    sold = till(register, keyboard=keyboard)
    order_id = sold.stdout.split("order ")[1].split()[0]

    returned = till(register, keyboard=f"return {order_id} 1 1\nquit\n")

    assert "SKU XYZ: not in the catalogue, priced as sent" in sold.stdout
    assert f"RETURNED from {order_id}" in returned.stdout
    assert register.rows("SELECT qty_returned FROM order_lines WHERE order_id = :o AND line_id = '1'",
                         o=order_id) == [("1",)]


def test_without_a_key_or_a_register_it_says_so(register) -> None:
    no_key = subprocess.run([sys.executable, str(ROOT / "tools" / "till.py"), "--url", register.url],
                            capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    nobody = subprocess.run([sys.executable, str(ROOT / "tools" / "till.py"), "--url", "http://127.0.0.1:9",
                             "--key", "posk_x", str(ROOT / "tools" / "sale.csv")], capture_output=True, text=True,
                            timeout=60)

    assert no_key.returncode == 2 and "a key is needed" in no_key.stderr
    assert nobody.returncode == 1 and "does not answer" in nobody.stderr


def test_a_wrong_key_stops_the_till_at_its_first_call(register) -> None:
    wrong = subprocess.run([sys.executable, str(ROOT / "tools" / "till.py"), "--url", register.url,
                            "--key", "posk_not-a-key", str(ROOT / "tools" / "sale.csv")], capture_output=True,
                           text=True, timeout=60)

    assert wrong.returncode == 1 and "refused this till's key" in wrong.stderr
    assert wrong.stdout.count("> ") == 1  # it did not go on through the file
