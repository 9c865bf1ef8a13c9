"""Training history is written only through the services (every change audited) and read
through the pages that check jurisdiction; the Django admin site does not offer it."""
