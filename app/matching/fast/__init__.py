"""The recommender's speed tricks, each beside the plain version it must equal bit for bit.

Everything else in app/matching calls these; a newcomer can read the plain versions (and
scoring.py) and trust that the tricks change nothing but time and memory. Each trick, why it
exists, and the test that compares it with its plain version (tests/matching/...):

* product.dense_product — ``(a @ b).toarray()`` through scipy's private ``csr_matmat`` and
  ``csr_todense`` without the counting pass (results are nearly dense). The product is about
  two thirds of a rebuild; the counting pass was about a third of it; passage CPU -28%.
  Plain: ``plain_dense_product``. Guard: test_explaining.py
  ``test_dense_product_equals_the_scipy_product_bit_for_bit``. If scipy moves the routines,
  the plain product stands in.
* signal_bytes.pair_multiplier — which signals fire, as one byte per pair and one table
  lookup, sector/tag overlaps touched only where labels are shared (a 64 x 100,000 block
  needs 6 MB instead of one 50 MB float array per signal). Plain: ``plain_pair_multiplier``.
  Guard: test_engine_internals.py ``test_pair_multiplier_equals_the_signals_of_every_pair``.
* topk.best_k and topk.ColumnTopK — int64 sort keys (score, then id) so a tie-break is one
  integer comparison; only entries that can enter a top k are keyed and sorted (row
  threshold by partition, running column floors, one integer sort per merge). Plain:
  ``top_k(score_keys(...))``. Guards: test_engine_internals.py
  ``test_best_k_equals_keying_and_sorting_every_entry`` and the ColumnTopK merge test.
* forked_tokenise.forked_token_codes — tokenising is pure Python (the hot loop of a fit), so at
  20,000 items or more the second half runs in a forked child and its stems are renumbered
  as one pass would number them. Plain: ``tokenise.token_codes``. Guards:
  test_engine_internals.py ``test_fit_tokenised_in_two_processes_equals_one_pass``,
  ``test_transforming_in_two_processes_equals_one_pass``,
  ``test_fit_falls_back_to_one_pass_when_no_child_process_can_start``.
* heaviest.heaviest_terms / heaviest_rows — each row's heaviest terms (for reasons) by
  partitioning padded rows instead of sorting every entry (~15x faster). Plain:
  ``plain_heaviest``. Guards: test_explaining.py ``test_heaviest_terms_equal_the_plain_definition``,
  ``test_heaviest_rows_equal_the_heaviest_terms_of_those_rows``.
* postings.cached_postings — a side's inverted index built once and kept, behind a
  double-checked lock so the rebuild's two threads do not both build it. Plain:
  ``plain_postings`` (the matrix transposed). Guard: every ranking test (products with the
  cached index must give the scores of the plain ones; the cache is reset when rows are added).

Measured overall: bench/matching_speed.py (README, "Speed and memory").
"""
