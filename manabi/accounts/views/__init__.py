"""Views of the accounts app, one module per topic (sign-in, management, guests, requests)."""
