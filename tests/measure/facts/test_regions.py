"""reportgen/measure/facts/regions.py: region shares sum to at most one and name the dominant
region; classes grouped by their densest region."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.data.types import REGIONS
from reportgen.measure.facts.regions import group_by_region, region_shares


def test_region_shares_sum_to_at_most_one_and_name_the_dominant_region():
    masks = {r: np.zeros((2, 4, 4), dtype=bool) for r in REGIONS}
    masks["mouth"][:, 3, :] = True
    masks["eyes"][:, 0, :2] = True
    maps = np.ones((2, 4, 4))
    maps[:, 3, :] = 5.0  # the mouth row holds 20 of 32 (per image)
    facts = region_shares(maps, masks)
    assert facts["n"] == 2
    assert facts["dominant"] == "mouth"
    assert facts["shares"]["mouth"] == pytest.approx(20 / 32)
    assert facts["shares"]["eyes"] == pytest.approx(2 / 32)
    assert sum(facts["shares"].values()) + facts["rest"] == pytest.approx(1.0)
    assert facts["second"] == "eyes"
    # an all-zero map is left out, not counted as zero everywhere
    assert (
        region_shares(
            np.concatenate([maps, np.zeros((1, 4, 4))]),
            {r: np.concatenate([m, m[:1]]) for r, m in masks.items()},
        )["n"]
        == 2
    )


def test_classes_are_grouped_by_their_densest_region():
    per_class = [
        {"class": 0, "focus": "brows", "focus_lift": 3.0},
        {"class": 3, "focus": "mouth", "focus_lift": 8.0},
        {"class": 5, "focus": "mouth", "focus_lift": 2.0},
        {"class": 6, "focus": "eyes", "focus_lift": 1.1},  # under the minimum: no focus
    ]
    groups = group_by_region(per_class, "focus", min_lift=1.2)
    assert [g["region"] for g in groups] == ["mouth", "brows"]
    assert groups[0]["classes"] == [3, 5]
    assert groups[0]["members"][0] == {"class": 3, "lift": 8.0}
