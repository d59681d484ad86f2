# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup bench

run:
	@bash scripts/setup.sh
	.venv/bin/python -m streamlit run dashboard.py

test:
	@bash scripts/setup.sh --browser
	.venv/bin/python -m pytest

setup:
	@bash scripts/setup.sh --browser

bench:
	@bash scripts/setup.sh --browser
	.venv/bin/python bench/run.py
