"""reportgen/measure/facts/examples.py: the example shown for each class is its most confident
correct one."""

from __future__ import annotations

import json

import numpy as np

from reportgen.measure.facts.examples import choose_examples


def test_the_example_per_class_is_the_most_confident_correct_one():
    probs = np.array(
        [
            [0.6, 0.1, 0.1, 0.1, 0.05, 0.03, 0.02],  # class 0, correct, 0.6
            [0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01],  # class 0, correct, 0.9  <- chosen
            [0.05, 0.0, 0.0, 0.95, 0.0, 0.0, 0.0],  # class 0, wrong (0.05 for class 0)
            [0.3, 0.1, 0.0, 0.6, 0.0, 0.0, 0.0],  # class 1, wrong: 0.1
            [0.2, 0.2, 0.0, 0.6, 0.0, 0.0, 0.0],  # class 1, wrong: 0.2  <- fallback
            [0.0, 0.0, 0.0, 0.7, 0.0, 0.0, 0.3],  # class 3, correct, 0.7 (tie) <- earlier
            [0.0, 0.0, 0.0, 0.7, 0.0, 0.0, 0.3],  # class 3, correct, 0.7 (tie)
        ]
    )
    true = np.array([0, 0, 0, 1, 1, 3, 3])
    index = np.array([10, 11, 12, 13, 14, 15, 16])
    examples = {e["class"]: e for e in choose_examples(probs, true, index)}
    assert sorted(examples) == [0, 1, 3]  # classes without images are left out
    assert examples[0]["position"] == 1 and examples[0]["row"] == 11 and examples[0]["correct"]
    assert examples[1]["position"] == 4 and not examples[1]["correct"]
    assert examples[1]["predicted"] == 3
    assert examples[3]["position"] == 5
    json.dumps(list(examples.values()))
