"""Which static files avgflow serves: its own and its apps', without viewflow's frontend.

viewflow ships 49 MB of fonts, icons and scripts for its own admin-like frontend, which no
avgflow page loads (the flow chart is an SVG drawn by the view). Collecting them made
`collectstatic` take minutes, and one of its stylesheets names fonts that are not where it says,
which the hashed-name storage of production refuses (found by bench/intake, issue 9).
"""

from django.apps import apps
from django.contrib.staticfiles import finders

NOT_SERVED = ("viewflow", "viewflow.workflow")  # app names


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def __init__(self, app_names=None, *args, **kwargs):
        if app_names is None:
            app_names = [
                config.name for config in apps.get_app_configs() if config.name not in NOT_SERVED
            ]
        super().__init__(app_names, *args, **kwargs)
