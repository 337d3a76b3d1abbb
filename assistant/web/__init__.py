"""The web surface: a Gradio chat page and a JSON API over one ``Assistant`` (``python app.py``).

Modules: ``serve`` (start-up), ``app`` (the page and the FastAPI app), ``api`` (JSON routes), ``render`` (safe
page content), ``drafting`` (help-desk replies), ``backend`` (the assistant being loaded or built). Gradio and
FastAPI are imported by those modules only, so importing this package costs nothing.
"""
