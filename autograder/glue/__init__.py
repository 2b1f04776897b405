"""Every private part of a library the grader relies on, one module per library, each touch with a canary in
`tests/test_glue_canaries.py` that fails loudly in `make test` after an upgrade that breaks it, instead of slowly
(or silently) in a classroom:

- `kernel_client`: jupyter_client's kernel manager and client (a provisioner that forks warm kernels), nbformat's
  `rejoin_lines`;
- `converter`: nbgrader's Autograde converter and preprocessors;
- `gradebook`: what nbgrader's gradebook and metadata validator pay again per notebook (SQLAlchemy engines,
  jsonschema's schema check), paid once while a batch runs;
- `jsonschema_formats`: jsonschema's optional IRI format checkers, whose grammar costs every command 0.7 s to
  import, left out of the command's own process;
- `hypothesis_engine`: how hypothesis sets up each call of a test (settings, seeded global generators, stack
  room), which `course.properties.ExampleBook` reproduces to replay the answer key's examples (its canary is
  `test_per_example_gives_a_check_the_state_hypothesis_gives_it` in `tests/test_example_book.py`).

Glue holds no policy of the grader's (what a submission may copy, what a grade means): it adapts the libraries,
and the modules that decide hand it their decisions.
"""
