"""The copyable examples run and say what the README promises."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_cite_a_fact_prints_measures_quotes_and_documents():
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "cite_a_fact.py")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Exit ban (Tijdelijke wet bestuurlijke maatregelen terrorismebestrijding)" in text
    assert "uitreis-, gebieds- of contactverbod of een meldplicht" in text
    assert "[004_a171b61eab7447e2.txt]" in text
