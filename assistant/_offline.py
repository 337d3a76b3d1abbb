"""Set before any heavy import: no hub downloads, no telemetry. A mistake then fails fast instead of hanging.

The product must never reach the Hugging Face hub or send telemetry (Chroma, Gradio), whatever the caller's
environment says: a stray ``HF_HUB_OFFLINE=0`` in a shell profile would otherwise let a missing file turn into a
download at answer time. So those variables are forced, not defaulted. The cosmetic ones (log verbosity, progress
bars, tokenizer threads) are only defaults a user may override.
"""

import os

FORCED = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
DEFAULTS = {
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}

os.environ.update(FORCED)
for _name, _value in DEFAULTS.items():
    os.environ.setdefault(_name, _value)
