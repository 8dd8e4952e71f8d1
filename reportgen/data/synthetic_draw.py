"""Drawing a batch of synthetic faces: soft distance functions on a posed coordinate grid.

Every part is a signed distance (negative inside) in face units, evaluated for the whole batch
at once on arrays (n, 48, 48); alpha = clip(0.5 - distance * pixels_per_unit / edge_width)
anti-aliases it, and a wider edge width blurs it. The part masks come from the same distances,
so they lie where the parts are drawn, in the posed image's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.data.classes import IMAGE_SIZE
from reportgen.data.synthetic_params import Params
from reportgen.data.types import REGIONS

# pixel centres relative to the image centre
_GRID = np.arange(IMAGE_SIZE, dtype=np.float32) + np.float32(0.5 - IMAGE_SIZE / 2)
_TEXTURE_NODES = 6


def _upsampler(nodes: int) -> np.ndarray:
    """(48, nodes) bilinear interpolation weights from a coarse grid to the pixels."""
    positions = np.linspace(0, IMAGE_SIZE - 1, nodes)
    spacing = positions[1] - positions[0]
    pixels = np.arange(IMAGE_SIZE)[:, None]
    return np.clip(1 - np.abs(pixels - positions[None, :]) / spacing, 0, 1).astype(np.float32)


_UPSAMPLE = _upsampler(_TEXTURE_NODES)


def _col(values: np.ndarray) -> np.ndarray:
    """Per-image values (n,) as (n, 1, 1) float32, to broadcast against images."""
    return np.asarray(values, dtype=np.float32)[:, None, None]


def ellipse_sd(x: np.ndarray, y: np.ndarray, a, b) -> np.ndarray:
    """Approximate signed distance to an axis-aligned ellipse (first-order, exact on it)."""
    ka = x / a
    kb = y / b
    k0 = np.sqrt(ka * ka + kb * kb)
    ka /= a
    kb /= b
    k1 = np.sqrt(ka * ka + kb * kb)
    np.maximum(k1, 1e-6, out=k1)
    return k0 * (k0 - 1) / k1


def ellipse_k2(x: np.ndarray, y: np.ndarray, a, b) -> np.ndarray:
    """The ellipse's implicit function (x/a)^2 + (y/b)^2: below 1 inside. Cheaper than ellipse_sd."""
    ka = x / a
    kb = y / b
    return ka * ka + kb * kb


