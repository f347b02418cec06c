"""The only place finance talks to outside systems."""
