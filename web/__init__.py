"""The server package: Flask routes, headers, downloads and export rendering."""
