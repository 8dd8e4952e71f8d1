"""The only way WeasyPrint gets a resource: files under a few allowed folders, nothing else.

No network (http, https, ftp...), no file outside the folders (file:///etc/passwd, a
symlink pointing out, ../ tricks): such a URL is refused before anything is opened, so the
image is simply missing from the report. `data:` URLs are decoded in memory.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path
from urllib import request
from urllib.parse import urlsplit

from reportgen.render.native import load_weasyprint

load_weasyprint()  # a missing Pango: one line naming the fix, not cffi's traceback
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402


class RefusedURL(ValueError):
    """A URL outside what the report may read."""


class SafeFetcher(URLFetcher):
    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(dict.fromkeys(Path(os.path.realpath(r)) for r in roots))
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            response = self._fetch(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        self.fetched.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            with request.DataHandler().data_open(request.Request(url)) as response:
                body = response.read()
                content_type = response.headers.get("Content-Type", "")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme != "file":
            raise RefusedURL(f"not a local file: {url}")
        path = self.allowed_path(url)
        if path is None:
            raise RefusedURL(f"outside the report's folders: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def allowed_path(self, url: str) -> Path | None:
        """The real path of a file: URL if it is a regular file under an allowed root."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(os.path.realpath(request.url2pathname(parts.path)))
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path if path.is_file() else None
