"""Eligibility self-check: "we are 40 people in Poland with EUR 8 million turnover, can we get support?".

Pure functions over plain data: ``parse_profile`` reads a chat message (or ``CompanyProfile.from_form`` a form),
``check`` applies the SME definition, the country lists, the consortium rule and the support rules of the sources,
and returns findings the Assistant turns into cited sentences.
"""

from assistant.eligibility.check import CheckResult, Finding, check
from assistant.eligibility.countries import (
    Country,
    cosme_status,
    find_countries,
    h2020_status,
    lookup_country,
)
from assistant.eligibility.numbers import Money, Quantity, find_quantities, parse_money, parse_number
from assistant.eligibility.profile import (
    CompanyProfile,
    Partner,
    asks_about_consortium,
    asks_about_country_eligibility,
    detect_eligibility_question,
    detect_scheme,
    normalise_scheme,
    parse_profile,
)
from assistant.eligibility.sme import Category, Holding, Relation, assess_ownership, classify

__all__ = [
    "Category",
    "CheckResult",
    "CompanyProfile",
    "Country",
    "Finding",
    "Holding",
    "Money",
    "Partner",
    "Quantity",
    "Relation",
    "asks_about_consortium",
    "asks_about_country_eligibility",
    "assess_ownership",
    "check",
    "classify",
    "cosme_status",
    "detect_eligibility_question",
    "detect_scheme",
    "find_countries",
    "find_quantities",
    "h2020_status",
    "lookup_country",
    "normalise_scheme",
    "parse_money",
    "parse_number",
    "parse_profile",
]
