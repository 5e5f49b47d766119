# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app neighbourhood
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations chromium messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel -q compile -d translations

run: install translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

test: install translations chromium
	$(BIN)/python -m pytest

# Re-extract the messages after changing user-visible text, then translate both catalogues.
messages: install
	$(BIN)/pybabel -q extract --sort-output --no-wrap --ignore-dirs=".* __pycache__" -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot neighbourhood templates
	$(BIN)/pybabel -q update --no-wrap -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
