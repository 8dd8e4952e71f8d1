"""Properties, not only examples (hypothesis), of everything that parses or round-trips:
budgets and durations, the settings table, init's reportgen.toml, CSV sniffing and pixel
parsing, answers' Markdown, and the learning-rate schedule under re-plans.

Each property runs a modest number of examples (seconds a test); the expected values are
written here from what the format means, not from the code's own formulas.
"""

from __future__ import annotations

import atexit
import dataclasses
import gzip
import math
import re
import shutil
import tempfile
import tomllib
from functools import partial
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit
from urllib.request import url2pathname

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from reportgen.data import pixels as pixel_parsing
from reportgen.data.sniff import COURSE_TEST, COURSE_TRAIN, FORMATS, KAGGLE, detect_csv
from reportgen.errors import UserError
from reportgen.project.answers import parse_answer
from reportgen.project.init import config_text
from reportgen.render import html as report_html
from reportgen.render import markdown
from reportgen.runs.schedule import WARMUP_START, learning_rate, warmup_steps
from reportgen.settings.config import SECTIONS, Config
from reportgen.settings.durations import WEEK, budget_text, format_duration, parse_budget
from reportgen.settings.table import KEYS, STUDENT_ID, checked

# No example database, and hypothesis's own files (its caches, a failure's patch) in a
# temporary folder: nothing is written into the checkout.
_HOME = tempfile.mkdtemp(prefix="reportgen-hypothesis-")
set_hypothesis_home_dir(_HOME)
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
QUICK = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def one_line_user_error(call, *args, starts: str = "") -> str:
    """The message of the UserError that call(*args) raises: one line, starting with `starts`."""
    with pytest.raises(UserError) as caught:
        call(*args)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(starts), message
    return message


# Text a file or a flag can hold (UTF-8: no lone surrogates), and any text at all.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
CLEAN_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"))
ANY_TEXT = st.text(st.characters(), max_size=40)

# ---------------------------------------------------------------- budgets and durations

NUMBER_TEXT = st.one_of(
    st.integers(0, 400).map(str),
    st.tuples(st.integers(0, 400), st.integers(0, 999)).map(lambda p: f"{p[0]}.{p[1]}"),
)


@st.composite
def durations(draw) -> tuple[str, float]:
    """A duration as people write it ('1h30m', '90s', '1.5h', ' 2H 5M ', '45'), and its
    seconds, summed here from its parts."""
    if draw(st.booleans()):
        number = draw(NUMBER_TEXT)
        return number, float(number) * 60  # a bare number is minutes
    parts = {u: draw(st.none() | NUMBER_TEXT) for u in "hms"}
    assume(any(parts.values()))
    text = "".join(f"{n}{u}" for u, n in parts.items() if n is not None)
    seconds = sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for u, n in parts.items() if n)
    spaced = "".join(c + draw(st.sampled_from(["", "", " "])) for c in text)
    return draw(st.sampled_from([str.lower, str.upper]))(spaced), seconds


@QUICK
@given(durations())
def test_a_duration_reads_as_the_sum_of_its_parts(written):
    text, seconds = written
    if 0 < seconds <= WEEK:
        assert parse_budget(text) == pytest.approx(seconds)
    else:
        one_line_user_error(parse_budget, text, starts="--budget ")


@QUICK
@given(durations())
def test_parse_then_format_then_parse_is_stable(written):
    text, seconds = written
    assume(0 < seconds <= WEEK)
    flag = budget_text(parse_budget(text))
    again = parse_budget(flag)
    assert again % 60 == 0 and seconds <= again < seconds + 60  # rounded up to a minute
    assert budget_text(again) == flag
    assert re.fullmatch(r"(?:[1-9]\d*h)?(?:[1-9]\d?m)?", flag) and flag


@QUICK
@given(ANY_TEXT)
@example("30m1h")  # units out of order
@example("1h1h")
@example("0m")
@example("169h")
@example("1" * 400 + "h")  # overflows to infinity
@example("5d")
@example("-5m")
@example("4\n5m")
def test_any_text_is_a_budget_of_a_week_at_most_or_one_line(text):
    try:
        seconds = parse_budget(text)
    except UserError as refused:
        message = str(refused)
        assert "\n" not in message and message.startswith("--budget "), message
    else:
        assert 0 < seconds <= WEEK


