"""The `entitybase` command line."""
