# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install translations lint clean

run: install translations ## install, migrate, seed the demo network if empty, serve on HOST:PORT
	FLASK_CONFIG=development $(BIN)/flask --app wsgi db upgrade
	FLASK_CONFIG=development $(BIN)/flask --app wsgi seed-demo
	FLASK_CONFIG=development $(BIN)/python wsgi.py

test: install translations lint ## install and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

translations: install
	$(BIN)/pybabel compile -f --statistics -d app/translations

lint: install
	$(BIN)/ruff check app tests bench config.py wsgi.py
	$(BIN)/mypy

extract: install ## refresh the message catalogues after changing user-facing text
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations

clean:
	rm -rf $(VENV) instance/virtuaalikortteli.db
