"""The program settings row is read once per request."""

from loyalty.services.program import program_settings_once


class ProgramSettingsOncePerRequestMiddleware:
    """The view, its helpers and the template context share one read of the settings row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with program_settings_once():
            return self.get_response(request)
