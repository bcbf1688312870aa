"""A writer for the kill -9 test (test_persist.py): saves two models in turn, over and over, until killed.

    python model_writer.py MODEL_FILE

Prints `ready` after its first save.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sidecar"))

from learn_papers import CLOSE, FAR, LIBRARY

from academichub.radar.learn import InterestModel

path = Path(sys.argv[1])
models = [
    InterestModel.train(LIBRARY, background=FAR),
    InterestModel.train(LIBRARY[:2], background=FAR + CLOSE),
]
models[0].save(path)
print("ready", flush=True)
while True:
    for model in models:
        model.save(path)
