#!/usr/bin/env bash
# The full profile's CNN on the real data, on one GPU, within 8 minutes: one prepared command
# for a machine with an NVIDIA GPU and TensorFlow's CUDA build (Colab has both; elsewhere
# `pip install -e '.[gpu]'` brings them). Prints the plan, the validation accuracy (flip TTA
# and without) and the images per second.
#
#   benchmarks/gpu_check.sh [path/to/train.csv.gz] [budget, default 7m]
#
# Validation comes from the training file only (a 10% stratified hold-out); no checkpoint or
# setting is chosen on any test set. The run lands in ./runs/ like any other: copy it next to
# your report and `reportgen build --profile full` reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/fer2013/train.csv.gz}"
budget="${2:-7m}"
python3 - <<'PY'
import os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
gpus = tf.config.list_physical_devices("GPU")
if not gpus:
    sys.exit("gpu_check: TensorFlow sees no GPU here (pip install -e '.[gpu]' on a GPU machine)")
print("gpu_check: TensorFlow", tf.__version__, "on", [tf.config.experimental.get_device_details(g).get("device_name") for g in gpus])
PY
python3 -m reportgen train cnn --profile full --data "$data" --budget "$budget" --dry-run
start=$(date +%s)
python3 -m reportgen train cnn --profile full --data "$data" --budget "$budget"
end=$(date +%s)
python3 - "$data" <<'PY'
import json, sys
from pathlib import Path
from reportgen.config import load_config
from reportgen.project import Project
from reportgen.questions.shared_runs import cnn_run
project = Project(load_config(Path.cwd(), {"profile": "full", "data": sys.argv[1]}))
run = project.store.get(cnn_run(project.profile, project.config), project.data)
m = run.metrics
print(f"gpu_check: {m['device']}, {m['precision']}: {m['epochs_run']} epochs in "
      f"{m['train_seconds'] / 60:.1f} min, {m['n_train'] * m['epochs_run'] / m['train_seconds']:.0f} images/s, "
      f"validation accuracy {m['val_accuracy']:.4f} with flip TTA, {m['val_accuracy_plain']:.4f} without")
PY
echo "gpu_check: wall time $((end - start)) s (the limit is 480 s)"
