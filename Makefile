# Two commands do everything on a fresh clone:
#   make poem   install into .venv and write a poem with the shipped model
#   make test   install into .venv (with test extras) and run the whole suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.tangshi-installed

.PHONY: poem test install course clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

poem: $(STAMP)
	$(BIN)/tangshi write --form 七律 --title 秋夜

# The browser test drives Debian's chromium; install it when we can (root with apt),
# otherwise that one test is skipped and says why.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	-if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; fi

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# The course: each chapter of docs/course (jupytext percent scripts) run as a notebook and
# rendered to build/course/NN_name.html. Needs the course extra (jupytext, nbconvert, ipykernel).
course: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[course]"
	rm -rf build/course && mkdir -p build/course build/img
	cp docs/course/course.py build/course/ && cp docs/img/lab-tune.png build/img/
	for f in docs/course/0*.py; do \
	  $(BIN)/jupytext --quiet --to ipynb --output build/course/$$(basename $$f .py).ipynb $$f || exit 1; done
	cd build/course && MPLBACKEND=module://matplotlib_inline.backend_inline ../../$(BIN)/jupyter nbconvert \
	  --execute --to html --HTMLExporter.embed_images=True --ExecutePreprocessor.timeout=600 0*.ipynb
	@ls build/course/*.html

clean:
	rm -rf $(VENV) build
