"""The scoring service: one registered model version and its run, over HTTP."""
