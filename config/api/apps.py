from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API's shared rules (error shape, parsers, throttles, integer bounds, schema)."""

    name = "config.api"
    label = "facegov_api"

    def ready(self) -> None:
        from config.api.fields import bound_integer_fields

        bound_integer_fields()
