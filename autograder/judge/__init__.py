"""The judge: hidden tests run in a kernel where no student code ever ran (values cross by value, functions by proxy)."""
