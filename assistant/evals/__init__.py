"""Evals: score any eval file (format in evals/README.md) against the assistant and gate on the results.

Modules: ``dataset`` (the format), ``matching`` (key-fact matching), ``metrics``, ``runner`` (configurations and
follow-up history), ``reference`` (the LangChain-tutorial pipeline to beat), ``report`` and ``plots``, ``gate``,
``cli`` (``python -m assistant eval``).
"""
