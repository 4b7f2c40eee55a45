"""The REST API for tills and web shops (`/api/v1/`), and for signed-in members (`/api/v1/me/`).

Thin: serializers parse, views call one service or selector of the apps, errors come back in one
JSON shape. See the README section "Integrating a till" and the schema at `/api/v1/schema/`.
"""
