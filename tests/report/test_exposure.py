"""The dbt exposure names exactly the models the report reads, so `dbt ls -s +exposure:...` is true."""

import re
from pathlib import Path

import yaml

from pipelines.report_queries import RELATIONS

EXPOSURES = Path(__file__).resolve().parents[2] / "dbt" / "models" / "exposures.yml"


def test_the_exposure_depends_on_every_model_the_report_reads():
    (exposure,) = yaml.safe_load(EXPOSURES.read_text())["exposures"]
    refs = [re.fullmatch(r"ref\('([a-z0-9_]+)'\)", ref).group(1) for ref in exposure["depends_on"]]  # type: ignore[union-attr]
    assert exposure["type"] == "dashboard"
    assert sorted(refs) == sorted(RELATIONS.values())
