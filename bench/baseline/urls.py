from django import forms
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path

from bench.baseline.models import Entry, Submission


class SubmissionForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()


def submit(request):
    """GET: the fields bench/intake reads from a form; POST: validate, write two rows, 302."""
    if request.method != "POST":
        return HttpResponse(
            '<input name="csrfmiddlewaretoken" value="-"><input name="idempotency_key" value="-">',
            headers={"Set-Cookie": "csrftoken=-"},
        )
    form = SubmissionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    with transaction.atomic():
        submission = Submission.objects.create(**form.cleaned_data)
        Entry.objects.create(submission=submission, action="submitted")
    return HttpResponseRedirect("/verzoek/ontvangen/")


urlpatterns = [path("verzoek/", submit)]
