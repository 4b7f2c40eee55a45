from django.conf import settings


def program(request) -> dict:
    return {"program_name": settings.LOYALTY_PROGRAM_NAME}
