"""Industry conventions: CISO Assistant framework libraries, the probes that answer their
requirements from the platform's data, and the credit grade that audits feed (issue 12)."""
