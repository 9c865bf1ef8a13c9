"""育成指標 are defined on their own pages (indicators:framework_*), which audit every
change; the Django admin site does not offer them."""
