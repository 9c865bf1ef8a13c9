"""Extension points of the people app (:mod:`manabi.core.extensions`): what the apps above it
(accounts) add to the people app's work without the people app importing them."""

# Called inside the retirement's transaction: actor, staff, retired_on.
STAFF_RETIRED = "people.staff_retired"
# The URL of the staff member's account page for the person acting, or None:
# acting, account.
STAFF_ACCOUNT_LINK = "people.staff_account_link"
