"""Kept for old references: the regex-baseline comparison now lives in bench/screening_quality.py.

python bench/regex_baseline.py [tests/data/screening_dev.jsonl]   # same as screening_quality.py
"""

from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("screening_quality.py")), run_name="__main__")
