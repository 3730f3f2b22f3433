# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install translations lint clean vendor

run: install translations vendor ## install, migrate, seed the demo network if empty, serve on HOST:PORT
	FLASK_CONFIG=development $(BIN)/flask --app wsgi db upgrade
	FLASK_CONFIG=development $(BIN)/flask --app wsgi seed-demo
	FLASK_CONFIG=development $(BIN)/python wsgi.py

test: install translations vendor lint ## install and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# Browser libraries come from the npm registry at install time. Without npm the pages still work
# (they need no JavaScript); only live updates in the browser are missing.
vendor: static/vendor/socket.io.min.js

static/vendor/socket.io.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && mkdir -p static/vendor && \
	  cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/; \
	else echo "npm not found: live updates in the browser are off (pages work without them)"; fi

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
