"""One-click unsubscribe from a link in an email, without logging in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from members.models import Member
from members.services import member_unsubscribe
from members.unsubscribe import unsubscribe_read


# The signed token is the credential; mail clients' one-click POST (RFC 8058) has no CSRF
# token. A GET only shows the question, so link scanners that prefetch change nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_read(token)
    member = Member.objects.filter(pk=found[0]).first() if found else None
    if member is None:
        return render(request, "members/unsubscribe_invalid.html", status=404)
    purpose = found[1]
    if request.method == "POST":
        member_unsubscribe(member=member, purpose=purpose)
        return render(request, "members/unsubscribe_done.html", {"purpose": purpose})
    return render(request, "members/unsubscribe_confirm.html", {"purpose": purpose})
