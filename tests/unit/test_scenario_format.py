"""A malformed scenario is refused with the offending field's path, and nothing else is guessed."""

import json
import subprocess
import sys

import pytest

from pos_app.domain.scenario_json import FormatError, parse_scenario
from tests.unit.engine_helpers import line, percent, promo, scenario


def error_of(data: dict) -> str:
    with pytest.raises(FormatError) as caught:
        parse_scenario(data)
    return str(caught.value)


@pytest.mark.parametrize(
    ("mutate", "starts"),
    [
        (lambda s: s["cart"][0].update(qty=0), "cart[0].qty: must be > 0"),
        (lambda s: s["cart"][0].update(unit_price=10.5), "cart[0].unit_price: money must be a string"),
        (lambda s: s["cart"][0].update(unit_price="-1.00"), "cart[0].unit_price"),
        (lambda s: s["cart"][0].update(unit_price="1.005"), "cart[0].unit_price: '1.005' has more decimals"),
        (lambda s: s["cart"][0].update(qty="1.5"), "cart[0].qty: must be an integer"),
        (lambda s: s["cart"][0].update(weighted=True), "cart[0].qty: a weighted line"),
        (lambda s: s["cart"].append(dict(s["cart"][0])), "cart[1].id: duplicate line id"),
        (lambda s: s.update(surprise=1), "surprise: unknown field"),
        (lambda s: s["settings"].update(currency="XXX"), "settings.currency: unknown currency"),
        (lambda s: s.update(now="yesterday"), "now:"),
        (lambda s: s.update(redeem_points=-5), "redeem_points: must be >= 0"),
        (lambda s: s["promotions"][0].update(conditions={"min_amount": "5.00"}),
         "promotions[0].conditions.min_amount: unknown field"),
        (lambda s: s["promotions"][0]["reward"].update(qty=2), "promotions[0].reward.qty: unknown field"),
        (lambda s: s["promotions"][0]["reward"].update(value="0"), "promotions[0].reward.value: must be in (0, 100]"),
        (lambda s: s["promotions"][0]["reward"].update(value="101"), "promotions[0].reward.value"),
        (lambda s: s["promotions"][0]["reward"].pop("target"), "promotions[0].reward.target: is required"),
        (lambda s: s["promotions"].append(dict(s["promotions"][0])), "promotions[1].id: duplicate promotion id"),
        (lambda s: s["promotions"][0].update(valid={"hours": ["14:00", "12:00"]}),
         "promotions[0].valid.hours: start must be before end"),
        (lambda s: s["promotions"][0].update(kind="points"), "promotions[0].kind"),
        (lambda s: s["promotions"][0].update(limit_per_customer=0), "promotions[0].limit_per_customer: must be >= 1"),
        (lambda s: s["settings"].update(max_discount_share="1.5"), "settings.max_discount_share"),
    ],
)
def test_each_mistake_is_named_by_its_path(mutate, starts):
    data = scenario([line("L1", "10.00")], [promo("P1", percent("10"))])
    mutate(data)
    assert error_of(data).startswith(starts)


def test_a_code_may_belong_to_one_promotion_only():
    data = scenario([line("L1", "10.00")], [
        promo("P1", percent("10"), codes=[{"code": "SAME"}]),
        promo("P2", percent("20"), codes=[{"code": "same "}]),
    ])
    assert error_of(data).startswith("promotions[1].codes[0].code:")


def test_yen_amounts_have_no_decimals():
    data = scenario([line("L1", "10.50")], settings={"currency": "JPY"})
    assert error_of(data).startswith("cart[0].unit_price:")


def test_the_command_exits_2_with_one_line_on_stderr(tmp_path):
    bad = scenario([line("L1", "10.00", qty=0)])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    proc = subprocess.run([sys.executable, "-m", "pos_app.cli", "evaluate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["cart[0].qty: must be > 0"]
    assert proc.stdout == ""


def test_the_command_reads_standard_input():
    good = scenario([line("L1", "10.00")], [promo("P1", percent("10"))])
    proc = subprocess.run([sys.executable, "-m", "pos_app.cli", "evaluate", "-"], input=json.dumps(good),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == "9.00"


def test_broken_json_is_a_format_error_not_a_crash():
    proc = subprocess.run([sys.executable, "-m", "pos_app.cli", "evaluate", "-"], input="{not json",
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("$: not valid JSON")
