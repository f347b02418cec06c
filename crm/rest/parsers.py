"""Request parsing that turns every malformed body into a 400, never a 500."""
from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from django.utils.translation import gettext as _

# A PostgreSQL `integer` column: API quantities are bounded by it (a larger one is a 400 naming
# the field, not a database error).
PG_INTEGER_MAX = 2**31 - 1


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus: a body nested too deep for Python's parser (100,000 `[`) is a
    parse error like any malformed JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply."))


def validated(serializer_class, data, **kwargs) -> dict:
    """The input checked by a DRF serializer: its validated data, or a 400 naming each field."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
