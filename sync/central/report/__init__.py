"""The Loyalty Program report at the central service: daily aggregates kept live, range queries, the API.

`live` marks what a push changed, `refresh` keeps the aggregates current (and
rebuilds them), `cells` and `participants` compute them, `query` answers a
range for the chain, a brand or a store, `access` says who may read what and
`api` serves it. The metrics themselves are defined once, in
`pos_app.domain.report`.
"""