@QUICK
@given(st.integers(1, WEEK // 60) | st.floats(1e-4, WEEK / 60))
def test_a_number_of_minutes_up_to_a_week_is_a_budget(minutes):
    """(From 1e-4 minutes: Python writes smaller floats as 1e-05, which the budget's text
    form does not take; such a budget is refused in one line, see the next property.)"""
    assert parse_budget(minutes) == pytest.approx(minutes * 60)


@QUICK
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**20), 10**20),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_other_value_is_a_budget_of_a_week_at_most_or_one_line(value):
    try:
        seconds = parse_budget(value)
    except UserError as refused:
        message = str(refused)
        assert "\n" not in message and message.startswith("--budget "), message
        assert (
            isinstance(value, bool | list | type(None))
            or not 0 < value * 60 <= WEEK
            or (
                "e" in str(value)  # 1e-05: see the property above
            )
        )
    else:
        assert isinstance(value, int | float) and not isinstance(value, bool)
        assert seconds == pytest.approx(value * 60) and 0 < seconds <= WEEK


@QUICK
@given(st.floats(0, WEEK))
def test_a_duration_written_for_people_is_one_short_line(seconds):
    text = format_duration(seconds)
    assert "\n" not in text and len(text) <= 16
    minutes = seconds / 60
    if minutes >= 60:
        assert text.startswith(f"{round(minutes) // 60} h")
    else:
        assert text.endswith(" min") and float(text.split()[0]) == pytest.approx(minutes, abs=0.51)


# ---------------------------------------------------------------- the settings table

ROWS = list(KEYS.items())
IDS = [f"{t}.{k}" for (t, k), _ in ROWS]
TEMPLATE_IDS = None


def _template_ids() -> list[str]:
    from reportgen.settings.course import template_ids

    return sorted(template_ids())


def _stem() -> st.SearchStrategy[str]:
    alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/\\.")
    return st.text(alphabet, min_size=1, max_size=12).filter(lambda s: s.strip() == s)


def _student_ids() -> st.SearchStrategy[str]:
    ids = st.from_regex(r"[A-Za-z][A-Za-z0-9]{8}", fullmatch=True).filter(str.isascii)
    return st.tuples(st.sampled_from(["", " ", "\t"]), ids, st.sampled_from(["", " "])).map("".join)