def _length(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sqrt(x^2 + y^2): np.hypot is several times slower on float32 arrays."""
    return np.sqrt(x * x + y * y)


@dataclass
class Canvas:
    """A batch being drawn: the images, the face coordinates of every pixel, edge sharpness.

    x, y: face coordinates (n, 48, 48); ax = |x|, in which the two eyes (and brows) are one
    mirrored shape; sharp: pixels per face unit / edge width (n, 1, 1); unit: one pixel in face
    units (n, 1, 1); img: float32 (n, 48, 48), drawn on in place.
    """

    x: np.ndarray
    y: np.ndarray
    ax: np.ndarray
    sharp: np.ndarray
    unit: np.ndarray
    img: np.ndarray

    @classmethod
    def posed(cls, p: Params) -> Canvas:
        """The inverse of each image's pose (rotation, scale, shift) applied to the pixel grid."""
        cos, sin = _col(np.cos(p["angle"])), _col(np.sin(p["angle"]))
        scale = _col(p["scale"])
        u = _GRID[None, None, :] - _col(p["shift_x"])
        v = _GRID[None, :, None] - _col(p["shift_y"])
        x = (cos * u + sin * v) / scale
        y = (cos * v - sin * u) / scale
        img = np.empty(x.shape, dtype=np.float32)
        return cls(x, y, np.abs(x), scale / _col(p["soft"]), 1.0 / scale, img)

    def take(self, index: np.ndarray) -> Canvas:
        """A copy of some of the images: draw on it, then put() it back."""
        fields = (self.x, self.y, self.ax, self.sharp, self.unit, self.img)
        return Canvas(*(field[index] for field in fields))

    def put(self, index: np.ndarray, part: Canvas) -> None:
        self.img[index] = part.img

    def alpha(self, sd: np.ndarray) -> np.ndarray:
        """Coverage of a shape given its signed distance: the anti-aliased (or blurred) edge."""
        a = 0.5 - sd * self.sharp
        return np.clip(a, 0.0, 1.0, out=a)

    def paint(self, alpha: np.ndarray, tone) -> None:
        self.img += alpha * (tone - self.img)


def _background(c: Canvas, p: Params) -> None:
    texture = _UPSAMPLE @ p["bg_texture"].astype(np.float32) @ _UPSAMPLE.T
    c.img[:] = _col(p["background"]) + texture


def _head(c: Canvas, p: Params) -> np.ndarray:
    """Hair behind the head, neck, face oval, fringe. Returns the skin tone (n, 1, 1)."""
    skin = _col(p["skin"])
    aspect = _col(p["face_aspect"])
    has_hair = _col(p["has_hair"])
    hair = _col(p["hair"])
    # behind the face only its outline shows: a rough distance will do
    back = (np.sqrt(ellipse_k2(c.x, c.y + 0.1, 1.15, aspect + 0.12)) - 1.0) * 1.2
    back = np.maximum(back, c.y - 0.35)
    c.paint(c.alpha(back) * has_hair, hair)
    neck = np.maximum(np.abs(c.x) - 0.5, 0.7 - c.y)
    c.paint(c.alpha(neck), skin * 0.8)
    half_width = 1.0 - _col(p["jaw"]) * np.clip(c.y / aspect, 0.0, 1.0)
    face = ellipse_sd(c.x, c.y, half_width, aspect)
    shade = 1.0 - 0.18 * np.minimum(c.x * c.x + (c.y / aspect) ** 2, 1.0)
    c.paint(c.alpha(face), skin * shade)
    line = _col(p["hairline"]) + 0.25 * (c.x - _col(p["hair_part"])) ** 2
    c.paint(c.alpha(np.maximum(face, c.y - line)) * has_hair, hair)
    return skin


def _cheeks(c: Canvas, p: Params) -> np.ndarray:
    k2 = ellipse_k2(c.ax - 0.5, c.y - 0.2, 0.2, 0.15)
    c.img += np.clip(1.0 - k2, 0.0, 1.0) * _col(p["cheek_shade"])
    return k2 < 1


def _nose(c: Canvas, p: Params, ink: np.ndarray) -> np.ndarray:
    nose_y = _col(p["nose_y"])
    nostrils = (np.sqrt(ellipse_k2(c.ax - 0.085, c.y - nose_y, 0.045, 0.028)) - 1.0) * 0.035
    c.paint(c.alpha(nostrils) * 0.55, ink)
    # a faint shadow along one side of the bridge: a segment from (x0, y0) to (x1, y1)
    side = _col(p["nose_side"])
    x0, y0 = 0.06 * side, _col(p["eye_y"]) + 0.1
    dx, dy = 0.04 * side, nose_y - 0.05 - y0
    h = np.clip(((c.x - x0) * dx + (c.y - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    bridge = _length(c.x - x0 - h * dx, c.y - y0 - h * dy) - 0.025
    c.paint(c.alpha(bridge) * 0.3, ink)
    return ellipse_k2(c.x, c.y - (nose_y - 0.13), 0.16, 0.25) < 1


def _eyes(c: Canvas, p: Params, skin: np.ndarray, ink: np.ndarray) -> np.ndarray:
    a = _col(p["eye_w"])
    b = a * _col(p["eye_open"])
    ex = c.ax - _col(p["eye_x"])
    ey = c.y - _col(p["eye_y"])
    eye = ellipse_sd(ex, ey, a, b)
    eye_alpha = c.alpha(eye)
    c.paint(eye_alpha, np.minimum(skin * 1.15 + 40.0, 250.0))
    # gaze moves both pupils the same way: mirrored in |x| coordinates
    px = ex - _col(p["gaze_x"]) * np.sign(c.x)
    pupil = _length(px, ey - _col(p["gaze_y"])) - 0.55 * a
    c.paint(np.minimum(c.alpha(pupil), eye_alpha), 25.0)
    lid = np.where(ey < 0, np.float32(0.05), np.float32(0.02))  # the upper lid is heavier
    c.paint(c.alpha(np.abs(eye) - lid), ink)
    return eye < 1.5 * c.unit


def _brows(c: Canvas, p: Params, ink: np.ndarray) -> np.ndarray:
    """Two arched strokes from an inner to an outer end, in mirrored coordinates."""
    base = _col(p["brow_y"] - p["brow_raise"])
    tilt = _col(p["brow_tilt"])
    xi, yi = 0.14 - _col(p["brow_gap"]), base - tilt / 2
    xo, yo = 0.6, base + tilt / 2
    dx, dy = xo - xi, yo - yi
    h = np.clip(((c.ax - xi) * dx + (c.y - yi) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    py = yi + h * dy - _col(p["brow_arch"]) * 4.0 * h * (1.0 - h)
    sd = _length(c.ax - xi - h * dx, c.y - py) - _col(p["brow_thick"]) * (1.0 - 0.45 * h)
    c.paint(c.alpha(sd), ink)
    return sd < 1.2 * c.unit


def _mouth(c: Canvas, p: Params, skin: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Lips around a curved centre line; an open mouth is the gap between the two lips."""
    w = _col(p["mouth_width"])
    curve, skew = _col(p["mouth_curve"]), _col(p["mouth_skew"])
    opening = _col(p["mouth_open"])
    t = c.x / w
    tc = np.clip(t, -1.0, 1.0)
    centre = _col(p["mouth_y"]) - curve * tc * tc + skew * tc
    profile = opening * np.sqrt(1.0 - tc * tc)
    upper = centre - 0.35 * profile
    lower = centre + 0.65 * profile
    slope = (skew - 2.0 * curve * tc) / w
    stretch = np.sqrt(1.0 + slope * slope)  # vertical distance -> distance across the line
    sd = np.maximum(np.maximum(upper - c.y, c.y - lower) / stretch, (np.abs(t) - 1.0) * w)
    c.paint(c.alpha(sd), 35.0)
    teeth = np.maximum(sd, c.y - upper - 0.3 * profile)
    c.paint(c.alpha(teeth) * _col(p["teeth"]), np.minimum(skin * 1.1 + 50.0, 245.0))
    lip = 0.035
    c.paint(c.alpha(np.abs(sd) - lip), ink * 1.3 + 10.0)
    return sd - lip < 1.5 * c.unit


def _glasses(c: Canvas, p: Params) -> None:
    """Round rims around the eyes with a bridge and arms; some are sunglasses."""
    index = np.flatnonzero(p["has_glasses"])
    if index.size == 0:
        return
    g = c.take(index)
    r = _col(p["glasses_r"][index])
    ex, ey = _col(p["eye_x"][index]), _col(p["eye_y"][index])
    lens = _length(g.ax - ex, g.y - ey) - r
    bar_y = np.abs(g.y - ey + 0.05) - 0.025
    frame = np.minimum(np.abs(lens) - 0.03, np.maximum(g.ax - 1.05, bar_y))  # rims, bridge, arms
    frame = np.maximum(frame, -lens - 0.03)  # nothing drawn inside the rims but the lenses
    tone = _col(p["glasses_tone"][index])
    g.paint(g.alpha(frame), tone)
    g.paint(g.alpha(lens) * (0.9 * _col(p["sunglasses"][index])), tone)
    c.put(index, g)


def _rotated(c: Canvas, centre: np.ndarray, angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Face coordinates moved to centre (n, 2) and turned by angle (n,)."""
    dx, dy = c.x - _col(centre[:, 0]), c.y - _col(centre[:, 1])
    cos, sin = _col(np.cos(angle)), _col(np.sin(angle))
    return cos * dx + sin * dy, cos * dy - sin * dx


def _hand(c: Canvas, p: Params, skin: np.ndarray) -> None:
    """A blob of skin with an outline and finger creases, mostly over the lower face."""
    index = np.flatnonzero(p["has_hand"])
    if index.size == 0:
        return
    h = c.take(index)
    hx, hy = _rotated(h, p["hand_xy"][index], p["hand_angle"][index])
    sd = ellipse_sd(hx, hy, _col(p["hand_ab"][index, 0]), _col(p["hand_ab"][index, 1]))
    tone = np.minimum(skin[index] * _col(p["hand_tone"][index]), 250.0)
    h.paint(h.alpha(sd), tone)
    # the creases between the fingers, on one half of the blob
    crease = np.maximum(np.abs(hy - 0.12 * np.round(hy / 0.12)) - 0.015, np.maximum(sd, -hx))
    lines = np.minimum(np.abs(sd) - 0.02, crease)
    h.paint(h.alpha(lines) * 0.6, tone * 0.55)
    c.put(index, h)


def _bar(c: Canvas, p: Params) -> None:
    """A straight band across the image (a strand of hair, a microphone, a pen)."""
    index = np.flatnonzero(p["has_bar"])
    if index.size == 0:
        return
    b = c.take(index)
    _, across = _rotated(b, p["bar_xy"][index], p["bar_angle"][index])
    sd = np.abs(across) - _col(p["bar_width"][index])
    b.paint(b.alpha(sd) * 0.95, _col(p["bar_tone"][index]))
    c.put(index, b)


# sum of two uniform bytes minus 255: triangular, close enough to gaussian for sensor noise and
# several times cheaper to draw than rng.standard_normal
_TRIANGLE_SD = np.sqrt(2 * (256**2 - 1) / 12)


def _triangle_noise(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    size = int(np.prod(shape))
    pairs = np.frombuffer(rng.bytes(2 * size), dtype=np.uint8).reshape(2, *shape)
    noise = pairs[0].astype(np.float32)
    noise += pairs[1]
    noise -= 255.0
    return noise


def _camera(c: Canvas, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Lighting gradient, contrast, sensor noise; quantized to uint8."""
    img = c.img
    u, v = _GRID[None, None, :], _GRID[None, :, None]
    half = IMAGE_SIZE / 2
    img *= 1.0 + _col(p["light_x"]) * (u / half) + _col(p["light_y"]) * (v / half)
    mean = img.mean(axis=(1, 2), keepdims=True)
    img -= mean
    img *= _col(p["contrast"])
    img += mean
    img += _col(p["noise"] / _TRIANGLE_SD) * _triangle_noise(img.shape, rng)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def render(p: Params, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Images uint8 (n, 48, 48) and part masks bool (n, 48, 48) for one batch of parameters.

    The masks are the parts' pixels whether or not an occluder covers them, and are made
    disjoint in the order eyes, brows, mouth, nose, cheeks (a low brow yields to the eye).
    """
    c = Canvas.posed(p)
    _background(c, p)
    skin = _head(c, p)
    ink = skin * _col(p["ink"])
    parts = {"cheeks": _cheeks(c, p), "nose": _nose(c, p, ink)}
    parts["eyes"] = _eyes(c, p, skin, ink)
    parts["brows"] = _brows(c, p, ink)
    parts["mouth"] = _mouth(c, p, skin, ink)
    _glasses(c, p)
    _hand(c, p, skin)
    _bar(c, p)
    images = _camera(c, p, rng)

    masks: dict[str, np.ndarray] = {}
    taken = np.zeros_like(parts["eyes"])
    for region in ("eyes", "brows", "mouth", "nose", "cheeks"):
        masks[region] = parts[region] & ~taken
        taken |= parts[region]
    return images, {region: masks[region] for region in REGIONS}
