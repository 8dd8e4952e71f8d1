"""The question modules' sections on the tiny profile's runs (trained once per session on the
synthetic faces, shared with other tests): each computed once, on first use."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def zh(tiny_project):
    return tiny_project


@pytest.fixture(scope="module")
def en(tiny_project_factory):
    return tiny_project_factory(lang="en")


@pytest.fixture(scope="module")
def sections(zh, section_of):
    """sections(module) -> (Section, folder), in zh (the default language)."""
    return lambda module: section_of(zh, module)


@pytest.fixture(scope="module")
def cnn(tiny_project):
    """The tiny profile's CNN run, as q5..q8 read it (trained here when no test has yet)."""
    from reportgen import questions
    from reportgen.progress import Reporter

    spec = questions.load("q5_saliency").runs(tiny_project.profile, tiny_project.config)["cnn"]
    return tiny_project.store.ensure(spec, tiny_project.data, Reporter())
