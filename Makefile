.PHONY: run test stop lint services
run:
	./dev run
test:
	./dev test
stop:
	./dev stop
services:
	./dev services
lint:
	.venv/bin/lint-imports
