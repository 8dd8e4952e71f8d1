"""A student's own model (--model, training.model): the files it may be, the pixel scale it
expects, and where `init --model` writes the starter. Read by the settings' checks and by
the runs that train it; it imports nothing, so a run key that follows it follows nothing else."""

SUFFIXES = (".py", ".keras")
INPUT_SCALES = ("0-255", "0-1")
STARTER = "models/my_cnn.py"  # where `reportgen init --model` writes the starter
