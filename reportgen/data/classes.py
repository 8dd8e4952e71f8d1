"""FER2013's seven classes in label order, as the data names them (image-folder names);
the names a reader sees are in words/<lang>/words.toml."""

CLASS_NAMES: tuple[str, ...] = ("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral")
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SIZE = 48
PIXELS = IMAGE_SIZE * IMAGE_SIZE
