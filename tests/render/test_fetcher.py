"""reportgen/render/fetcher.py: the PDF renderer fetches only files under its roots."""

from __future__ import annotations

import pytest

from reportgen.render.fetcher import RefusedURL, SafeFetcher


def test_fetcher_serves_only_files_under_its_roots(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.png").write_bytes(b"\x89PNG")
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    (root / "link.txt").symlink_to(outside)
    fetcher = SafeFetcher([root])
    assert fetcher.fetch((root / "ok.png").as_uri()).read() == b"\x89PNG"
    for url in (
        "file:///etc/passwd",
        outside.as_uri(),
        (root / "link.txt").as_uri(),
        (root / ".." / "secret.txt").as_uri(),
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.png",
        "ftp://example.invalid/x",
        f"file://otherhost{root / 'ok.png'}",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
