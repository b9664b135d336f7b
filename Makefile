# Two commands for everyone:  make lab  (start the course)  ·  make test  (check everything)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# NO_BROWSER=1 make lab   → for a remote or headless machine
LAB_ARGS ?=
# JupyterLab refuses to run as root (containers, CI) unless told it is deliberate.
LAB_FLAGS := $(if $(NO_BROWSER),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,)
# The stamp is keyed on the dependency spec (the [project] table of pyproject.toml): change a
# dependency and the next run reinstalls; change only pytest options and it does not.
SPEC_HASH := $(shell sed -n '/^\[project\]/,/^\[tool/p' pyproject.toml | sha256sum | cut -c1-16)
STAMP  := $(VENV)/.installed-$(SPEC_HASH)
PYTEST_ARGS ?=

.PHONY: lab test install execute exercises workspace tune-workers clean help

help:
	@echo "make lab       set up (once) and start JupyterLab at notebooks/00_start_here.ipynb"
	@echo "               options: PORT=8888 NO_BROWSER=1 LAB_ARGS='--ServerApp.ip=0.0.0.0'"
	@echo "make test      set up (once) and run unit tests + strict nbval on every notebook"
	@echo "make execute   re-run notebooks and store their outputs (NB=notebooks/01_....ipynb for one)"
	@echo "make exercises regenerate learner versions in exercises/ from exercises/source/"
	@echo "make tune-workers  N workers on one Optuna study: N=4 TRIALS=25 STUDY=course TASK=few-matter"
	@echo "               STORAGE=journal:workspace/optuna/tuning.log (one machine) or postgresql+psycopg://..."

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "ERROR: could not create $(VENV) with $(PYTHON) (is the venv module installed?)"; exit 1; }
	@rm -f $(VENV)/.installed-*
	@echo "Installing the course into $(VENV) (first time only, 1-3 minutes)..."
	$(BIN)/python -m pip install --disable-pip-version-check -q -e ".[test,hub,scale]" \
	  || { echo "ERROR: pip could not install the course's dependencies (see the message above). Nothing was marked installed; fix and re-run."; exit 1; }
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null \
	  || { echo "ERROR: could not register the Jupyter kernel."; exit 1; }
	$(BIN)/python -m course_lib.classroom.lab_settings >/dev/null \
	  || { echo "ERROR: could not write the course's JupyterLab settings."; exit 1; }
	@touch $@

workspace: $(STAMP)
	@$(BIN)/python -m course_lib.classroom.workspace

lab: $(STAMP) workspace
	$(BIN)/jupyter lab --ServerApp.port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_FLAGS) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)

exercises: $(STAMP)
	$(BIN)/python -m course_lib.classroom.build $(if $(NB),$(NB),)

# N local workers on one Optuna study (course_lib.hpo.workers); run it on several machines with one PostgreSQL URL.
N ?= 4
TRIALS ?= 25
STUDY ?= course
TASK ?= few-matter
STORAGE ?= journal:workspace/optuna/tuning.log
TUNE_ARGS ?=
tune-workers: $(STAMP)
	$(BIN)/python -m course_lib.hpo.workers --storage "$(STORAGE)" --study "$(STUDY)" --workers $(N) \
	  --trials $(TRIALS) --task "$(TASK)" $(TUNE_ARGS)

clean:
	rm -rf $(VENV)
