"""Where AcademicHub keeps its files: the XDG directories unless the user names a data dir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "academichub"


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    state: Path

    @classmethod
    def for_user(cls) -> Paths:
        return cls(
            data=Path(platformdirs.user_data_dir(APP)),
            config=Path(platformdirs.user_config_dir(APP)),
            state=Path(platformdirs.user_state_dir(APP)),
        )

    @classmethod
    def under(cls, data_dir: Path) -> Paths:
        """An explicit --data-dir keeps everything together: a test or a second profile is self-contained."""
        return cls(data=data_dir, config=data_dir, state=data_dir / "state")

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"

    @property
    def papers(self) -> Path:
        return self.data / "papers"


def seed_day_dir() -> Path:
    """The recorded day of feeds shipped inside the package, for the offline run and the demo."""
    return Path(__file__).parent / "data" / "seed-day"
