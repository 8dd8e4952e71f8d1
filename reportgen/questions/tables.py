"""Tables that several sections show: a model's layers, and where a map's mass lies among the
face regions. Numbers from the facts, words from the language's catalog (reportgen.words.text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.data.types import REGIONS
from reportgen.render.blocks import Table
from reportgen.words.text import Words, pct, thousands


def layer_table(
    rows: list[dict[str, Any]], params: Mapping[str, int], words: Words, caption: str
) -> Table:
    """Every layer (facts.model.layer_rows) with its output shape and parameters; the footer
    gives the trainable, non-trainable and total parameter counts."""
    w = words["layer_table"]
    return Table(
        caption=caption,
        header=w["header"],
        rows=tuple((r["name"], r["type"], r["output_shape"], thousands(r["params"])) for r in rows),
        footer=tuple(
            (w[k], "", "", thousands(params[k])) for k in ("trainable", "non_trainable", "total")
        ),
    )


def region_share_table(
    facts: Mapping[str, Any], words: Words, caption: str, pointing_header: str | None = None
) -> Table:
    """Per class (facts["per_class"], from per_class_regions): the share of a map's mass in each
    face region and outside them, the region with the largest share and the densest one; the
    footer row is each region's share of the image area. With `pointing_header`, a last column
    holds each class's pointing-game rate and the footer its chance level."""
    w, names, classes = words["region_table"], words["regions"], words["classes"]
    pointing = (pointing_header,) if pointing_header is not None else ()
    header = (
        w["class"],
        w["images"],
        *(names[r] for r in REGIONS),
        names["rest"],
        w["dominant"],
        w["focus"],
        *pointing,
    )
    rows = tuple(
        (
            classes[c["class"]],
            thousands(c["n"]),
            *(pct(c["shares"][r]) for r in REGIONS),
            pct(c["rest"]),
            names[c["dominant"]],
            f"{names[c['focus']]} ×{c['focus_lift']:.1f}" if c["focus"] else "–",
            *((pct(c["pointing"]),) if pointing else ()),
        )
        for c in facts["per_class"]
    )
    return Table(caption=caption, header=header, rows=rows, footer=_area_footer(facts, w, pointing))


def _area_footer(facts: Mapping[str, Any], w: Words, pointing: tuple) -> tuple[tuple[str, ...]]:
    """region_share_table's footer: each region's share of the image area (and the pointing
    game's chance level)."""
    area = facts["area"]
    return (
        (
            w["area"],
            "",
            *(pct(area[r]) for r in REGIONS),
            pct(1 - facts["face_area"]),
            "",
            "",
            *((pct(facts["pointing_chance"]),) if pointing else ()),
        ),
    )
