"""Pages of the training app, by topic. Thin views: each fetches through an ``access_*``
function, parses input with a form, calls one service or selector and renders."""