def valid_values(setting) -> st.SearchStrategy:
    """Every kind of value the row takes."""
    if setting.flag == "student_id":
        return st.just("") | _student_ids()
    if setting.flag == "budget":
        return (
            st.just("")
            | durations().filter(lambda d: 0 < d[1] <= WEEK).map(lambda d: d[0])
            | st.integers(1, WEEK // 60)
            | st.floats(0.01, WEEK / 60)
        )
    if setting.flag == "template":
        return st.sampled_from(_template_ids())
    if setting.choices:
        return st.sampled_from(setting.choices)
    if setting.between is not None:
        low, high = setting.between
        whole = st.integers(math.ceil(low), math.floor(high))
        return st.floats(low, high) | (whole if math.ceil(low) <= high else st.nothing())
    if setting.suffixes:
        suffix = st.sampled_from(setting.suffixes).flatmap(
            lambda s: st.sampled_from([s, s.upper()])
        )
        return st.just("") | st.tuples(_stem(), suffix).map("".join)
    if setting.required:
        return CLEAN_TEXT.filter(str.strip)
    return CLEAN_TEXT


def invalid_values(setting) -> st.SearchStrategy:
    """Values the row must refuse."""
    wrong_type = st.booleans() | st.none() | st.lists(st.integers(), max_size=2)
    if str not in setting.types:
        return wrong_type | TEXT
    bad_text = st.tuples(TEXT, st.sampled_from(["\0", "\ud800"]), TEXT).map("".join)
    if int not in setting.types:
        wrong_type |= st.integers() | st.floats()
    out = wrong_type | bad_text
    if setting.flag == "student_id":
        short = st.from_regex(r"[A-Z][A-Z0-9]{0,7}", fullmatch=True)
        long = st.from_regex(r"[A-Z][A-Z0-9]{9,12}", fullmatch=True)
        digit_first = st.from_regex(r"[0-9][A-Z0-9]{8}", fullmatch=True)
        out |= short | long | digit_first | st.just("R0594201_")
    elif setting.flag == "budget":
        out |= st.sampled_from(["soon", "30m1h", "1h1h", "0m", "169h", "-5m", "5d", "1e3"])
        out |= st.integers(max_value=0) | st.floats(WEEK / 60 + 1, 1e300)
    elif setting.choices:
        out |= TEXT.filter(lambda s: s not in setting.choices)
    elif setting.suffixes:
        bad = st.sampled_from([".txt", ".h5", ".pth", ".keras.bak", ".pyc", ""])
        out |= st.tuples(_stem(), bad).map("".join)
    if setting.between is not None:
        low, high = setting.between
        out = wrong_type | TEXT | st.floats(max_value=low, exclude_max=True)
        out |= st.floats(min_value=high, exclude_min=True) | st.just(math.nan)
    if setting.required:
        out |= st.sampled_from(["", " ", "\t "])
    return out


@pytest.mark.parametrize(("key", "setting"), ROWS, ids=IDS)
def test_every_valid_value_is_accepted(key, setting):
    @QUICK
    @given(valid_values(setting))
    def accepted(value):
        kept = checked(setting, value, "here")
        if setting.flag == "student_id":
            assert kept == value.strip().upper() and (kept == "" or STUDENT_ID.match(kept))
        elif setting.flag == "budget":
            assert kept == str(value)
        else:
            assert kept == value and type(kept) is type(value)

    accepted()


@pytest.mark.parametrize(("key", "setting"), ROWS, ids=IDS)
def test_every_invalid_value_is_refused_in_one_line(key, setting):
    where = f"{'.'.join(key)} = value"

    @QUICK
    @given(invalid_values(setting))
    def refused(value):
        one_line_user_error(checked, setting, value, where, starts=f"{where}: ")

    refused()


# ---------------------------------------------------------------- init's reportgen.toml

TEXT_KEYS = [
    k for k, s in ROWS if s.types == (str,) and not s.choices and not s.suffixes and s.parse is None
]


@SLOW
@given(st.fixed_dictionaries({key: CLEAN_TEXT for key in TEXT_KEYS}))
def test_any_text_init_writes_reads_back_the_same(values):
    config = Config()
    tables = {}
    for (table, name), value in values.items():
        tables.setdefault(table, {})[name] = value
    config = dataclasses.replace(
        config,
        **{t: dataclasses.replace(getattr(config, t), **kv) for t, kv in tables.items()},
    )
    read = tomllib.loads(config_text(config))
    for (table, name), value in values.items():
        assert read[table][name] == value, (table, name)


def test_the_text_keys_are_the_free_text_settings():
    assert {("student", "name"), ("report", "output"), ("data", "path")} <= set(TEXT_KEYS)
    assert set(SECTIONS) >= {t for t, _ in TEXT_KEYS}


# ---------------------------------------------------------------- CSV sniffing

KEY_NAMES = {"label", "id", "feature", "emotion", "pixels", "usage"}
EXTRA = st.text(
    st.characters(whitelist_categories=("L", "N"), whitelist_characters="_ -"),
    min_size=1,
    max_size=10,
).filter(lambda s: s.strip() and s.strip().lower() not in KEY_NAMES)


def _cased(name: str, how: int) -> str:
    return (name, name.upper(), name.capitalize())[how % 3]


@st.composite
def headers(draw):
    """(format, header line, {column: name as written}) of one accepted format."""
    fmt = draw(st.sampled_from(FORMATS))
    wanted = list(fmt.required) + [c for c in fmt.optional if draw(st.booleans())]
    written = {c: _cased(c, draw(st.integers(0, 2))) for c in wanted}
    names = list(written.values()) + draw(st.lists(EXTRA, max_size=3, unique_by=str.lower))
    names = draw(st.permutations(names))
    pad = draw(st.sampled_from(["", " ", "  "]))
    line = ",".join(f"{pad}{n}{pad}" for n in names)
    return fmt, line, {c: n.strip() for c, n in written.items()}


def _write(folder: Path, data: bytes, gzipped: bool) -> Path:
    path = folder / "data.csv"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


@SLOW
@given(
    headers(),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([b"", b"3,1 2 3\n"]),
)
def test_a_header_of_an_accepted_format_is_found_with_its_columns(
    header, newline, bom, gzipped, rows
):
    fmt, line, columns = header
    data = ("\ufeff" if bom else "").encode() + (line + newline).encode("utf-8") + rows
    with tempfile.TemporaryDirectory() as folder:
        found, named = detect_csv(_write(Path(folder), data, gzipped), "data.csv")
    assert found == fmt
    assert named == columns


@SLOW
@given(st.binary(max_size=200), st.booleans())
@example(b"", False)
@example(b"PK\x03\x04rest", False)
@example(b"\x1f\x8bnot gzip", False)
@example(b"1,2,3\n", False)
@example(b"\xff\xfe,label\n", False)
@example(b"label,emotion,pixels\n", True)
def test_any_bytes_are_a_format_or_one_line(data, gzipped):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), data, gzipped)
        try:
            fmt, columns = detect_csv(path, "data.csv")
        except UserError as refused:
            message = str(refused)
            assert "\n" not in message and message.startswith("data.csv: "), message
        else:
            assert fmt in (COURSE_TRAIN, COURSE_TEST, KAGGLE)
            assert set(fmt.required) <= set(columns)


