"""FER2013's seven classes, in label order."""

CLASS_NAMES: tuple[str, ...] = ("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral")
CLASS_NAMES_ZH: tuple[str, ...] = ("生氣", "厭惡", "恐懼", "高興", "難過", "驚訝", "中立")
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SIZE = 48
PIXELS = IMAGE_SIZE * IMAGE_SIZE


def class_name(label: int, lang: str = "en") -> str:
    return (CLASS_NAMES_ZH if lang == "zh" else CLASS_NAMES)[label]


# The face regions of the explanation tables (reportgen.data.types.REGIONS) and "rest", the
# part of the image outside all of them.
REGION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "eyes": "Eyes",
        "brows": "Brows",
        "nose": "Nose",
        "mouth": "Mouth",
        "cheeks": "Cheeks",
        "rest": "Elsewhere",
    },
    "zh": {
        "eyes": "眼睛",
        "brows": "眉毛",
        "nose": "鼻子",
        "mouth": "嘴巴",
        "cheeks": "臉頰",
        "rest": "其他",
    },
}
