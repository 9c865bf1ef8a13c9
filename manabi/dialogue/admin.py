"""Dialogue records are written and read only on their own pages (jurisdiction checked, every
view audited); the Django admin site does not offer them."""
