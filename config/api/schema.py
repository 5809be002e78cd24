"""OpenAPI generation that understands our thin-API style.

Each API view nests its own `InputSerializer` and `OutputSerializer`; their bare names would
collide across views, so a nested serializer's component is named after its view
(`TokenObtainApi.InputSerializer` → `TokenObtainInput`).
"""

from drf_spectacular.openapi import AutoSchema


class FaceGovAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        owner, nested = qualname.rsplit(".", 1)
        owner = owner.replace(".", "").removesuffix("Api")
        return owner + nested.removesuffix("Serializer")
