"""Render time of a 40-question Chinese report: our uharfbuzz subset vs WeasyPrint's own.

    python benchmarks/bench_render.py [--questions 40] [--repeat 3]

ours:       the TC face cut to the document's characters with uharfbuzz (cached by the
            character set; the first render pays for the cut), embedded as it is
            (write_pdf full_fonts=True).
weasyprint: the whole TC face (16 MB) handed to WeasyPrint, which subsets it itself: with
            libharfbuzz-subset when the system has it, else with fontTools (a fresh
            machine's case; the script says which).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportgen.render import fonts
from reportgen.render.blocks import Section, Table, Text
from reportgen.render.document import build_document
from reportgen.render.fetcher import SafeFetcher
from reportgen.render.html import Target, render_html
from reportgen.render.report import render_report, write_pdf
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import CourseTemplate, Part, Question, list_templates

STUDENT = StudentConfig(id="R05942017", name="王小明", department="電機三")
ANSWER = (
    "本題的 CNN 共有四個卷積區塊，每個區塊為兩層 3x3 卷積、批次正規化與最大池化，"
    "之後接兩層全連接層與 dropout。以 Adam 訓練 30 個 epoch，學習率 0.001，批次大小 128，"
    "驗證準確率為 65.2%，Kaggle public 分數 0.648。與參數量相近的 DNN 相比，"
    "CNN 的準確率高出約 20 個百分點，且每個 epoch 的時間較短；DNN 在第 8 個 epoch 後便開始過擬合。"
    "觀察混淆矩陣，happy 與 surprise 最容易辨認，fear、sad 與 neutral 彼此最常混淆。"
)


def bench_template(n: int) -> tuple[CourseTemplate, dict[str, tuple[Section, Path]]]:
    prompts = [q for t in list_templates() if len(t.parts) == 1 for q in t.questions()]
    questions = []
    sections = {}
    for i in range(n):
        base = prompts[i % len(prompts)]
        module = f"q{i + 1}_bench"
        questions.append(Question(str(i + 1), base.points, base.prompt, (module,), True, None))
        blocks = [
            Text(ANSWER),
            Table(
                "準確率",
                ("模型", "驗證", "Kaggle"),
                (("CNN", "0.652", "0.648"), ("DNN", "0.43", "0.42")),
            ),
        ]
        sections[module] = (Section(module, blocks), Path(tempfile.gettempdir()))
    title = "Machine Learning - Homework 3 Report"
    return CourseTemplate("bench", title, (Part(title, tuple(questions)),)), sections


def ours(template, sections, out: Path) -> None:
    render_report(
        template,
        sections,
        STUDENT,
        lang="zh",
        output=out / "Report.pdf",
        build_dir=out / "build",
        notice=None,
    )


def weasyprint_own(template, sections, out: Path, face_dir: Path) -> None:
    doc = build_document(template, sections, STUDENT, lang="zh", notice=None)
    faces = [
        fonts.FontFace(fonts.CSS_FAMILIES[name], fonts.full_face(source, face_dir), source)
        for name, source in sorted(fonts.cjk_sources().items())
    ]
    html = render_html(doc, faces, Target())
    fetcher = SafeFetcher([out, face_dir, Path(tempfile.gettempdir())])
    write_pdf(html, out / "Report.pdf", fetcher, full_fonts=False)


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from weasyprint.text.ffi import harfbuzz_subset

    template, sections = bench_template(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        face_dir = root / "full"
        for source in fonts.cjk_sources().values():  # extraction is not timed
            fonts.full_face(source, face_dir)
        ours(template, sections, root / "warmup")  # imports, font config: not timed

        cold_dir = root / "cold"
        cold = timed(lambda: ours(template, sections, cold_dir), 1)  # subset not cached
        warm = timed(lambda: ours(template, sections, cold_dir), args.repeat)
        theirs = timed(
            lambda: weasyprint_own(template, sections, root / "own", face_dir), args.repeat
        )
        size_ours = (cold_dir / "Report.pdf").stat().st_size
        size_theirs = (root / "own" / "Report.pdf").stat().st_size

    engine = (
        "HarfBuzz (libharfbuzz-subset)" if harfbuzz_subset else "fontTools (no libharfbuzz-subset)"
    )
    print(f"{args.questions} Chinese questions, median of {args.repeat} (wall / CPU seconds):")
    print(
        f"  ours, subset cached   {warm[0]:6.2f} / {warm[1]:6.2f}   PDF {size_ours / 1024:5.0f} KiB"
    )
    print(f"  ours, first render    {cold[0]:6.2f} / {cold[1]:6.2f}   (cuts the subset)")
    print(
        f"  WeasyPrint's own      {theirs[0]:6.2f} / {theirs[1]:6.2f}   PDF {size_theirs / 1024:5.0f} KiB"
        f"   (subsetting with {engine})"
    )
    print(
        f"  ratio WeasyPrint's own / ours (cached): {theirs[0] / warm[0]:.1f}x wall, "
        f"{theirs[1] / warm[1]:.1f}x CPU"
    )


if __name__ == "__main__":
    main()
