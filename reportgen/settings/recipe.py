"""Numbers of the way reportgen trains that the report states too: one home, read by the
trainer (reportgen.runs) and by the facts about a run (reportgen.measure.facts.training)."""

# The learning rate's warm-up starts at this fraction of its peak (runs/schedule.py).
WARMUP_START = 0.1
# Training (the speed probe included) ends by this share of a --budget; the sections and the
# PDF take the rest (about a minute on the course's data, on 2 cores).
TRAINING_SHARE = 0.95
