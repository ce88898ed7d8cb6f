"""Dutch first: pages are Dutch unless the visitor chose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language; a Dutch public body's
pages speak Dutch to everyone until asked otherwise (DESIGN.md rule 5).
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class ChosenLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