# ---------------------------------------------------------------- pixels and labels

PIXELS = 48 * 48
LINES = np.array([2, 3, 5])  # line numbers in the file (a blank line skipped, say)


def _images(seed: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, PIXELS), dtype=np.uint8)


@st.composite
def written_rows(draw):
    """(images, their pixel strings): canonical, or with leading zeros, '+' signs, runs of
    spaces and tabs, and spaces around, which the format allows."""
    n = draw(st.integers(1, 3))
    images = _images(draw(st.integers(0, 2**32 - 1)), n)
    style = draw(st.sets(st.sampled_from(["zeros", "plus", "spaces", "around"])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for image in images:
        tokens = [str(v) for v in image]
        if "zeros" in style:
            tokens = [
                t.zfill(int(w)) for t, w in zip(tokens, rng.integers(1, 5, PIXELS), strict=True)
            ]
        if "plus" in style:
            tokens = [
                ("+" + t) if p else t for t, p in zip(tokens, rng.random(PIXELS) < 0.1, strict=True)
            ]
        gaps = (
            rng.choice([" ", "  ", "\t", " \t "], PIXELS - 1)
            if "spaces" in style
            else [" "] * (PIXELS - 1)
        )
        row = tokens[0] + "".join(g + t for g, t in zip(gaps, tokens[1:], strict=True))
        rows.append(f"  {row} " if "around" in style else row)
    return images, rows


@SLOW
@given(written_rows())
def test_pixels_read_back_as_written(written):
    images, rows = written
    parsed = pixel_parsing.parse_pixels(rows, LINES, "train.csv", "feature")
    assert parsed.dtype == np.uint8 and parsed.shape == (len(rows), 48, 48)
    np.testing.assert_array_equal(parsed.reshape(len(rows), PIXELS), images)


BAD_TOKENS = st.one_of(
    st.integers(256, 10**30).map(str),
    st.integers(-(10**30), -1).map(str),
    st.sampled_from(["1.5", "0x10", "nan", "inf", "٣", "12a", "--1", "+", "1e2", "２"]),
)


@SLOW
@given(st.integers(0, 2), st.integers(0, PIXELS - 1), BAD_TOKENS, st.integers(0, 2**32 - 1))
@example(1, 0, "256", 0)
@example(2, PIXELS - 1, "-1", 0)
def test_a_bad_pixel_is_one_line_naming_its_line_and_position(row, position, token, seed):
    rows = [" ".join(map(str, image)) for image in _images(seed, 3)]
    tokens = rows[row].split(" ")
    tokens[position] = token
    rows[row] = " ".join(tokens)
    message = one_line_user_error(
        pixel_parsing.parse_pixels, rows, LINES, "train.csv", "feature", starts="train.csv: "
    )
    assert f"line {LINES[row]}: pixel {position + 1} is " in message, message


@SLOW
@given(st.integers(0, 2), st.integers(1, 40), st.booleans(), st.integers(0, 2**32 - 1))
def test_a_row_of_the_wrong_length_is_one_line_with_its_count(row, change, longer, seed):
    rows = [" ".join(map(str, image)) for image in _images(seed, 3)]
    tokens = rows[row].split(" ")
    tokens = tokens + ["7"] * change if longer else tokens[:-change]
    rows[row] = " ".join(tokens)
    message = one_line_user_error(
        pixel_parsing.parse_pixels, rows, LINES, "train.csv", "feature", starts="train.csv: "
    )
    assert f"line {LINES[row]}: {len(tokens)} pixels, expected {PIXELS}" in message


@QUICK
@given(
    st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["", " ", "  "])), min_size=1, max_size=3)
)
def test_labels_read_back_with_spaces_around(written):
    values = [f"{pad}{label}{pad}" for label, pad in written]
    parsed = pixel_parsing.parse_labels(values, LINES[: len(values)], "train.csv", "label")
    assert parsed.tolist() == [label for label, _ in written]


