"""Views of the governance core, one module per subdomain."""
