"""Extension points of the orgs app (:mod:`manabi.core.extensions`)."""

# Facts shown on an organisation's page by the apps above (people: its staff):
# acting, organisation → (label, text, url) or None.
ORGANISATION_FACTS = "orgs.organisation_facts"
