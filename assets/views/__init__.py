"""Pages of the asset inventory, one module per subdomain."""
