# Two commands on a fresh machine with Python 3.11, pip and make:
#   make run    set up .venv from requirements.lock, generate synthetic data if
#               data/01_raw has no Olist CSVs, then `kedro run --pipelines=training`
#               (the default pipeline's work, with the model registered in MLflow)
#   make test   ruff + the whole test suite, on PYTEST_WORKERS processes (2: this
#               machine's cores; PYTEST_WORKERS=0 runs it in one process)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export KEDRO_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := true
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: install run data test lint viz mlflow-ui serve app

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$$(sed -n "s/^uv==//p" requirements.lock)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

data: $(STAMP)
	@if ls data/01_raw/*.csv >/dev/null 2>&1; then \
		echo "data/01_raw already holds CSVs: not generating synthetic data"; \
	else \
		$(BIN)/kedro run --pipelines=synthetic; \
	fi

run: data
	$(BIN)/kedro run --pipelines=training

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# loadgroup: the groups of tests/conftest.py (a module, or every test of the trained
# project) each run on one worker, so that their fixtures are built once.
test: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

viz: $(STAMP)
	$(BIN)/kedro viz run --host 127.0.0.1

mlflow-ui: $(STAMP)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1

# The front door, on the model registered by the last complete `make run` (docs/usage.md):
#   make serve [HOST=127.0.0.1] [PORT=8000] [MODEL_VERSION=latest]
#   make app   [HOST=127.0.0.1] [APP_PORT=8501] [MODEL_VERSION=latest]
HOST ?= 127.0.0.1
PORT ?= 8000
APP_PORT ?= 8501
MODEL_VERSION ?= latest
PYTEST_WORKERS ?= 2

serve: $(STAMP)
	$(BIN)/python -m olist_segmentation.serving --host $(HOST) --port $(PORT) --model-version $(MODEL_VERSION)

app: $(STAMP)
	$(BIN)/streamlit run src/olist_segmentation/app/main.py --server.address $(HOST) --server.port $(APP_PORT) --server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer -- --model-version $(MODEL_VERSION)
