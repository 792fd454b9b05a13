"""The names under which conversation tests report their shares per language; the root
conftest prints them at the end of the run."""

# The corpus test's report property: per language (understood, total, misses).
CORPUS_SHARES = "corpus_shares"
# The segment tests' report property: per language (texts in one segment, texts).
SEGMENT_SHARES = "segment_shares"
