"""Publishing a verified release next to the live one and switching over atomically."""
