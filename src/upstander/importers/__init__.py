"""Importers: a public data release mapped to the data contract, written as a delivery and loaded as any other.

Each importer reads the files in the form the source publishes them, maps every row it can to the contract's
`staff` and `complaints` feeds (saying, by file, row and field, what it could not map and what it did instead),
writes a delivery under `$UPSTANDER_HOME/imports/` and loads it through the normal loader, so every rule of the
contract applies. Nothing outside this package knows the source systems.
"""
