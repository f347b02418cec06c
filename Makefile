# Thin aliases: everything lives in ./dev (make is not needed).
.PHONY: run test stop lint services
run:
	./dev run
test:
	./dev test
stop:
	./dev stop
lint:
	./dev lint
services:
	./dev services
