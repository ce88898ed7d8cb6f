"""Views: public.py for requesters, officer.py for the officer pages, tasks.py for task forms."""
