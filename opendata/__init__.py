"""Open data: the published practices as CSV, JSON, Table Schema and datapackage."""
