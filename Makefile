# amity: `make demo` sets everything up and prints the Pakistan–Russia profile;
# `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MIRROR ?= $(abspath ../shared/data)
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[pdf,spark,test,web]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@if [ -d "$(MIRROR)" ]; then \
	  echo "amity: ingesting the mirror at $(MIRROR)"; \
	  $(BIN)/amity setup --mirror "$(MIRROR)"; \
	else \
	  echo "amity: no mirror at $(MIRROR); downloading from the publishers"; \
	  $(BIN)/amity setup; \
	fi
	$(BIN)/amity profile PAK RUS --years 1946-2019
	$(BIN)/amity brief PAK RUS --out out/PAK-RUS-brief.html
	$(BIN)/amity brief PAK RUS --out out/PAK-RUS-brief.pdf

test: $(STAMP)
	$(BIN)/python -m pytest -q

# each benchmark writes its section of BENCHMARKS.md (and benchmarks/results/*.md)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_un_votes.py
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_brief.py
	$(BIN)/python benchmarks/bench_opportunities.py
	$(BIN)/python benchmarks/bench_claims.py
	$(BIN)/python benchmarks/bench_gdelt.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
