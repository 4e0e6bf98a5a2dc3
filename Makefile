# PlateWatch — see README.md. Every target works on a fresh Debian 12 machine as root.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test check lint types fast-test bench train-reader train-detector train-state train-rectifier clean

$(STAMP): pyproject.toml
	@scripts/ensure_venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	scripts/run.sh

test: install
	scripts/test.sh

lint: install
	$(BIN)/ruff check src tests training benchmarks
	$(BIN)/ruff format --check src tests training benchmarks

types: install
	$(BIN)/mypy

fast-test: install
	PLATEWATCH_TEST_BACKENDS=sqlite $(BIN)/pytest -q -m "not slow and not browser" -x

check: lint types fast-test

bench: install
	scripts/bench.sh

train-reader: install
	scripts/train.sh reader

# The shipped detector (MODEL_CARD.md, "Retraining"): the patch-stem layout, 50 + 40 + 75 minutes.
train-detector: install
	scripts/train.sh detector --arch patch --minutes 50 --seed 5 --out training/runs/det-patch/detector.onnx --run training/runs/det-patch
	scripts/train.sh detector --arch patch --init training/runs/det-patch/last.pt --lr 1e-3 --minutes 40 --seed 11 --out training/runs/det-patch-c/detector.onnx --run training/runs/det-patch-c
	scripts/train.sh detector --arch patch --init training/runs/det-patch-c/last.pt --lr 1e-3 --minutes 75 --ema 0.999 --seed 13

train-state: install
	scripts/train.sh state

train-rectifier: install
	scripts/train.sh rectifier

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
