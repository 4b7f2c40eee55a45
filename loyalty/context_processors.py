from loyalty.services import program_settings_get


def program(request) -> dict:
    program_settings = program_settings_get()
    return {"program_name": program_settings.program_name, "program": program_settings}
