from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from django.utils.translation import gettext as _


class Pagination(PageNumberPagination):
    """Page-number pagination on every list: ?page=N&page_size=M (at most 200).

    A `page_size` that is not a whole number of at least 1 is refused (400 naming it) instead of
    being silently replaced by the default: the schema documents an integer, and a client that
    sends `page_size=abc` would otherwise believe it got what it asked for."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw:
            value = raw[-1]
            if len(raw) > 1 or not value.isascii() or not value.isdigit() or int(value) < 1:
                raise ValidationError({self.page_size_query_param: [_("A whole number of at least 1.")]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1})
                parameter["description"] = f"Number of results per page (at most {self.max_page_size})."
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters
