"""A configured project: its config, profile, course template, data and run store.

The data's fingerprint (what run keys hash) is read from the fingerprint cache when the data
are unchanged, so deciding what is cached loads no data; the data are loaded only when a run
is trained or a section computed, or when the cache does not know them as they are (then once:
the fingerprint is the loaded data's). known_fingerprint never loads them (`reportgen list`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from reportgen.data.types import Dataset
from reportgen.runs.spec import RunSpec
from reportgen.runs.store import RunStore
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile, get_profile

SYNTHETIC_SEED = 0


@dataclass
class Project:
    config: Config
    _data: Dataset | None = field(default=None, repr=False)

    @cached_property
    def profile(self) -> Profile:
        return get_profile(self.config.training.profile)

    @cached_property
    def template(self):  # -> CourseTemplate
        from reportgen.settings.course import load_template

        return load_template(self.config.report.template)

    @cached_property
    def store(self) -> RunStore:
        return RunStore(self.config.runs_dir)

    @property
    def data(self) -> Dataset:
        if self._data is None:
            self._data = load_project_data(self.config, self.profile)
        return self._data

    @property
    def budget(self):  # -> Budget | None
        """The --budget as the planner takes it; None without one."""
        if not self.config.training.budget:
            return None
        from reportgen.runs.execute import Budget
        from reportgen.settings.durations import parse_budget

        text = self.config.training.budget
        profile = self.profile
        return Budget(
            parse_budget(text),
            text,
            profile.shares,
            profile.ablation_holds_epochs,
            profile.cnn_plateau_epochs,
        )

    def train(self, specs: dict[str, RunSpec], report, budget=None):  # -> dict[str, Run]
        """The runs of specs by key: cached ones read, the others trained within the budget
        (default: the configured one, shared out over all of specs)."""
        from reportgen.runs.execute import train_runs

        return train_runs(self.store, self.data, specs, report, budget or self.budget)

    @cached_property
    def fingerprint(self) -> str:
        """The data's fingerprint, without loading the data when the cache knows it."""
        known = self.known_fingerprint
        return known if known is not None else self.data.fingerprint

    @property
    def known_fingerprint(self) -> str | None:
        """The data's fingerprint if it is known without loading the data (loaded already,
        or cached for the files as they are now); None when only loading them would tell."""
        if self._data is not None:
            return self._data.fingerprint
        return cached_fingerprint(self.config, self.profile)

    @property
    def synthetic(self) -> bool:
        """Built on the embedded synthetic faces (no data path configured)."""
        return not self.config.data.path

    def module_runs(self, module: str) -> dict[str, RunSpec]:
        from reportgen import questions

        return questions.load(module).runs(self.profile, self.config)

    def all_runs(self, modules: tuple[str, ...] | None = None) -> dict[str, RunSpec]:
        """Every distinct run the modules need, by key (runs shared between modules once)."""
        out: dict[str, RunSpec] = {}
        for module in modules or self.template.modules():
            for spec in self.module_runs(module).values():
                out.setdefault(spec.key(self.fingerprint), spec)
        return out


def load_project_data(config: Config, profile: Profile) -> Dataset:
    if not config.data.path:
        from reportgen.data.synthetic import synthetic_dataset

        return synthetic_dataset(profile.synthetic_images, seed=SYNTHETIC_SEED)
    from reportgen.data.loader import load_dataset
    from reportgen.data.validate import check_training_labels

    path = data_path(config)
    data = load_dataset(path)
    check_training_labels(data.train.labels, config.data.path)
    return data


def cached_fingerprint(config: Config, profile: Profile) -> str | None:
    """The fingerprint of the project's data from the fingerprint cache, nothing decoded nor
    drawn; None when the cache does not hold it for the data as they are."""
    if not config.data.path:
        from reportgen.data.synthetic import cached_synthetic_fingerprint

        return cached_synthetic_fingerprint(profile.synthetic_images, seed=SYNTHETIC_SEED)
    from reportgen.data.loader import cached_fingerprint as cached_file_fingerprint

    return cached_file_fingerprint(data_path(config))


def data_path(config: Config) -> str:
    """data.path as given when absolute, else relative to the project's root."""
    path = config.data.path
    return path if path.startswith("/") else str(config.root / path)
