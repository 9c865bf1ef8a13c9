"""Pages of the records app, one module per activity: reading (history), writing by hand
(entry), exports and legacy imports."""
