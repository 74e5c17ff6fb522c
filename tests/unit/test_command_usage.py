"""`pos-companion` with an option it does not know says how to call it, once, and exits 2."""

from pos_app.cli import main


def test_an_unknown_option_prints_the_usage_once(capsys):
    assert main(["--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: pos-companion [--headless] [--demo")
    assert err.count("usage:") == 1  # not "usage: usage:"
    assert "pos-companion user add ID NAME" in err and "unrecognized arguments: --bogus" in err
