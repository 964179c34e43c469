"""`make bench`: wrk benchmarks against a dedicated local stack with the large data set."""