@QUICK
@given(TEXT.filter(lambda s: s.strip() not in {str(c) for c in range(7)}))
@example("7")
@example("-1")
@example("+3")  # a sign: an integer, in range
@example("٣")
@example("")
def test_any_other_label_is_one_line_or_a_class(value):
    try:
        parsed = pixel_parsing.parse_labels([value], LINES[:1], "train.csv", "label")
    except UserError as refused:
        assert "\n" not in str(refused) and str(refused).startswith("train.csv: line 2: ")
    else:
        assert 0 <= parsed[0] <= 6 and int(value.strip()) == parsed[0]


# ---------------------------------------------------------------- answers' Markdown

# What markdown-it (commonmark, tables, strikethrough) writes; nothing else may reach the HTML.
TAGS = {
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "s",
    "span",
}
ATTRIBUTES = {"href", "src", "alt", "title", "class", "start", "style"}
HTML_BITS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src="http://evil.example/x.png">',
        "<iframe src=x>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=x>",
        "<style>body{background:url(http://e.example)}</style>",
        "<!-- c -->",
        "<link rel=stylesheet href=http://e.example/s.css>",
        "&lt;b&gt;",
        "<svg onload=alert(1)>",
    ]
)
SOURCES = st.sampled_from(
    [
        "pic.png",
        "sub/../pic.png",
        "../outside.png",
        "%2e%2e/outside.png",
        "..%2Foutside.png",
        "/etc/passwd",
        "file:///etc/passwd",
        "http://evil.example/x.png",
        "https://evil.example/x.png",
        "//evil.example/x.png",
        "\\\\server\\share\\x.png",
        "sub\\..\\..\\outside.png",
        "link.png",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/html,<script>alert(1)</script>",
        "",
    ]
)
MARKDOWN_BITS = st.one_of(
    TEXT,
    HTML_BITS,
    st.tuples(TEXT, SOURCES).map(lambda p: f"![{p[0]}]({p[1]})"),
    st.tuples(TEXT, SOURCES).map(lambda p: f"[{p[0]}]({p[1]})"),
    st.tuples(TEXT, SOURCES).map(lambda p: f'![a]({p[1]} "{p[0]}")'),
    st.sampled_from(["# h", "###### h", "| a | b |\n|:-|-:|\n| 1 | 2 |", "```\n<b>\n```", "\n\n"]),
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(decl)

    def handle_pi(self, data):
        self.other.append(data)


@pytest.fixture(scope="module")
def answers_folder(tmp_path_factory):
    """project/answers/ with pic.png, and link.png a symlink to a file outside it."""
    root = tmp_path_factory.mktemp("md")
    answers = root / "project" / "answers"
    answers.mkdir(parents=True)
    (answers / "pic.png").write_bytes(b"png")
    (root / "outside.png").write_bytes(b"secret")
    (answers / "link.png").symlink_to(root / "outside.png")
    return answers


@SLOW
@given(st.lists(MARKDOWN_BITS, max_size=6).map(" ".join))
@example("![a](../outside.png) ![b](link.png) ![c](%2e%2e/outside.png) ![d](pic.png)")
@example("![a](/etc/passwd) ![b](http://evil.example/x.png) ![c](file:///etc/passwd)")
@example('<script>alert(1)</script> <img src="http://evil.example/x.png"> [a](javascript:x)')
def test_no_answer_text_leaks_html_or_fetches_outside_the_project(answers_folder, text):
    resolve = partial(report_html._image_url, [answers_folder], report_html.Target())
    out = str(markdown.to_html(text, resolve, "[image: {src}]"))
    parsed = _Tags()
    parsed.feed(out)
    parsed.close()
    assert not parsed.other, parsed.other
    allowed = answers_folder.resolve()
    for tag, attrs in parsed.tags:
        assert tag in TAGS, (tag, out)
        assert set(attrs) <= ATTRIBUTES, (tag, attrs)
        if "style" in attrs:
            assert re.fullmatch(r"text-align:(left|right|center)", attrs["style"] or ""), attrs
        if tag == "img":  # the one thing WeasyPrint fetches from the answer's HTML
            src = attrs["src"] or ""
            if src.startswith("data:"):
                assert src.startswith("data:image/"), src
                continue
            parts = urlsplit(src)
            assert parts.scheme == "file" and parts.netloc == "", src
            assert Path(url2pathname(parts.path)).resolve().is_relative_to(allowed), src
        if tag == "a":  # a link is not fetched; markdown-it keeps only harmless ones
            href = (attrs.get("href") or "").lower()
            assert urlsplit(href).scheme not in {"javascript", "vbscript", "file"}, attrs
            assert not href.startswith("data:") or href.startswith("data:image/"), attrs


@QUICK
@given(TEXT.filter(lambda s: not s.lstrip().startswith("---")))
def test_an_answer_without_front_matter_is_its_text(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        meta, body = parse_answer(path)
    assert meta == {} and body == "\n".join(text.splitlines()).strip()


COLLABORATORS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
).filter(lambda s: " #" not in s)


@QUICK
@given(st.sampled_from(["append", "replace"]), COLLABORATORS, TEXT)
def test_front_matter_reads_back_as_written(mode, collaborators, body):
    assume(not body.lstrip().startswith("---"))
    text = f"---\nmode: {mode}\ncollaborators: {collaborators}\n---\n{body}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        meta, read = parse_answer(path)
    assert meta == {"mode": mode, "collaborators": collaborators.strip()}
    assert read == "\n".join(body.splitlines()).strip()


@QUICK
@given(
    st.lists(
        st.one_of(TEXT, st.sampled_from(["---", "mode: x", "mode: replace", ": v", "k: v", "# c"])),
        max_size=6,
    ).map("\n".join)
)
def test_any_answer_file_reads_or_is_one_line(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            meta, _ = parse_answer(path)
        except UserError as refused:
            assert "\n" not in str(refused) and str(refused).startswith(str(path))
        else:
            assert set(meta) <= {"mode", "collaborators"}
            assert meta.get("mode", "append") in ("append", "replace")


# ---------------------------------------------------------------- the schedule


@QUICK
@given(
    st.floats(1e-5, 1.0),
    st.integers(1, 500),
    st.floats(0.0, 0.5),
)
def test_a_cosine_schedule_warms_up_peaks_and_ends_at_zero(peak, total, fraction):
    warmup = warmup_steps(fraction, total)
    rates = [learning_rate(s, peak, warmup, total) for s in range(total + 1)]
    assert rates[-1] == pytest.approx(0.0, abs=1e-12 * peak)
    assert all(0.0 <= r <= peak * (1 + 1e-12) for r in rates)
    if warmup:
        assert rates[0] == pytest.approx(WARMUP_START * peak)
        assert all(a <= b for a, b in pairwise(rates[: warmup + 1]))
    assert rates[warmup] == pytest.approx(peak) or warmup == total
    after = rates[warmup:]
    assert all(a >= b - 1e-15 for a, b in pairwise(after))


def _train_with_replans(epochs: int, steps: int, fraction: float, answers: list[int]):
    """The real EpochLoop and Pace on a model that does not exist: each epoch ends, the
    plan answers the next length. (epochs run, the lengths planned, the rate after each
    epoch, the rates of every step of the final schedule, the warm-up's steps)."""
    from reportgen.runs.loop import EpochLoop, RunSchedule
    from reportgen.runs.plan import Pace
    from reportgen.runs.spec import RunSpec

    asked = iter(answers)
    pace = Pace(lambda done, seconds: next(asked, done + 1), "1h", 3600.0, 0.5, epochs)
    spec = SimpleNamespace(learning_rate=0.01, schedule="cosine")
    assert {"learning_rate", "schedule"} <= {f.name for f in dataclasses.fields(RunSpec)}
    warmup = warmup_steps(fraction, epochs * steps)
    state = {"epochs": epochs, "epoch": 0, "history": {}, "seconds": 0.0, "warmup_steps": warmup}
    loop = EpochLoop(spec, state, steps, on_epoch=lambda s: None, replan=pace.replan)
    in_graph = RunSchedule(spec.learning_rate, warmup, epochs * steps)
    model = SimpleNamespace(stop_training=False, optimizer=SimpleNamespace(_learning_rate=in_graph))
    loop.set_model(model)
    logs = {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.5}
    lengths = []
    for epoch in range(10_000):
        loop.on_epoch_end(epoch, logs)
        lengths.append(state["epochs"])
        if model.stop_training:
            break
    total = state["epochs"] * steps
    schedule = [loop.rate(s) for s in range(total + 1)]
    # The schedule in the graph was laid out again with the plan: the same rates.
    assert float(in_graph(total)) == pytest.approx(schedule[-1], abs=1e-7)
    return state["epoch"], lengths, state["history"]["lr"], schedule, warmup


@pytest.fixture(scope="module")
def keras_loaded():
    from reportgen.tfenv import tensorflow

    tensorflow()


@SLOW
@given(
    st.integers(1, 30),
    st.integers(1, 20),
    st.floats(0.0, 0.3),
    st.lists(st.integers(-5, 60), max_size=8),
)
def test_after_any_re_plan_the_run_has_the_length_asked_and_ends_at_zero(
    keras_loaded, epochs, steps, fraction, answers
):
    """A re-plan may ask for any length (fewer epochs than done included): the run gets at
    least one more epoch, then exactly what was last asked, and its schedule ends at zero
    there, even when it is shorter than the warm-up laid out for the first length."""
    run, lengths, lr, schedule, _ = _train_with_replans(epochs, steps, fraction, answers)
    # Planned by hand: after epoch e (1-based), while e < the length, the length becomes
    # max(e + 1, the next answer); an exhausted plan answers e + 1.
    expected, length, e = [], epochs, 0
    queue = list(answers)
    while True:
        e += 1
        if e < length:
            length = max(e + 1, queue.pop(0) if queue else e + 1)
        expected.append(length)
        if e >= length:
            break
    assert lengths == expected and run == length == len(lr)
    assert lr[-1] == 0.0 and schedule[-1] == 0.0
    assert all(0.0 <= r <= 0.01 * (1 + 1e-12) for r in schedule)


def test_a_re_plan_shorter_than_the_warm_up_still_ends_at_zero(keras_loaded):
    # 100 epochs of 10 steps with a 5% warm-up: 50 steps. The probe was 50x too hopeful:
    # after epoch 1 the plan asks for 2 epochs, 20 steps, all inside the warm-up.
    run, _, lr, _, warmup = _train_with_replans(100, 10, 0.05, [2])
    assert (run, warmup) == (2, 50)
    assert lr[-1] == 0.0
