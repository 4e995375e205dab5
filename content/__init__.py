"""Legal content on the terminal: FAQ, statutes, form specs, and the search over them."""
